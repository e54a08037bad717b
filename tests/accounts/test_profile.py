"""Public profiles at /u/<username>/ and editing your own at /u/-/edit-profile/."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from forum.discussion.deleting import post_delete
from tests.factories import UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

EDIT_URL = "/u/-/edit-profile/"


def test_profile_shows_name_username_joined_date_and_bio(client):
    member = UserFactory(username="maria", display_name="Maria Lopez",
                         bio="Rheumatologist. I read **trials** for fun.",
                         date_joined=datetime(2024, 3, 5, 12, 0, tzinfo=UTC))

    response = client.get("/u/maria/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Maria Lopez</h1>" in html
    assert "@maria" in html
    assert "5 Mar 2024" in html  # the one way the site writes a day
    assert "<strong>trials</strong>" in html


def test_profile_url_is_case_insensitive(client, member):
    assert client.get("/u/MARIA/").status_code == 200
    assert member.get_absolute_url() == "/u/maria/"


def test_unknown_or_inactive_member_is_404(client):
    UserFactory(username="gone", is_active=False)
    assert client.get("/u/nobody/").status_code == 404
    assert client.get("/u/gone/").status_code == 404


def test_a_user_called_like_the_edit_path_does_not_hide_the_edit_page(member_client):
    # "-" cannot start a username, so /u/-/… can never be someone's profile.
    assert member_client.get(EDIT_URL).status_code == 200


def _post_count(response) -> int:
    return response.context["post_count"]


def test_post_count_and_recent_posts_exclude_deleted_posts(client, member, other_member):
    topic = make_topic(author=member, title="Does creatine help older lifters?")
    kept = make_reply(topic=topic, author=member, raw="My own follow-up.")
    removed = make_reply(topic=topic, author=member, raw="Posted by mistake.")
    make_reply(topic=topic, author=other_member)
    post_delete(actor=member, post=removed)
    gone_topic = make_topic(author=member, title="A topic I later deleted")
    post_delete(actor=member, post=gone_topic.posts.get(post_number=1))

    response = client.get(member.get_absolute_url())

    assert _post_count(response) == 2
    html = response.content.decode()
    assert "<dt>Posts</dt><dd>2</dd>" in html
    assert f'href="{kept.get_absolute_url()}"' in html
    assert f'href="{topic.post_url(1)}"' in html
    assert f'href="{removed.get_absolute_url()}"' not in html
    assert "A topic I later deleted" not in html


def test_recent_posts_link_to_the_posts_newest_first(client, member):
    first = make_topic(author=member, title="The first question I asked")
    second = make_topic(author=member, title="The second question I asked")

    html = client.get(member.get_absolute_url()).content.decode()

    assert html.index(second.get_absolute_url()) < html.index(first.get_absolute_url())
    response = client.get(second.posts.get().get_absolute_url(), follow=True)
    assert response.status_code == 200
    assert b"The second question I asked" in response.content


def test_a_member_without_posts_sees_an_empty_state(client, member):
    response = client.get(member.get_absolute_url())
    assert _post_count(response) == 0
    assert b"No posts yet." in response.content


@pytest.mark.parametrize("bio, forbidden", [
    ("<script>alert(1)</script>Hello", "<script"),
    ("[click me](javascript:alert(1))", "javascript:"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ('<p onclick="alert(1)">hi</p>', "onclick"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:text/html"),
    ('<div style="position:fixed">x</div>', "position:fixed"),
])
def test_bio_is_sanitised(client, bio, forbidden):
    member = UserFactory(username="mallory", bio=bio)

    html = client.get(member.get_absolute_url()).content.decode()
    about = html[html.index('id="about-heading"'):html.index('id="recent-heading"')] if "about-heading" in html else ""

    assert forbidden not in member.bio_cooked
    assert forbidden not in about


def test_bio_links_are_marked_as_user_content(member):
    member.bio = "See [my lab](https://lab.example/)."
    member.save()
    assert 'href="https://lab.example/"' in member.bio_cooked
    assert 'rel="nofollow ugc noopener"' in member.bio_cooked


def test_clearing_the_bio_clears_the_rendered_bio(member):
    member.bio = "Something"
    member.save()
    member.bio = ""
    member.save()
    assert member.bio_cooked == ""


def test_own_profile_links_to_edit_and_account_pages(member_client, member, other_member):
    html = member_client.get(member.get_absolute_url()).content.decode()
    assert f'href="{EDIT_URL}"' in html
    assert f'href="{reverse("accounts:account_settings")}"' in html

    html = member_client.get(other_member.get_absolute_url()).content.decode()
    assert f'href="{EDIT_URL}"' not in html


# --- Editing -------------------------------------------------------------------------------

def test_edit_profile_requires_login(client, member):
    response = client.get(EDIT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    response = client.post(EDIT_URL, {"display_name": "Hacked", "bio": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Maria Lopez"


def test_edit_profile_shows_the_current_values(member_client, member):
    member.bio = "Rheumatologist."
    member.save()
    html = member_client.get(EDIT_URL).content.decode()
    assert 'value="Maria Lopez"' in html
    assert "Rheumatologist." in html


def test_edit_profile_saves_and_renders_the_bio(member_client, member):
    response = member_client.post(EDIT_URL, {"display_name": "Dr Maria Lopez", "bio": "I read *trials*."})

    assert response.status_code == 302
    assert response["Location"] == member.get_absolute_url()
    member.refresh_from_db()
    assert member.display_name == "Dr Maria Lopez"
    assert member.bio == "I read *trials*."
    assert "<em>trials</em>" in member.bio_cooked
    response = member_client.get(response["Location"])
    assert b"Your profile has been saved." in response.content
    assert b"<em>trials</em>" in response.content


def test_edit_profile_only_changes_the_logged_in_member(member_client, member, other_member):
    # There is no username in the URL and no way to name another account in the form.
    member_client.post(EDIT_URL, {
        "display_name": "Changed", "bio": "", "username": "omar", "id": other_member.pk, "role": "admin",
    })

    member.refresh_from_db()
    other_member.refresh_from_db()
    assert member.display_name == "Changed"
    assert member.username == "maria"
    assert member.role == "member"
    assert other_member.display_name == "Omar Haddad"


def test_edit_profile_needs_a_csrf_token(client, member):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(EDIT_URL, {"display_name": "No token", "bio": ""})

    assert response.status_code == 403
    member.refresh_from_db()
    assert member.display_name == "Maria Lopez"


def test_edit_profile_form_carries_a_csrf_token(member_client):
    assert b'name="csrfmiddlewaretoken"' in member_client.get(EDIT_URL).content


def test_a_too_long_display_name_is_refused_and_the_text_kept(member_client, member):
    long_name = "N" * 61
    response = member_client.post(EDIT_URL, {"display_name": long_name, "bio": "My bio stays."})

    assert response.status_code == 400
    html = response.content.decode()
    assert long_name in html
    assert "My bio stays." in html
    assert response.context["form"].errors["display_name"]
    member.refresh_from_db()
    assert member.display_name == "Maria Lopez"


def test_a_too_long_bio_is_refused_and_the_text_kept(member_client, member):
    long_bio = "Evidence matters. " * 300  # 5,400 characters
    response = member_client.post(EDIT_URL, {"display_name": "Maria Lopez", "bio": long_bio})

    assert response.status_code == 400
    assert response.context["form"].errors["bio"]
    assert long_bio.strip() in response.content.decode()
    member.refresh_from_db()
    assert member.bio == ""


def test_limits_are_inclusive(member_client, member):
    response = member_client.post(EDIT_URL, {"display_name": "N" * 60, "bio": "b" * 5000})
    assert response.status_code == 302
    member.refresh_from_db()
    assert len(member.display_name) == 60
    assert len(member.bio) == 5000


def test_a_blank_display_name_falls_back_to_the_username(member_client, member):
    member_client.post(EDIT_URL, {"display_name": "   ", "bio": ""})
    member.refresh_from_db()
    assert member.display_name == ""
    assert member.name == "maria"
