"""/healthz: one word for everyone, the figures only for staff or a bearer of the token."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_status_and_nothing_else(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_staff_see_each_check(client):
    client.force_login(UserFactory(is_staff=True))

    checks = client.get("/healthz").json()["checks"]

    assert checks["database"]["status"] == "up"
    assert checks["cache"]["status"] == "local"
    assert checks["worker"]["status"] == "not used"


def test_the_token_shows_the_checks_and_a_wrong_one_does_not(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-probe-token"

    right = client.get("/healthz", headers={"Authorization": "Bearer s3cret-probe-token"}).json()
    wrong = client.get("/healthz", headers={"Authorization": "Bearer guess"}).json()

    assert "checks" in right and "checks" not in wrong


def test_a_signed_in_member_who_is_not_staff_sees_no_details(member_client):
    assert "checks" not in member_client.get("/healthz").json()


def test_redis_down_is_degraded_not_unavailable(redis_cache, settings):
    settings.HEALTHZ_TOKEN = "t"
    redis_cache.stop()

    response = Client().get("/healthz", headers={"Authorization": "Bearer t"})

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "down"
    # No host, port or error text for anyone.
    assert str(redis_cache.port) not in response.content.decode()


def test_a_queue_that_waits_too_long_is_degraded(settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTHZ_TOKEN = "t"
    DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="forum.evidence.referencing.look_up_study",
                                backend_name="default", run_after=timezone.now() - timedelta(hours=1))

    body = Client().get("/healthz", headers={"Authorization": "Bearer t"}).json()

    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["waiting"] == 1
    assert body["checks"]["worker"]["oldest_wait_seconds"] >= 3600
