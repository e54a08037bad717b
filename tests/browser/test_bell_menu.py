"""The bell opens a menu of the latest notifications; each row is a link, and opening the post
marks it read."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from forum.models import Notification
from tests.browser.demo_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_bell_menu_opens_and_its_links_mark_read(page, live_server, demo):
    lena = get_user_model().objects.get(username="lena")
    sign_in(page, live_server, lena)
    page.goto(live_server.url + "/")
    bell = page.get_by_role("link", name=re.compile(r"^Notifications, \d+ unread$"))
    expect(bell).to_be_visible()

    bell.click()
    menu = page.get_by_role("region", name="Latest notifications")
    expect(menu).to_be_visible()
    expect(bell).to_have_attribute("aria-expanded", "true")
    first = menu.get_by_role("link", name=re.compile(r"^Unread: ")).first
    expect(first).to_be_focused()
    page.screenshot(path="/tmp/evident-bell-menu.png")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(bell).to_be_focused()

    bell.click()
    target = menu.get_by_role("link", name=re.compile(r"^Unread: .* in “Does low-dose naltrexone")).first
    target.click()
    expect(page).to_have_url(re.compile(r"/t/does-low-dose-naltrexone-help-fibromyalgia-pain/\d+/"))
    assert not Notification.objects.filter(recipient=lena, read_at__isnull=True, topic=demo).exists()
