import hashlib
import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageFile

from forum.access.limits import LimitExceeded
from forum.models import Upload
from forum.uploads.storing import UploadRefused, upload_create, upload_markdown
from tests.factories import UserFactory

from .conftest import PDF, as_file, blank_png, image_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt, ext, content_type", [
    ("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("WEBP", "webp", "image/webp"),
    ("GIF", "gif", "image/gif"),
])
def test_each_image_type_is_stored_under_its_content_hash(member, fmt, ext, content_type):
    upload = upload_create(uploader=member, file=as_file(image_bytes(fmt), "forest plot.bin"))
    assert upload.name.endswith(f".{ext}") and len(upload.name) == 64 + 1 + len(ext)
    assert (upload.kind, upload.content_type, upload.width, upload.height) == ("image", content_type, 40, 30)
    with default_storage.open(upload.stored_name) as stored:
        data = stored.read()
    assert Image.open(io.BytesIO(data)).format == fmt
    assert upload.stored_name == f"{hashlib.sha256(data).hexdigest()}.{ext}"
    assert upload_markdown(upload) == f"![forest plot](upload://{upload.name})"


def test_a_pdf_is_kept_as_sent_and_offered_as_a_link(member):
    upload = upload_create(uploader=member, file=as_file(PDF, "handout.pdf", "application/pdf"))
    assert upload.kind == "pdf" and upload.name.endswith(".pdf")
    with default_storage.open(upload.stored_name) as stored:
        assert stored.read() == PDF
    assert upload_markdown(upload) == f"[handout.pdf](upload://{upload.name})"


def test_identical_uploads_are_stored_once_and_each_member_has_their_own(member, other_member, upload_storage):
    data = image_bytes("PNG")
    first = upload_create(uploader=member, file=as_file(data, "maria-bloods.png"))
    second = upload_create(uploader=other_member, file=as_file(data, "b.png"))
    again = upload_create(uploader=other_member, file=as_file(data, "b-again.png"))

    assert first.pk != second.pk and first.name != second.name
    assert (second.uploader, second.original_name) == (other_member, "b.png")
    assert upload_markdown(second) == f"![b](upload://{second.name})"
    assert again.pk == second.pk  # the same member sending the same bytes again
    assert Upload.objects.count() == 2 and len(list(upload_storage.iterdir())) == 1
    assert first.stored_name == second.stored_name


def test_gps_exif_is_gone_and_orientation_applied(member):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: a 40x30 photo is shown 30x40
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 2.0)}  # GPS
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the test file really has GPS
    upload = upload_create(uploader=member, file=as_file(data, "run.jpg"))
    with default_storage.open(upload.stored_name) as stored:
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
    with default_storage.open(upload.stored_name) as stored:
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


def _animated_gif_of(frames: int, size) -> bytes:
    images = [Image.new("P", size, 0) for _ in range(frames)]
    for number, image in enumerate(images):
        image.putpixel((number, number), 1)  # frames that differ, or Pillow merges them
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=50)
    return out.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every picture whose pixels Pillow decodes from a file."""
    sizes = []
    real_load = ImageFile.ImageFile.load

    def load(image):
        if image.tile:
            sizes.append(image.size)
        return real_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return sizes


@pytest.mark.parametrize("data, message", [
    (blank_png((6000, 6000)), "This image is 6,000 × 6,000 pixels; a PNG, WebP or GIF image can have at most "
                               "24,000,000. Save it smaller, or as a JPEG"),
    (_animated_gif_of(3, (6000, 6000)), "This animation has 3 frames of 6,000 × 6,000 pixels; all its frames "
                                        "together can have at most 24,000,000 pixels"),
    (_animated_gif_of(30, (1000, 1000)), "This animation has 30 frames of 1,000 × 1,000 pixels"),
])
def test_a_tiny_file_declaring_a_huge_canvas_is_refused_before_any_pixel_is_decoded(member, decoded_sizes, data,
                                                                                    message):
    # Under the pixel limit, but held a web process for seconds (the 3-frame GIF, 27 kB: ten).
    assert len(data) < 30_000
    with pytest.raises(UploadRefused, match=message) as refused:
        upload_create(uploader=member, file=as_file(data, "blank.png"))

    assert refused.value.status == 413
    assert decoded_sizes == []
    assert Upload.objects.count() == 0


def test_a_large_jpeg_is_decoded_at_a_fraction_of_its_size(member, decoded_sizes, settings):
    settings.FORUM_UPLOAD_MAX_DIMENSION = 1000
    upload = upload_create(uploader=member, file=as_file(image_bytes("JPEG", size=(6000, 4000)), "photo.jpg"))

    assert (upload.width, upload.height) == (1000, 667)
    assert decoded_sizes[0] == (1500, 1000)  # an eighth would be smaller than what is kept: a quarter
    assert max(width for width, _ in decoded_sizes) < 6000


def test_a_large_one_bit_png_within_the_budget_is_kept_as_grey(member, settings):
    settings.FORUM_UPLOAD_MAX_DIMENSION = 1000
    upload = upload_create(uploader=member, file=as_file(blank_png((4000, 4000)), "scan.png"))

    assert (upload.width, upload.height) == (1000, 1000)
    with default_storage.open(upload.stored_name) as stored:
        assert Image.open(stored).mode == "L"


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
