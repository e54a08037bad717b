"""Every response carries the security headers; production settings add HSTS and secure cookies."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.config.test_settings import PRODUCTION, run_manage
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def csp_directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] if " " in d else "" for d in (p.strip() for p in header.split(";"))}


@pytest.fixture
def topic(db):
    return make_topic(title="Vitamin D and winter colds", raw="Does it help?")


@pytest.fixture
def pages(topic):
    return {
        "home (HTML)": reverse("forum:latest"),
        "topic (HTML)": topic.get_absolute_url(),
        "log in (allauth)": reverse("account_login"),
        "sign up (allauth)": reverse("account_signup"),
        "not found (404)": "/no/such/page/",
        "latest feed (Atom)": reverse("forum:latest_feed"),
        "latest feed (RSS)": reverse("forum:latest_rss"),
        "API topics (JSON)": reverse("api:topics"),
        "API topic (JSON)": reverse("api:topic", args=[topic.pk]),
        "search": reverse("forum:search") + "?q=vitamin",
    }


def test_every_kind_of_response_carries_the_security_headers(client, pages):
    for name, url in pages.items():
        response = client.get(url)

        assert response.status_code in {200, 404}, name
        assert csp_directives(response).items() >= EXPECTED_CSP.items(), name
        assert "unsafe-inline" not in response["Content-Security-Policy"], name
        assert "unsafe-eval" not in response["Content-Security-Policy"], name
        assert response["X-Frame-Options"] == "DENY", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name


def test_a_post_answer_carries_them_too(member_client, topic):
    response = member_client.post(reverse("forum:preview"), {"raw": "**Bold**", "topic": topic.pk})

    assert response.status_code == 200
    assert csp_directives(response)["script-src"] == "'self'"


def test_the_admin_alone_may_use_inline_styles_but_never_inline_script(client):
    response = client.get("/admin/login/")

    directives = csp_directives(response)
    assert directives["style-src"] == "'self' 'unsafe-inline'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_templates_hold_no_inline_script_style_or_event_handler():
    # The policy would block them, so none may exist: scripts and styles are static files.
    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offenders.append(f"{path}: inline <script>")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path}: style attribute")
        if re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE):
            offenders.append(f"{path}: event handler attribute")
        if re.search(r"<style\b", text):
            offenders.append(f"{path}: <style> element")
    assert offenders == []


PRINT_SECURITY = (
    "from django.conf import settings as s; "
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, 'upgrade-insecure-requests' in s.CONTENT_SECURITY_POLICY)"
)


def test_production_settings_turn_on_hsts_and_secure_cookies():
    result = run_manage("shell", "-c", PRINT_SECURITY, **PRODUCTION)

    assert result.stdout.strip().splitlines()[-1].split() == ["31536000", "True", "True", "True", "True", "True"], result.stderr


def test_development_settings_leave_them_off():
    result = run_manage("shell", "-c", PRINT_SECURITY, DEBUG="true")

    assert result.stdout.strip().splitlines()[-1].split() == ["0", "False", "False", "False", "False", "False"], result.stderr


def test_production_responses_carry_hsts(tmp_path):
    # A request through the real middleware stack with production settings, over (proxied) https
    # (a JSON page: HTML pages need collectstatic's manifest in production).
    script = (
        "from django.test import Client; "
        "r = Client().get('/api/topics/', HTTP_HOST='forum.example.org', HTTP_X_FORWARDED_PROTO='https'); "
        "print(r.status_code); print(r.headers.get('Strict-Transport-Security')); "
        "print(r.headers.get('Content-Security-Policy'))"
    )
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    assert run_manage("migrate", "--noinput", **env).returncode == 0

    result = run_manage("shell", "-c", script, **env)

    status, hsts, csp = result.stdout.strip().splitlines()[-3:]
    assert status == "200", result.stderr
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "upgrade-insecure-requests" in csp and "script-src 'self'" in csp
