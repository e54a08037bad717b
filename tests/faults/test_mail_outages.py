"""The mail server down or flaky: what the member did stands, and the mail is retried."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from accounts import tasks
from forum.models import Notification, NotificationKind, Post
from tests.factories import UserFactory, make_topic

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


class DownBackend(BaseEmailBackend):
    """Every send raises, as a refused SMTP connection would; attempts are counted."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        raise ConnectionRefusedError("[Errno 111] Connection refused")


class FlakyBackend(BaseEmailBackend):
    """Times out twice, then delivers."""

    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts < 3:
            raise TimeoutError("timed out")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    DownBackend.attempts = 0
    return DownBackend


@pytest.fixture
def mail_flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.attempts = 0
    mail.outbox.clear()
    return FlakyBackend


def sign_up(client):
    return client.post(reverse("account_signup"), {
        "username": "newcomer", "email": "newcomer@example.org", "display_name": "New Comer",
        "password1": PASSWORD, "password2": PASSWORD,
    })


def test_signing_up_while_the_mail_server_is_down_keeps_the_account(client, mail_down):
    response = sign_up(client)

    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(username="newcomer")
    assert EmailAddress.objects.filter(user=user, email="newcomer@example.org", verified=False).exists()
    # Tried, retried, and given up on after the limit: the page never saw an error.
    assert mail_down.attempts == tasks.MAX_ATTEMPTS


def test_a_confirmation_mail_that_fails_twice_arrives_on_the_third_attempt(client, mail_flaky):
    response = sign_up(client)

    assert response.status_code == 302
    assert mail_flaky.attempts == 3
    (message,) = mail.outbox
    assert message.to == ["newcomer@example.org"] and "confirm" in message.body.lower()
    assert get_user_model().objects.filter(username="newcomer").exists()


def test_asking_for_a_password_reset_while_mail_is_down_is_answered_normally(client, mail_down):
    UserFactory(username="forgetful", email="forgetful@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})

    assert response.status_code == 302
    assert mail_down.attempts == tasks.MAX_ATTEMPTS


def test_a_reply_whose_notification_mail_fails_is_saved_and_the_mail_retried(
        client, mail_flaky, django_capture_on_commit_callbacks):
    asker = UserFactory(username="asker", email="asker@example.org")
    topic = make_topic(author=asker)
    client.force_login(UserFactory(username="helper"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("forum:reply", args=[topic.pk]),
                               {"raw": "Here is what the trials say.", "reply_to": 1})

    assert response.status_code == 302
    reply = Post.objects.get(topic=topic, post_number=2)
    assert Notification.objects.filter(recipient=asker, kind=NotificationKind.REPLIED, post=reply).exists()
    assert mail_flaky.attempts == 3
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]


def test_a_mail_whose_goodbye_times_out_is_sent_once_and_recorded(settings):
    # The server took the message ("250") and then never answered QUIT: the message is out, so
    # the delivery is done and recorded, not failed and sent again.
    from django.core.mail import EmailMessage

    from forum.models import SentMail
    from tests.faults.smtp_server import LoopbackSMTP

    with LoopbackSMTP(hold="quit") as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 1
        tasks.enqueue_email(EmailMessage(subject="Welcome", body="Hello.", from_email="site@example.org",
                                         to=["newcomer@example.org"], headers={"Message-ID": "<welcome-1@example.org>"}))
        # Queued again, as a re-run of the task that queued it would.
        tasks.enqueue_email(EmailMessage(subject="Welcome", body="Hello.", from_email="site@example.org",
                                         to=["newcomer@example.org"], headers={"Message-ID": "<welcome-1@example.org>"}))

    assert server.accepted_with("Message-ID: <welcome-1@example.org>") == 1
    assert SentMail.objects.filter(message_id="<welcome-1@example.org>").exists()
