"""The development mail backend prints each message and keeps it as a file."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import CONFIRM_LINK

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "config.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path / "mail"


def test_a_message_goes_to_stdout_and_to_a_file(mail_dir, capsys):
    sent = mail.send_mail(
        "Welcome to Evident", "Your link: https://evident.example/accounts/confirm-email/abc/",
        "noreply@evident.example", ["maria@example.org"],
    )

    assert sent == 1
    out = capsys.readouterr().out
    assert "Subject: Welcome to Evident" in out
    assert "To: maria@example.org" in out
    files = list(mail_dir.iterdir())
    assert len(files) == 1
    text = files[0].read_text()
    assert "Subject: Welcome to Evident" in text
    assert "https://evident.example/accounts/confirm-email/abc/" in text


def test_several_messages_in_one_connection_are_all_kept(mail_dir, capsys):
    messages = [
        mail.EmailMessage(f"Message {n}", f"Body {n}", "noreply@evident.example", [f"m{n}@example.org"])
        for n in range(3)
    ]
    with mail.get_connection() as connection:
        assert connection.send_messages(messages) == 3

    out = capsys.readouterr().out
    text = "".join(path.read_text() for path in mail_dir.iterdir())
    for n in range(3):
        assert f"Subject: Message {n}" in out
        assert f"Subject: Message {n}" in text


def test_non_ascii_text_survives(mail_dir, capsys):
    mail.send_mail("Réponse de José", "Naïve café – “quoted”", "noreply@evident.example", ["jose@example.org"])

    out = capsys.readouterr().out
    assert "Subject: =?utf-8?" in out  # encoded header, as on the wire
    assert len(list(mail_dir.iterdir())) == 1


def test_the_sign_up_confirmation_link_can_be_read_from_the_file(mail_dir, client, capsys):
    client.post(reverse("account_signup"), {
        "username": "newcomer", "email": "newcomer@example.org", "display_name": "New Comer",
        "password1": "a-long-and-unusual-passphrase", "password2": "a-long-and-unusual-passphrase",
    })

    text = "".join(path.read_text() for path in mail_dir.iterdir())
    match = CONFIRM_LINK.search(text)
    assert match, text
    assert match.group(0) in capsys.readouterr().out
    response = client.post(match.group(1))
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_folder_is_created_when_missing(settings, tmp_path):
    settings.EMAIL_BACKEND = "config.mail.ConsoleAndFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "deeper" / "mail")

    mail.send_mail("Hello", "Body", "noreply@evident.example", ["maria@example.org"])

    assert len(list((tmp_path / "deeper" / "mail").iterdir())) == 1
