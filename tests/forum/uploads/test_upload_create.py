import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from forum.limits import LimitExceeded
from forum.models import Upload
from forum.services.uploads import UploadRefused, upload_create, upload_markdown
from tests.factories import UserFactory

from .conftest import PDF, as_file, image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt, ext, content_type", [
    ("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp"),
    ("GIF", "gif", "image/gif"),
])
def test_each_image_type_is_stored_under_its_content_hash(member, fmt, ext, content_type):
    upload = upload_create(uploader=member, file=as_file(image_bytes(fmt), "forest plot.bin"))
    assert upload.name.endswith(f".{ext}") and len(upload.name) == 64 + 1 + len(ext)
    assert (upload.kind, upload.content_type, upload.width, upload.height) == ("image", content_type, 40, 30)
    with default_storage.open(upload.name) as stored:
        assert Image.open(stored).format == fmt
    assert upload_markdown(upload) == f"![forest plot](upload://{upload.name})"


def test_a_pdf_is_kept_as_sent_and_offered_as_a_link(member):
    upload = upload_create(uploader=member, file=as_file(PDF, "handout.pdf", "application/pdf"))
    assert upload.kind == "pdf" and upload.name.endswith(".pdf")
    with default_storage.open(upload.name) as stored:
        assert stored.read() == PDF
    assert upload_markdown(upload) == f"[handout.pdf](upload://{upload.name})"


def test_identical_uploads_are_stored_once(member, other_member, upload_storage):
    data = image_bytes("PNG")
    first = upload_create(uploader=member, file=as_file(data, "a.png"))
    second = upload_create(uploader=other_member, file=as_file(data, "b.png"))
    assert first.pk == second.pk
    assert Upload.objects.count() == 1 and len(list(upload_storage.iterdir())) == 1


def test_gps_exif_is_gone_and_orientation_applied(member):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: a 40x30 photo is shown 30x40
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 2.0)}  # GPS
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the test file really has GPS
    upload = upload_create(uploader=member, file=as_file(data, "run.jpg"))
    with default_storage.open(upload.name) as stored:
        image = Image.open(stored)
        assert not image.getexif() and "exif" not in image.info
        assert image.size == (30, 40)


def test_large_images_are_scaled_down(member, settings):
    settings.FORUM_UPLOAD_MAX_DIMENSION = 100
    upload = upload_create(uploader=member, file=as_file(image_bytes("PNG", size=(400, 200)), "big.png"))
    assert (upload.width, upload.height) == (100, 50)


def _animated_gif(frames: int) -> bytes:
    images = [Image.new("RGB", (10, 10), (i * 20 % 256, 0, 0)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=50)
    return out.getvalue()


def test_an_animated_gif_within_the_frame_budget_stays_animated(member, settings):
    settings.FORUM_UPLOAD_MAX_FRAMES = 5
    upload = upload_create(uploader=member, file=as_file(_animated_gif(4), "loop.gif"))
    with default_storage.open(upload.name) as stored:
        assert Image.open(stored).n_frames == 4
    with pytest.raises(UploadRefused, match="6 frames; at most 5"):
        upload_create(uploader=member, file=as_file(_animated_gif(6), "long.gif"))


def _truncated_png() -> bytes:
    data = image_bytes("PNG", size=(200, 200))
    return data[: len(data) // 2]


def _bomb() -> bytes:
    # A tiny PNG whose header declares 30,000 x 30,000 pixels (the IHDR chunk rewritten, its
    # checksum recomputed, so the header is valid and only the size is hostile).
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    data[16:24] = struct.pack(">II", 30_000, 30_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize("data, name, message", [
    (image_bytes("PNG"), "report.pdf", None),  # a PNG claiming to be a PDF is just a PNG
    (b"<!doctype html><html><script>alert(1)</script></html>", "photo.png", "not an image we can read"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "chart.svg", "SVG images cannot"),
    (b"MZ\x90\x00 not a picture", "setup.jpg", "not an image we can read"),
    (_truncated_png(), "cut.png", "damaged or cut short"),
])
def test_type_is_judged_by_content(member, data, name, message):
    if message is None:
        upload = upload_create(uploader=member, file=as_file(data, name, "application/pdf"))
        assert upload.content_type == "image/png"
        return
    with pytest.raises(UploadRefused, match=message) as refused:
        upload_create(uploader=member, file=as_file(data, name, "image/png"))
    assert 400 <= refused.value.status < 500
    assert Upload.objects.count() == 0


def test_a_decompression_bomb_is_refused(member):
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(UploadRefused, match="more pixels than we accept") as refused:
        upload_create(uploader=member, file=as_file(data, "bomb.png"))
    assert refused.value.status == 413


def test_an_oversize_file_is_refused(member, settings):
    settings.FORUM_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(UploadRefused, match="at most 0.0 MB|at most") as refused:
        upload_create(uploader=member, file=as_file(b"%PDF-" + b"x" * 2000, "big.pdf"))
    assert refused.value.status == 413


def test_new_members_cannot_upload(settings):
    settings.FORUM_NEW_USER_DAYS = 2
    newcomer = UserFactory()
    with pytest.raises(LimitExceeded, match="New members cannot upload"):
        upload_create(uploader=newcomer, file=as_file(image_bytes("PNG"), "a.png"))


def test_daily_count_limit(member, settings):
    settings.FORUM_UPLOADS_PER_DAY = 2
    for color in [(1, 2, 3), (4, 5, 6)]:
        upload_create(uploader=member, file=as_file(image_bytes("PNG", color=color), "a.png"))
    with pytest.raises(LimitExceeded, match="2 files a day"):
        upload_create(uploader=member, file=as_file(image_bytes("PNG", color=(7, 8, 9)), "a.png"))


def test_a_deleted_account_keeps_no_uploads_attached(db):
    someone = UserFactory()
    upload = upload_create(uploader=someone, file=as_file(image_bytes("PNG"), "a.png"))
    someone.delete()
    upload.refresh_from_db()
    assert upload.uploader is None
