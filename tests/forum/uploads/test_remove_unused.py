from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from forum.models import Draft, Upload
from forum.uploads.storing import upload_create
from tests.factories import make_topic

from .conftest import as_file, image_bytes

pytestmark = pytest.mark.django_db


def _upload(member, color, hours_ago=30):
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", color=color), "a.png"))
    Upload.objects.filter(pk=upload.pk).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    return upload


def test_only_day_old_uploads_nothing_refers_to_are_removed(member):
    posted = _upload(member, (1, 1, 1))
    make_topic(author=member, raw=f"![a](upload://{posted.name})")
    drafted = _upload(member, (2, 2, 2))
    Draft.objects.create(user=member, key="new-topic", raw=f"later: ![b](upload://{drafted.name})")
    fresh = _upload(member, (3, 3, 3), hours_ago=2)
    abandoned = _upload(member, (4, 4, 4))

    out = StringIO()
    call_command("remove_unused_uploads", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [abandoned.name, "1 unused uploads would be removed."]
    assert default_storage.exists(abandoned.stored_name)

    call_command("remove_unused_uploads", stdout=StringIO())
    assert set(Upload.objects.values_list("name", flat=True)) == {posted.name, drafted.name, fresh.name}
    assert not default_storage.exists(abandoned.stored_name) and default_storage.exists(posted.stored_name)
