"""Every URL that needs moderator power refuses a session that passed only the password.

The attack this guards against: a moderator's password, guessed or stolen, used without their
second factor (Django admin's own login form used to accept it). The URLs come from the URLconf,
so a new one cannot be left out: each named URL is either a moderator URL, with a request here
that uses the power, or named in NO_MODERATOR_POWER; an unclassified one fails the suite, and so
does a view that asks `ensure_can_moderate` but was not classified as a moderator URL.

Each moderator request is sent over HTTP twice: from a session that passed only the password
(refused: 403, or sent to the second-factor step, and nothing changed) and from one that signed
in through allauth with the password and a code from the authenticator app (allowed, and the
change made). The writes come from the authorisation matrix (tests/forum/
test_authorisation_matrix.py): those a moderator may make and another member may not.
"""

import inspect
from dataclasses import dataclass
from typing import Callable

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from accounts.models import User
from forum.models import StaffNote, TopicState
from forum.moderation.actions import staff_note_add, topic_delete, topic_set_state
from tests.accounts.totp import current_code
from tests.factories import PASSWORD, TEST_TOTP_SECRET
from tests.forum.test_authorisation_matrix import MATRIX, ROLES, World, _a_study, world  # noqa: F401
from tests.second_factor_sessions import password_only

pytestmark = pytest.mark.django_db

# Where a refused request is sent: to set up or confirm the second factor, or to sign in.
REFUSAL_PLACES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/login/", "/admin/login/")

# Named URLs that give no moderator power: a moderator uses them as any member does (what they
# show a moderator follows `User.is_moderator`, the same rule). Everything under accounts/
# (allauth's sign-in, sign-up and factor pages) is in the same class, by its prefix.
NO_MODERATOR_POWER = {
    "healthz",
    "accounts:profile_edit", "accounts:suggest", "accounts:account_settings", "accounts:data_download",
    "accounts:account_delete", "accounts:confirmation_resend", "accounts:profile",
    "api:index", "api:topics", "api:topic", "api:study", "api:search", "api:openapi", "api:unknown",
    "forum:latest", "forum:categories", "forum:search", "forum:live", "forum:category", "forum:tag",
    "forum:latest_feed", "forum:latest_rss", "forum:category_feed", "forum:topic_feed", "forum:new_topic",
    "forum:preview", "forum:upload_create", "forum:upload", "forum:external_image", "forum:topic_short",
    "forum:post_cooked", "forum:notifications", "forum:notification_preferences", "forum:unsubscribe",
    "forum:topic_level", "forum:category_level", "forum:draft", "forum:notification_menu",
    "forum:notifications_read_all", "forum:notification_open", "forum:topic", "forum:evidence_summary_history",
    "forum:post_permalink", "forum:topic_bibliography", "forum:studies", "forum:study_add", "forum:study_resolve",
    "forum:study", "forum:study_history", "forum:study_suggest", "forum:study_json", "forum:study_export",
    "forum:study_find",
    "forum:post_vote", "forum:post_flag", "forum:credential_request", "forum:post_revisions",
    # Signing out of the admin needs no power (and with none, it only sends the person back).
    "admin:logout",
}


@dataclass(frozen=True)
class PowerRequest:
    """One request that uses moderator power: what it sends, and how to see that it worked."""

    name: str
    method: str
    url: Callable[[World], str]
    data: Callable[[World], dict] = lambda w: {}
    changed: Callable[[World], bool] | None = None  # None for pages that change nothing
    setup: Callable[[World], None] = lambda w: None


def _powered(endpoint) -> bool:
    outcome = dict(zip(ROLES, endpoint.expected.split(), strict=True))
    return outcome["moderator"] == "ok" and outcome["other_member"] != "ok"


def _from_matrix(endpoint) -> PowerRequest:
    return PowerRequest(
        f"matrix:{endpoint.name}", "post", endpoint.url, endpoint.data,
        changed=lambda w: endpoint.changed(w, w.moderator, None),
        setup=lambda w: endpoint.setup(w, w.moderator),
    )


def _closed(world):
    topic_set_state(moderator=world.moderator, topic=world.topic, state=TopicState.CLOSED)


def _page(url_name: str, args: Callable[[World], list], setup=lambda w: None) -> PowerRequest:
    return PowerRequest(f"page:{url_name}", "get", lambda w: reverse(url_name, args=args(w)), setup=setup)


FORUM_REQUESTS = [_from_matrix(endpoint) for endpoint in MATRIX if _powered(endpoint)] + [
    _page("forum:review_queue", lambda w: []),
    _page("forum:audit_log", lambda w: []),
    _page("forum:credential_queue", lambda w: []),
    _page("forum:study_suggestions", lambda w: []),
    _page("forum:post_moderate", lambda w: [w.answer.pk]),
    _page("forum:suspend", lambda w: [w.third.username]),
    _page("forum:post_edit", lambda w: [w.answer.pk]),  # someone else's post
    _page("forum:study_edit", lambda w: [w.extra["study"].pk], setup=lambda w: _a_study(w, w.moderator)),
    _page("forum:evidence_summary_edit", lambda w: [w.topic.slug, w.topic.pk]),
    PowerRequest("staff_note", "post", lambda w: reverse("forum:staff_note", args=[w.third.username]),
                 lambda w: {"text": "Asked twice about adverts."},
                 changed=lambda w: StaffNote.objects.filter(member=w.third).exists()),
    PowerRequest("reply_to_closed_topic", "post", lambda w: reverse("forum:reply", args=[w.topic.pk]),
                 lambda w: {"raw": "A moderator's note in a closed topic."},
                 changed=lambda w: w.topic.posts.filter(raw="A moderator's note in a closed topic.").exists(),
                 setup=_closed),
]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":"), pattern


def _admin_urls(world: World) -> list[tuple[str, str]]:
    """Every admin URL but signing out, with its arguments filled from what exists."""
    models = {f"{model._meta.app_label}_{model._meta.model_name}": model for model in admin.site._registry}
    urls = []
    for route, name, pattern in _walk(get_resolver()):
        if not route.startswith("admin/") or name in NO_MODERATOR_POWER:
            continue
        model = next((m for key, m in models.items() if name.startswith(f"admin:{key}_")), None)
        instance = model.objects.order_by("pk").first() if model else None
        fill = {"app_label": next(iter(admin.site._registry))._meta.app_label, "content_type_id": ContentType.objects.get_for_model(User).pk,
                "object_id": str(instance.pk if instance else world.moderator.pk), "id": str(world.moderator.pk)}
        kwargs = {key: fill[key] for key in pattern.pattern.regex.groupindex}
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


def _sent_away(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(REFUSAL_PLACES)


def _refused(response) -> bool:
    return response.status_code == 403 or _sent_away(response)


def _signed_in_with_totp(user) -> Client:
    """Through allauth as a person signs in: the password, then the app's code."""
    client = Client()
    assert client.post("/accounts/login/", {"login": user.username, "password": PASSWORD}).url == \
        "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": current_code(TEST_TOTP_SECRET)})
    assert client.session["_auth_user_id"] == str(user.pk)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def moderator_world(world):
    world.moderator.set_password(PASSWORD)
    world.moderator.save()
    return world


def test_every_url_is_classified_and_every_moderator_view_is_tested(moderator_world):
    tested = {resolve(request.url(moderator_world).split("?")[0]).view_name
              for request in FORUM_REQUESTS if not request.setup(moderator_world)}
    unclassified, untested_moderator_views = [], []
    for route, name, pattern in _walk(get_resolver()):
        if route.startswith(("admin/", "accounts/")) or name in tested:
            continue
        if name not in NO_MODERATOR_POWER:
            unclassified.append(f"{name} ({route})")
        source = inspect.getsource(inspect.unwrap(pattern.callback)) if inspect.isfunction(
            inspect.unwrap(pattern.callback)) else ""
        if "ensure_can_moderate" in source or "moderator=request.user" in source:
            untested_moderator_views.append(name)
    assert not unclassified, "classify these: moderator URLs need a request in FORUM_REQUESTS"
    assert not untested_moderator_views
    assert not tested & NO_MODERATOR_POWER
    print(f"{len(tested)} forum URLs and {len(_admin_urls(moderator_world))} admin URLs need moderator power; "
          f"{len(FORUM_REQUESTS)} requests use it")


@pytest.mark.parametrize("request_", FORUM_REQUESTS, ids=lambda r: r.name)
def test_a_password_only_session_cannot_use_moderator_power(moderator_world, request_):
    world = moderator_world
    request_.setup(world)
    client = password_only(Client(), world.moderator)

    response = getattr(client, request_.method)(request_.url(world), request_.data(world))

    assert _refused(response), (response.status_code, response.get("Location"), response.content[:300])
    if request_.changed:
        assert not request_.changed(world)


@pytest.mark.parametrize("request_", FORUM_REQUESTS, ids=lambda r: r.name)
def test_a_session_that_passed_the_authenticator_code_may(moderator_world, request_):
    world = moderator_world
    request_.setup(world)
    client = _signed_in_with_totp(world.moderator)

    response = getattr(client, request_.method)(request_.url(world), request_.data(world))

    assert response.status_code < 400 and not _refused(response), (response.status_code, response.content[:300])
    if request_.changed:
        assert request_.changed(world)


def test_every_admin_url_refuses_a_password_only_session_and_opens_after_the_code(moderator_world):
    world = moderator_world
    world.moderator.is_staff = world.moderator.is_superuser = True  # every admin page is open to them
    world.moderator.save()
    urls = _admin_urls(world)
    assert len(urls) > 20  # the index, each model's pages, password change ...

    # The admin turns away by sending to its login, which sends on to the second-factor step;
    # a 403 after the code is a page's own answer (task results cannot be added by hand).
    attacker = password_only(Client(), world.moderator)
    turned_away = {name: _sent_away(attacker.get(url)) for name, url in urls}
    assert all(turned_away.values()), [name for name, away in turned_away.items() if not away]

    moderator = _signed_in_with_totp(world.moderator)
    turned_away = {name: _sent_away(moderator.get(url)) for name, url in urls}
    assert not any(turned_away.values()), [name for name, away in turned_away.items() if away]


def test_what_only_moderators_read_stays_hidden_from_a_password_only_session(moderator_world):
    """Reading is power too: deleted topics and staff notes follow the same rule."""
    world = moderator_world
    topic_delete(moderator=world.moderator, topic=world.topic, reason="Spam")
    staff_note_add(moderator=world.moderator, member=world.third, text="Sells supplements in DMs.")
    topic_url, profile_url = world.topic.get_absolute_url(), reverse("accounts:profile", args=[world.third.username])

    attacker = password_only(Client(), world.moderator)
    assert attacker.get(topic_url).status_code == 404
    assert "Sells supplements in DMs." not in attacker.get(profile_url).content.decode()

    moderator = _signed_in_with_totp(world.moderator)
    assert moderator.get(topic_url).status_code == 200
    assert "Sells supplements in DMs." in moderator.get(profile_url).content.decode()
