"""Request forgery and guessed ids: every URL refuses a POST without a CSRF token, redirects stay
on this site, and objects belong to whoever may change them.

tests/forum/test_authorisation_matrix.py holds who may POST what (and CSRF for those rows); this
module walks the whole URL tree so that an endpoint nobody listed there is still covered.
"""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from forum.discussion.drafts import draft_save
from forum.following.notifying import unsubscribe_token
from forum.models import Draft, NotificationKind, NotificationPreference, WatchLevel
from tests.factories import PASSWORD, UserFactory, make_topic
from tests.forum.test_authorisation_matrix import MATRIX

pytestmark = pytest.mark.django_db

# One-click unsubscribe (RFC 8058): mail clients POST with no session or token; the signed token
# in the URL is the proof. The only exemption, and it is tested below.
CSRF_EXEMPT = {"forum:unsubscribe"}
# The JSON API is read-only: anything but GET answers its JSON 405 before the CSRF check (a
# token means nothing to an API client), and nothing it does can change anything.
READ_ONLY_PREFIX = "api:"
SAMPLE = {"int": "1", "slug": "sample", "str": "sample", "path": "sample"}
_CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _every_route(resolver=None, prefix="", namespace=""):
    """(name, concrete path) for every route-style URL pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = getattr(pattern.pattern, "_route", None)
        if route is None or route.startswith("admin/"):
            continue  # regex patterns (none of ours) and Django's own admin
        concrete = _CONVERTER.sub(lambda m: SAMPLE[m.group("converter") or "str"], route)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _every_route(pattern, prefix + concrete, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", "/" + prefix + concrete


ROUTES = sorted(set(_every_route()))


def test_the_walk_finds_every_app():
    names = {name for name, _ in ROUTES}
    assert {"forum:reply", "forum:draft", "accounts:profile_edit", "account_login", "account_signup",
            "account_reset_password", "account_change_password", "account_email"} <= names
    matrix_paths = {e.name for e in MATRIX}
    print(f"{len(ROUTES)} URL patterns walked; the matrix has {len(matrix_paths)} write endpoints")


@pytest.mark.parametrize("name, path", [r for r in ROUTES if r[0] not in CSRF_EXEMPT], ids=lambda v: str(v))
def test_a_post_without_a_token_is_refused_everywhere(name, path):
    member = UserFactory(username="csrfmember")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(path, {"raw": "Forged", "title": "Forged title", "level": "muted", "discard": "1"})

    refused = 405 if name.startswith(READ_ONLY_PREFIX) else 403
    assert response.status_code == refused, (name, path, response.status_code)


def test_only_the_unsubscribe_link_and_the_read_only_api_are_exempt_from_csrf():
    exempt = {name for name, path in ROUTES
              if getattr(get_resolver().resolve(path).func, "csrf_exempt", False)}
    assert {name for name in exempt if not name.startswith(READ_ONLY_PREFIX)} == CSRF_EXEMPT


# Endpoints that change something but are not rows of the matrix: without a token nothing changes.
def test_watch_levels_preferences_and_drafts_are_unchanged_by_a_forged_post(member):
    topic = make_topic(title="Magnesium for cramps at night", raw="Any trials?")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    responses = [
        client.post(reverse("forum:topic_level", args=[topic.pk]), {"level": WatchLevel.MUTED}),
        client.post(reverse("forum:category_level", args=[topic.category.slug]), {"level": WatchLevel.WATCHING}),
        client.post(reverse("forum:notification_preferences"), {}),
        client.post(reverse("forum:draft", args=["new-topic"]), {"raw": "Forged draft"}),
        client.post(reverse("account_change_password"),
                    {"oldpassword": PASSWORD, "password1": "An0ther-pass-phrase", "password2": "An0ther-pass-phrase"}),
        client.post(reverse("account_email"), {"action_add": "", "email": "attacker@evil.example"}),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert not NotificationPreference.objects.filter(user=member).exists()
    assert not Draft.objects.filter(user=member).exists()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert not member.emailaddress_set.filter(email="attacker@evil.example").exists()


# --- Redirects only go to this site ----------------------------------------------------------
OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "https:evil.example", "\\\\evil.example",
            "javascript:alert(1)", " https://evil.example/", "http://testserver@evil.example/"]


def _stays_on_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_in_never_follows_next_off_site(client, target):
    UserFactory(username="nextuser")

    response = client.post(f"{reverse('account_login')}?next={target}", {"login": "nextuser", "password": PASSWORD,
                                                                          "next": target})

    assert response.status_code == 302
    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_logging_out_never_follows_next_off_site(member_client, target):
    response = member_client.post(reverse("account_logout"), {"next": target})

    assert _stays_on_site(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_discarding_a_draft_never_follows_next_off_site(member_client, member, target):
    draft_save(user=member, key="new-topic", raw="Half a thought")

    response = member_client.post(reverse("forum:draft", args=["new-topic"]), {"discard": "1", "next": target})

    assert _stays_on_site(response["Location"]), response["Location"]


def test_an_on_site_next_is_still_followed(member_client, member):
    draft_save(user=member, key="new-topic", raw="Half a thought")

    response = member_client.post(reverse("forum:draft", args=["new-topic"]), {"discard": "1", "next": "/categories/"})

    assert response["Location"] == "/categories/"


# --- Guessed ids ----------------------------------------------------------------------------
def test_a_draft_is_only_ever_its_writers(member, other_member, client):
    draft_save(user=member, key="new-topic", raw="Maria's private draft")
    client.force_login(other_member)

    read = client.get(reverse("forum:draft", args=["new-topic"]))
    client.post(reverse("forum:draft", args=["new-topic"]), {"discard": "1"})

    assert "private draft" not in read.content.decode()
    assert Draft.objects.get(user=member).raw == "Maria's private draft"


def test_an_unsubscribe_token_cannot_be_re_pointed_at_another_member(client, member, other_member):
    token = unsubscribe_token(member.pk, NotificationKind.REPLIED)
    # Take the signed payload and swap in another member's id: the signature no longer matches.
    forged = signing.dumps({"u": other_member.pk, "k": NotificationKind.REPLIED}, salt="not-our-salt", compress=True)
    payload, signature = token.rsplit(":", 1)

    responses = [client.post(reverse("forum:unsubscribe", args=[forged])),
                 client.post(reverse("forum:unsubscribe", args=[f"{payload}x:{signature}"])),
                 client.post(reverse("forum:unsubscribe", args=[str(other_member.pk)]))]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert not NotificationPreference.objects.exists()


def test_an_unsubscribe_token_only_ever_touches_its_own_member(client, member, other_member):
    client.force_login(other_member)  # whoever is signed in is irrelevant: the token names the member

    response = client.post(reverse("forum:unsubscribe", args=[unsubscribe_token(member.pk, NotificationKind.REPLIED)]))

    assert response.status_code == 200
    assert NotificationPreference.objects.filter(user=member, kind=NotificationKind.REPLIED, email=False).exists()
    assert not NotificationPreference.objects.filter(user=other_member).exists()
