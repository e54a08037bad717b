"""Who may change what: the authorisation matrix, kept as data.

Every endpoint that changes something is a row; every role is a column; each cell is what that
role gets. One parametrised test turns each cell into a request against fresh data and checks the
response AND the database: an allowed request had its effect, a refused one left things as
they were. The table is the spec: change behaviour by changing it here first.

Outcomes: "ok" (2xx, or a redirect that is not to the login page), "login" (redirected to log in, or for a
composer POST asked to sign in again with the text kept),
or the status code refused with ("400", "403", "404", "429").
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import CredentialRequest
from forum.models import (
    Flag, FlagState, Notification, NotificationKind, Post, Study, StudySuggestion, Topic, TopicState, Vote,
)
from forum.evidence.referencing import studies_import, study_edit
from forum.evidence.study_records import study_suggestion_create
from forum.moderation.flagging import flag_create
from forum.references.metadata import StudyMetadata
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "new_member", "member", "other_member", "suspended", "expert", "moderator", "admin")

# More links than a new member may post (FORUM_NEW_USER_MAX_LINKS is 2): the new member's
# writes meet their limit (429) while everyone else's go through.
THREE_LINKS = "See https://a.example/1, https://b.example/2 and https://c.example/3 for the trials."


@dataclass
class World:
    """Fresh objects for one case. `member` owns the topic and post #3; `third` wrote post #2."""

    member: object
    other_member: object
    new_member: object
    suspended: object
    expert: object
    moderator: object
    admin: object
    third: object
    category: object
    other_category: object
    topic: Topic
    answer: Post  # #2, by `third`: what the asker may accept
    own: Post  # #3, by `member`: what its author may edit and delete, and others vote on and flag
    extra: dict = field(default_factory=dict)

    def user(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


def _established(**kwargs):
    return UserFactory(date_joined=timezone.now() - timedelta(days=30), **kwargs)


@pytest.fixture
def world(settings):
    settings.FORUM_NEW_USER_MIN_POSTS = 0  # established = joined long enough ago
    member = _established(username="member")
    third = _established(username="third")
    topic = make_topic(author=member, title="Does creatine help older adults?", raw="The question.")
    return World(
        member=member,
        other_member=_established(username="other"),
        new_member=UserFactory(username="newbie"),
        suspended=_established(username="suspended", suspended_until=timezone.now() + timedelta(days=7),
                               suspension_reason="Posting adverts"),
        expert=_established(username="expert", role="expert", expert_credential="PhD, exercise physiology"),
        moderator=_established(username="mod", role="moderator"),
        admin=_established(username="admin", role="admin"),
        third=third,
        category=topic.category,
        other_category=CategoryFactory(name="Elsewhere", slug="elsewhere"),
        topic=topic,
        answer=make_reply(topic=topic, author=third, raw="An answer."),
        own=make_reply(topic=topic, author=member, raw="The asker adds a detail."),
    )


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable[[World], str]
    data: Callable[[World], dict]
    # Did the request have its effect? Called after the request, with the acting user (or None).
    changed: Callable[[World, object, Client], bool]
    expected: str  # one outcome per role, in ROLES order
    setup: Callable[[World, object], None] = lambda world, actor: None
    writes: bool = True  # False for endpoints that must never change anything (preview)


def _refetch(obj):
    return type(obj).objects.get(pk=obj.pk)


def _topic_action(action: str, changed, **extra) -> Endpoint:
    return Endpoint(
        f"topic_moderate:{action}",
        lambda w: reverse("forum:topic_moderate", args=[w.topic.pk]),
        lambda w: {"action": action, "reason": "Matrix", "confirm": "yes", **{k: v(w) for k, v in extra.items()}},
        lambda w, actor, client: changed(_refetch(w.topic), w),
        MODERATORS_ONLY,
    )


def _post_action(action: str, changed) -> Endpoint:
    return Endpoint(
        f"post_moderate:{action}",
        lambda w: reverse("forum:post_moderate", args=[w.answer.pk]),
        lambda w: {"action": action, "reason": "Matrix reason", "confirm": "yes"},
        lambda w, actor, client: changed(_refetch(w.answer)),
        MODERATORS_ONLY,
    )


def _notify_actor(world, actor):
    world.extra["notification"] = Notification.objects.create(
        recipient=actor or world.member, kind=NotificationKind.QUOTED, post=world.answer, topic=world.topic,
    )


def _notify_member(world, actor):
    world.extra["notification"] = Notification.objects.create(
        recipient=world.member, kind=NotificationKind.QUOTED, post=world.answer, topic=world.topic,
    )


def _open_flag(world, actor):
    world.extra["flag"] = flag_create(flagger=world.other_member, post=world.answer, reason="off_topic")


def _pending_request(world, actor):
    world.extra["request"] = CredentialRequest.objects.create(user=world.third, credential="RD, dietitian")


def _a_study(world, actor):
    world.extra["study"] = studies_import(records=[StudyMetadata(source="manual", title="Original title")])[0]


def _a_suggestable_study(world, actor):
    world.extra["study"] = studies_import(records=[StudyMetadata(
        source="manual", title="Original title", container_title="Journal of Here", bibtex_key="matrix2020")])[0]


def _an_edited_study(world, actor):
    _a_study(world, actor)
    study = world.extra["study"]
    world.extra["revision"] = study.revisions.get()
    metadata = study.as_metadata()
    metadata.title = "Vandalised title"
    study_edit(editor=world.user("moderator"), study=study, metadata=metadata, reason="Test")


def _a_suggestion(world, actor):
    _a_suggestable_study(world, actor)
    entry = StudyMetadata(source="bibtex", title="Original title", container_title="Journal of Elsewhere",
                          bibtex_key="matrix2020")
    world.extra["suggestion"] = study_suggestion_create(member=world.user("member"), study=world.extra["study"],
                                                        metadata=entry)


#                      anonymous  new    member other  suspended expert mod  admin
EVERY_WRITER         = "login     429    ok     ok     403       ok     ok   ok"
SIGNED_IN            = "login     ok     ok     ok     ok        ok     ok   ok"
OWNER_OR_MODERATOR   = "login     403    ok     403    403       403    ok   ok"
ANY_ACTIVE           = "login     ok     ok     ok     403       ok     ok   ok"
MODERATORS_ONLY      = "login     403    403    403    403       403    ok   ok"

MATRIX = [
    Endpoint("new_topic", lambda w: reverse("forum:new_topic"),
             lambda w: {"title": "Creatine and memory in older adults", "category": w.category.pk, "raw": THREE_LINKS},
             lambda w, actor, client: Topic.objects.filter(title="Creatine and memory in older adults").exists(),
             EVERY_WRITER),
    Endpoint("reply", lambda w: reverse("forum:reply", args=[w.topic.pk]),
             lambda w: {"raw": THREE_LINKS},
             lambda w, actor, client: w.topic.posts.filter(raw=THREE_LINKS).exists(),
             EVERY_WRITER),
    Endpoint("preview", lambda w: reverse("forum:preview"),
             lambda w: {"raw": "**Bold** claim", "topic": w.topic.pk},
             lambda w, actor, client: Post.objects.count() != 3 or Topic.objects.count() != 1,
             SIGNED_IN, writes=False),
    Endpoint("post_edit", lambda w: reverse("forum:post_edit", args=[w.own.pk]),
             lambda w: {"raw": "An edited detail.", "reason": "Clarified"},
             lambda w, actor, client: _refetch(w.own).raw == "An edited detail.",
             OWNER_OR_MODERATOR),
    Endpoint("post_delete", lambda w: reverse("forum:post_delete", args=[w.own.pk]),
             lambda w: {},
             lambda w, actor, client: _refetch(w.own).is_deleted,
             OWNER_OR_MODERATOR),
    Endpoint("vote", lambda w: reverse("forum:post_vote", args=[w.own.pk]),
             lambda w: {},
             lambda w, actor, client: Vote.objects.filter(post=w.own).exists() and _refetch(w.own).helpful_count == 1,
             "login ok 403 ok 403 ok ok ok"),  # nobody votes for their own post
    Endpoint("accept", lambda w: reverse("forum:post_accept", args=[w.answer.pk]),
             lambda w: {},
             lambda w, actor, client: _refetch(w.topic).accepted_answer_id == w.answer.pk,
             OWNER_OR_MODERATOR),  # the owner here is the topic's author
    Endpoint("flag", lambda w: reverse("forum:post_flag", args=[w.own.pk]),
             lambda w: {"reason": "spam"},
             lambda w, actor, client: Flag.objects.filter(post=w.own).exists(),
             "login ok 400 ok 403 ok ok ok"),  # flagging your own post is refused in the form
    _topic_action("close", lambda t, w: t.state == TopicState.CLOSED),
    _topic_action("pin_site_wide", lambda t, w: t.pinned_globally),
    _topic_action("unlist", lambda t, w: t.unlisted),
    _topic_action("move", lambda t, w: t.category_id == w.other_category.pk, category=lambda w: w.other_category.pk),
    _topic_action("retitle", lambda t, w: t.title == "A clearer title for the matrix",
                  title=lambda w: "A clearer title for the matrix"),
    _post_action("hide", lambda p: p.is_hidden),
    _post_action("needs_source", lambda p: p.needs_source),
    _post_action("delete", lambda p: p.is_deleted),
    Endpoint("review_post", lambda w: reverse("forum:review_post", args=[w.answer.pk]),
             lambda w: {"outcome": "disagree"},
             lambda w, actor, client: _refetch(w.extra["flag"]).state == FlagState.DISAGREED,
             MODERATORS_ONLY, setup=_open_flag),
    Endpoint("credential_request", lambda w: reverse("forum:credential_request"),
             lambda w: {"credential": "MD, geriatrics", "note": "Registered with the GMC"},
             lambda w, actor, client: CredentialRequest.objects.filter(credential="MD, geriatrics").exists(),
             ANY_ACTIVE),
    Endpoint("credential_decide", lambda w: reverse("forum:credential_decide", args=[w.extra["request"].pk]),
             lambda w: {"decision": "approve"},
             lambda w, actor, client: _refetch(w.extra["request"]).state == CredentialRequest.State.APPROVED,
             MODERATORS_ONLY, setup=_pending_request),
    Endpoint("suspend", lambda w: reverse("forum:suspend", args=[w.third.username]),
             lambda w: {"days": "3", "reason": "Adverts"},
             lambda w, actor, client: _refetch(w.third).is_suspended,
             MODERATORS_ONLY),
    Endpoint("unsuspend", lambda w: reverse("forum:unsuspend", args=[w.suspended.username]),
             lambda w: {"reason": "Served"},
             lambda w, actor, client: not _refetch(w.suspended).is_suspended,
             MODERATORS_ONLY),
    Endpoint("notifications_read", lambda w: reverse("forum:notifications_read_all"),
             lambda w: {},
             lambda w, actor, client: _refetch(w.extra["notification"]).is_read,
             SIGNED_IN, setup=_notify_actor),
    Endpoint("notification_open", lambda w: reverse("forum:notification_open", args=[w.extra["notification"].pk]),
             lambda w: {},
             lambda w, actor, client: _refetch(w.extra["notification"]).is_read,
             "login 404 ok 404 404 404 404 404", setup=_notify_member),  # only its recipient opens it
    Endpoint("study_add", lambda w: reverse("forum:study_add"),
             lambda w: {"manual-title": "A trial added by hand", "manual-year": "2021"},
             lambda w, actor, client: Study.objects.filter(title="A trial added by hand").exists(),
             ANY_ACTIVE),
    Endpoint("study_resolve", lambda w: reverse("forum:study_resolve"),
             lambda w: {"text": "10.5555/matrix.1", "commit": "1"},  # Insert: a look-up alone writes nothing
             lambda w, actor, client: Study.objects.filter(doi="10.5555/matrix.1").exists(),
             ANY_ACTIVE),
    Endpoint("study_edit", lambda w: reverse("forum:study_edit", args=[w.extra["study"].pk]),
             lambda w: {"title": "Corrected title", "reason": "Typo"},
             lambda w, actor, client: _refetch(w.extra["study"]).title == "Corrected title",
             MODERATORS_ONLY, setup=_a_study),
    Endpoint("study_suggest", lambda w: reverse("forum:study_suggest", args=[w.extra["study"].pk]),
             lambda w: {"text": "@article{matrix2020, title={Original title}, journal={Journal of Elsewhere}}"},
             lambda w, actor, client: StudySuggestion.objects.filter(study=w.extra["study"]).exists(),
             ANY_ACTIVE, setup=_a_suggestable_study),
    Endpoint("study_restore", lambda w: reverse("forum:study_restore", args=[w.extra["study"].pk,
                                                                              w.extra["revision"].pk]),
             lambda w: {"reason": "Back", "confirm": "yes"},
             lambda w, actor, client: _refetch(w.extra["study"]).title == "Original title",
             MODERATORS_ONLY, setup=_an_edited_study),
    Endpoint("study_suggestion_decide", lambda w: reverse("forum:study_suggestion_decide",
                                                          args=[w.extra["suggestion"].pk]),
             lambda w: {"decision": "accept"},
             lambda w, actor, client: _refetch(w.extra["study"]).container_title == "Journal of Elsewhere",
             MODERATORS_ONLY, setup=_a_suggestion),
    Endpoint("profile_edit", lambda w: reverse("accounts:profile_edit"),
             lambda w: {"display_name": "Renamed Person", "bio": "About me."},
             lambda w, actor, client: actor is not None and _refetch(actor).display_name == "Renamed Person",
             ANY_ACTIVE),
    Endpoint("logout", lambda w: reverse("account_logout"),
             lambda w: {},
             lambda w, actor, client: "_auth_user_id" not in client.session,
             "ok ok ok ok ok ok ok ok"),
]

CASES = [
    pytest.param(endpoint, role, outcome, id=f"{endpoint.name}-{role}")
    for endpoint in MATRIX
    for role, outcome in zip(ROLES, endpoint.expected.split(), strict=True)
]


def test_the_matrix_covers_every_role_for_every_endpoint():
    assert all(len(endpoint.expected.split()) == len(ROLES) for endpoint in MATRIX)
    assert len({endpoint.name for endpoint in MATRIX}) == len(MATRIX)
    print(f"authorisation matrix: {len(MATRIX)} endpoints x {len(ROLES)} roles = {len(CASES)} cases")


def _outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "login"
    if response.status_code == 403 and b"your session expired" in response.content.lower():
        return "login"  # a composer POST signed out: asked to sign in, the text handed back
    if response.status_code < 400:
        return "ok"
    return str(response.status_code)


@pytest.mark.parametrize("endpoint, role, expected", CASES)
def test_authorisation_matrix(world, endpoint, role, expected):
    actor = world.user(role)
    client = Client()
    if actor is not None:
        client.force_login(actor)
    endpoint.setup(world, actor)

    response = client.post(endpoint.url(world), endpoint.data(world))

    assert _outcome(response) == expected, response.content[:500]
    changed = endpoint.changed(world, actor, client)
    assert changed is (expected == "ok" and endpoint.writes)
    if role == "suspended" and expected == "403":
        assert b"suspended until" in response.content  # they are told why, not just refused


# A signed-in role that succeeds at each endpoint: with a token its request would go through.
ALLOWED_ROLE = {
    endpoint.name: next(role for role, outcome in zip(ROLES[1:], endpoint.expected.split()[1:]) if outcome == "ok")
    for endpoint in MATRIX
}


@pytest.mark.parametrize("endpoint", [e for e in MATRIX if e.writes], ids=lambda e: e.name)
def test_every_write_refuses_a_request_without_a_csrf_token(world, endpoint):
    actor = world.user(ALLOWED_ROLE[endpoint.name])
    client = Client(enforce_csrf_checks=True)
    if actor is not None:
        client.force_login(actor)
    endpoint.setup(world, actor)

    response = client.post(endpoint.url(world), endpoint.data(world))

    assert response.status_code == 403
    assert not endpoint.changed(world, actor, client)
