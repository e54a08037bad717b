import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def upload_storage(settings, tmp_path):
    """Uploads go to a fresh directory per test, through the same storage API as production."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "uploads")},
    }}
    # Nobody here is a new member unless a test says so.
    settings.FORUM_NEW_USER_DAYS = 0
    settings.FORUM_NEW_USER_MIN_POSTS = 0
    return tmp_path / "uploads"


def image_bytes(fmt: str, size=(40, 30), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **save)
    return out.getvalue()


def blank_png(size, mode="1") -> bytes:
    # Deflate squeezes 6,000 x 6,000 blank one-bit pixels into 4.4 kB.
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG", optimize=True)
    return out.getvalue()


def as_file(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
