"""Expert credentials, and topics answered (or still waiting for) an expert."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import CredentialRequest
from forum.discussion.deleting import post_delete
from forum.models import ModerationAction, Notification, NotificationKind, Topic
from forum.moderation import actions as moderation
from forum.moderation.experts import credential_decide, credential_request, credential_revoke
from tests.factories import UserFactory, make_reply, make_topic
from tests.parsed_html import parse

pytestmark = pytest.mark.django_db


class TestCredentials:
    def test_a_member_has_one_pending_request_at_a_time(self, member):
        credential_request(user=member, credential="MD, sports medicine physician", note="GMC 1234567")

        with pytest.raises(PermissionDenied, match="already have a request"):
            credential_request(user=member, credential="MD")
        assert CredentialRequest.objects.count() == 1

    def test_an_empty_credential_is_refused(self, member):
        with pytest.raises(PermissionDenied, match="Write the credential"):
            credential_request(user=member, credential="   ")

    def test_approval_makes_an_expert_and_keeps_who_and_when(self, member, moderator):
        request = credential_request(user=member, credential="MD, sports medicine physician")

        credential_decide(moderator=moderator, request=request, approve=True, note="Checked the register")

        member.refresh_from_db()
        assert member.role == "expert" and member.expert_credential == "MD, sports medicine physician"
        assert member.credential_verified_by == moderator and member.credential_verified_at is not None
        note = Notification.objects.get(recipient=member, kind=NotificationKind.CREDENTIAL)
        assert note.kind == NotificationKind.CREDENTIAL and "approved" in note.message
        assert ModerationAction.objects.get().action == "approve_credential"

    def test_the_credential_shows_on_posts_and_the_profile(self, client, member, moderator):
        credential_decide(moderator=moderator, request=credential_request(user=member, credential="PhD, nutrition"),
                          approve=True)
        topic = make_topic(author=UserFactory())
        make_reply(topic=topic, author=member, raw="The evidence says...")

        post = parse(client.get(topic.get_absolute_url()).content).find("article", id="post-2")
        assert "PhD, nutrition" in post.text and "Expert" in post.text
        assert "post--expert" in post.classes
        profile = client.get(member.get_absolute_url()).content.decode()
        assert "PhD, nutrition" in profile and f"by {moderator.name}" in profile

    def test_declining_tells_the_member_and_changes_nothing_else(self, member, moderator):
        request = credential_request(user=member, credential="Nutritionist")

        credential_decide(moderator=moderator, request=request, approve=False, note="Not a protected title")

        member.refresh_from_db()
        assert member.role == "member" and not member.expert_credential
        assert request.state == CredentialRequest.State.DECLINED
        assert "declined" in Notification.objects.get(recipient=member, kind=NotificationKind.CREDENTIAL).message

    def test_a_decided_request_cannot_be_decided_again(self, member, moderator):
        request = credential_request(user=member, credential="RN")
        credential_decide(moderator=moderator, request=request, approve=False)
        with pytest.raises(PermissionDenied, match="already been decided"):
            credential_decide(moderator=moderator, request=request, approve=True)

    def test_members_cannot_decide(self, member, other_member):
        request = credential_request(user=member, credential="RN")
        with pytest.raises(PermissionDenied):
            credential_decide(moderator=other_member, request=request, approve=True)

    def test_the_queue_lists_pending_requests_for_moderators_only(self, client, member, moderator):
        credential_request(user=member, credential="MD, geriatrics", note="Registered")
        client.force_login(member)
        assert client.get(reverse("forum:credential_queue")).status_code == 403
        client.force_login(moderator)
        assert "MD, geriatrics" in client.get(reverse("forum:credential_queue")).content.decode()

    def test_revoking_returns_an_expert_to_member(self, member, moderator):
        credential_decide(moderator=moderator, request=credential_request(user=member, credential="MD"), approve=True)

        credential_revoke(moderator=moderator, user=member, reason="Lapsed")

        member.refresh_from_db()
        assert member.role == "member" and not member.expert_credential


class TestExpertAnswered:
    @pytest.fixture
    def expert(self):
        return UserFactory(role="expert", expert_credential="MD")

    def test_an_expert_reply_marks_the_topic(self, member, expert):
        topic = make_topic(author=member)
        make_reply(topic=topic, raw="Member reply")
        assert not Topic.objects.get(pk=topic.pk).expert_answered
        make_reply(topic=topic, author=expert)
        assert Topic.objects.get(pk=topic.pk).expert_answered

    def test_awaiting_expert_lists_only_topics_no_expert_answered(self, client, member, expert):
        answered = make_topic(author=member, title="Answered by an expert already")
        make_reply(topic=answered, author=expert)
        make_topic(author=member, title="Still waiting for an expert")

        everything = client.get(reverse("forum:latest")).content.decode()
        waiting = client.get(reverse("forum:latest"), {"filter": "awaiting-expert"}).content.decode()

        assert "Answered by an expert already" in everything and "Still waiting for an expert" in everything
        assert "Answered by an expert already" not in waiting and "Still waiting for an expert" in waiting

    def test_an_expert_asking_is_not_an_expert_answer(self, expert):
        topic = make_topic(author=expert)
        assert not Topic.objects.get(pk=topic.pk).expert_answered

    @pytest.mark.parametrize("how", ["author deletes", "moderator deletes", "moderator hides"])
    def test_removing_the_expert_reply_recounts(self, member, moderator, expert, how):
        topic = make_topic(author=member)
        reply = make_reply(topic=topic, author=expert)
        {
            "author deletes": lambda: post_delete(actor=expert, post=reply),
            "moderator deletes": lambda: moderation.post_moderator_delete(moderator=moderator, post=reply),
            "moderator hides": lambda: moderation.post_hide(moderator=moderator, post=reply, reason="Off-topic"),
        }[how]()

        assert not Topic.objects.get(pk=topic.pk).expert_answered

        reply.refresh_from_db()
        if reply.is_hidden:
            moderation.post_unhide(moderator=moderator, post=reply)
        else:
            moderation.post_restore(moderator=moderator, post=reply)
        assert Topic.objects.get(pk=topic.pk).expert_answered

    def test_another_expert_reply_keeps_the_mark(self, member, moderator, expert):
        topic = make_topic(author=member)
        first = make_reply(topic=topic, author=expert)
        make_reply(topic=topic, author=UserFactory(role="expert"))

        moderation.post_hide(moderator=moderator, post=first, reason="Duplicate")

        assert Topic.objects.get(pk=topic.pk).expert_answered
