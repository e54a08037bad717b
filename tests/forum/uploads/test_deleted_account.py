"""A deleted account keeps no uploads attached to its name; the posts showing them keep the files."""

import pytest

from accounts.member_data import member_delete
from forum.models import Upload
from forum.uploads.storing import upload_create
from tests.factories import UserFactory

from .conftest import PDF, as_file, image_bytes

pytestmark = pytest.mark.django_db


def test_deleting_the_account_detaches_its_uploads_and_their_file_names(upload_storage):
    member, other = UserFactory(username="maria"), UserFactory(username="omar")
    chart = upload_create(uploader=member, file=as_file(image_bytes("PNG"), "maria-lopez-training-log.png"))
    handout = upload_create(uploader=member, file=as_file(PDF, "maria-lopez-bloods.pdf"))
    theirs = upload_create(uploader=other, file=as_file(image_bytes("PNG", color=(0, 90, 0)), "omar.png"))

    member_delete(user=member)

    assert not Upload.objects.filter(uploader=member).exists()
    assert set(Upload.objects.filter(pk__in=[chart.pk, handout.pk]).values_list("uploader", "original_name")) == {
        (None, "")}
    assert all(upload_storage.joinpath(u.stored_name).exists() for u in (chart, handout))  # posts still show them
    theirs.refresh_from_db()
    assert (theirs.uploader, theirs.original_name) == (other, "omar.png")
