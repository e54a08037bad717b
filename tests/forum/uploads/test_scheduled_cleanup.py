"""The worker removes unused uploads by itself: `manage.py worker` enqueues the periodic cleanup
(forum/operations/schedule.py) and runs it, without cron."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from forum.models import Upload
from forum.operations.schedule import schedule_enqueue_due
from forum.uploads.storing import upload_create
from tests.factories import make_topic

from .conftest import as_file, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _upload(member, color, *, days_old):
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", color=color), "p.png"))
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return upload


def test_the_worker_removes_uploads_no_post_shows_after_a_day(database_queue, member):
    from django_tasks_db.models import DBTaskResult

    forgotten = _upload(member, (200, 0, 0), days_old=2)
    posted = _upload(member, (0, 200, 0), days_old=2)
    make_topic(author=member, raw=f"![Kept](upload://{posted.name})")
    fresh = _upload(member, (0, 0, 200), days_old=0)  # its writer may still post it

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")

    assert set(Upload.objects.values_list("name", flat=True)) == {posted.name, fresh.name}
    assert not default_storage.exists(forgotten.stored_name) and default_storage.exists(posted.stored_name)
    [run] = DBTaskResult.objects.filter(task_path="forum.uploads.storing.remove_unused_uploads")
    assert run.status == "SUCCESSFUL"


def test_the_cleanup_is_enqueued_once_an_hour(database_queue):
    now = timezone.now()
    assert "forum.uploads.storing.remove_unused_uploads" in schedule_enqueue_due(now=now)
    assert schedule_enqueue_due(now=now + timedelta(minutes=59)) == []
    assert schedule_enqueue_due(now=now + timedelta(minutes=61)) == ["forum.uploads.storing.remove_unused_uploads"]


def test_without_the_database_queue_nothing_is_scheduled():
    assert schedule_enqueue_due() == []
