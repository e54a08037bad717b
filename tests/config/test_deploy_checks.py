"""`manage.py check --deploy` tells an operator what a production configuration has forgotten:
tasks that would run inside requests, and a proxy whose visitors would all share one address."""

from io import StringIO

import pytest
from django.core.management import call_command


def check_deploy() -> str:
    out, err = StringIO(), StringIO()
    call_command("check", "--deploy", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


@pytest.fixture(autouse=True)
def _async_safety_as_deployed(monkeypatch):
    # The browser tests' conftest allows async-unsafe calls for Playwright's event loop; when they
    # are collected in the same run, Django's own deploy check (async.E001) would fail these.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


def test_a_task_queue_with_a_worker_passes(production):
    output = check_deploy()

    assert "evident.W020" not in output and "evident.W021" not in output


def test_tasks_run_inside_requests_is_warned_about(production):
    production.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    output = check_deploy()

    assert "evident.W020" in output
    assert "would run inside the web request" in output
    assert "TASKS_BACKEND=django_tasks_db.DatabaseBackend" in output


def test_tasks_queued_nowhere_are_warned_about(production):
    production.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    assert "evident.W020" in check_deploy()


def test_development_runs_tasks_in_the_request_without_a_warning(production):
    production.DEBUG = True
    production.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    assert "evident.W020" not in check_deploy()


def test_no_trusted_proxy_behind_a_proxy_is_warned_about(production):
    production.TRUSTED_PROXY_COUNT = 0

    output = check_deploy()

    assert "evident.W021" in output
    assert "Set TRUSTED_PROXY_COUNT" in output
