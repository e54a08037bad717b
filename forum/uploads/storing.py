"""Taking an upload: judged by its content, never by its name or the browser's claim.

Images are decoded and re-encoded with Pillow, so what is stored is pixels we wrote ourselves:
EXIF (and with it GPS) is gone, the orientation is applied, the size is capped. A PDF is kept as
sent but only ever served as a download (forum/uploads/views.py). Anything else - SVG and HTML
included, which a browser would run - is refused.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task
from PIL import Image, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from forum.access.limits import LimitExceeded
from forum.access.permissions import ensure_can_act, is_new_member, new_member_limit_lifts
from forum.models import Upload, UploadKind

# Never decode half an image: a truncated file is refused, not padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

_IMAGE_FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"),
                  "WEBP": ("webp", "image/webp"), "GIF": ("gif", "image/gif")}
ACCEPTED = "PNG, JPEG, WebP or GIF images and PDF documents"


class UploadRefused(Exception):
    """The file cannot be taken; `message` says why in words for the member."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def upload_create(*, uploader, file) -> Upload:
    """Store `file` (an UploadedFile) for `uploader`, or raise UploadRefused / PermissionDenied."""
    ensure_can_upload(uploader)
    return upload_store(uploader=uploader, file=file)


def upload_store(*, uploader, file) -> Upload:
    """Judge and store `file` without asking whether `uploader` may upload: for the site's own
    files (the demo's chart); members' uploads go through upload_create."""
    limit = settings.FORUM_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise UploadRefused(f"This file is {_megabytes(file.size)}; uploads can be at most {_megabytes(limit)}.",
                            status=413)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(f"This file is larger than {_megabytes(limit)}, the most an upload can be.", status=413)
    if not data:
        raise UploadRefused("This file is empty.")
    if data.startswith(b"%PDF-"):
        stored, kind, ext, content_type, width, height = data, UploadKind.PDF, "pdf", "application/pdf", None, None
    else:
        stored, ext, content_type, width, height = _reencoded_image(data)
        kind = UploadKind.IMAGE
    digest = hashlib.sha256(stored).hexdigest()
    thumbnail = _thumbnail(stored, ext) if kind == UploadKind.IMAGE else None
    # Each member has their own row, even for bytes someone else uploaded: what they are told
    # (name, original name) and may fetch is theirs alone, whoever else holds the same picture.
    existing = Upload.objects.filter(uploader=uploader, sha256=digest).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Upload.objects.create(
                    uploader=uploader, sha256=digest, name=f"{secrets.token_hex(32)}.{ext}", kind=kind,
                    content_type=content_type, width=width, height=height, size=len(stored),
                    original_name=PurePath(file.name or "").name[:255],
                    **(thumbnail.fields() if thumbnail else {}),
                )
        except IntegrityError:  # the same file from the same member, twice at once
            existing = Upload.objects.get(uploader=uploader, sha256=digest)
    elif thumbnail and not existing.thumbnail_name:
        # Uploaded again after thumbnails existed: the earlier row gains one.
        Upload.objects.filter(pk=existing.pk, thumbnail_name="").update(**thumbnail.fields())
        existing.refresh_from_db()
    _store(existing.stored_name, stored)
    if existing.thumbnail_name and thumbnail and existing.thumbnail_name == thumbnail.name:
        _store(thumbnail.name, thumbnail.data)
    return existing


def _store(name: str, data: bytes) -> None:
    if not default_storage.exists(name):
        # Saved under exactly this name: the storage only renames when the name is taken, and
        # then the file there is this one.
        default_storage.save(name, ContentFile(data))


@dataclass(frozen=True)
class _Thumbnail:
    name: str
    data: bytes
    width: int
    height: int

    def fields(self) -> dict:
        return {"thumbnail_name": self.name, "thumbnail_width": self.width, "thumbnail_height": self.height}


def _thumbnail(stored: bytes, ext: str) -> _Thumbnail | None:
    """A smaller copy of a still image whose longer side is over FORUM_UPLOAD_THUMBNAIL_DIMENSION,
    made from the pixels we already re-encoded, in the same format, named by its own hash. An
    animation keeps no thumbnail: a still first frame would hide that it moves."""
    limit = settings.FORUM_UPLOAD_THUMBNAIL_DIMENSION
    with Image.open(io.BytesIO(stored)) as image:
        if max(image.size) <= limit or getattr(image, "n_frames", 1) > 1:
            return None
        image_format = image.format
        small = image.copy()
    small.thumbnail((limit, limit))
    small.info = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    out = io.BytesIO()
    small.save(out, format=image_format, **({"quality": 85} if image_format in ("JPEG", "WEBP") else {}))
    data = out.getvalue()
    return _Thumbnail(name=f"{hashlib.sha256(data).hexdigest()}.{ext}", data=data,
                      width=small.width, height=small.height)


def ensure_can_upload(user) -> None:
    ensure_can_act(user)
    if is_new_member(user):
        raise LimitExceeded(
            "New members cannot upload files yet. " + new_member_limit_lifts(user)
        )
    per_day = settings.FORUM_UPLOADS_PER_DAY
    if Upload.objects.by_member_since(user, timezone.now() - timedelta(days=1)).count() >= per_day:
        raise LimitExceeded(f"You can upload {per_day} files a day; try again tomorrow. Your text is kept.")


def upload_markdown(upload: Upload) -> str:
    """What goes into the post: an image with alt text to be filled in, or a link to the PDF."""
    label = PurePath(upload.original_name).stem or "file"
    label = "".join(ch for ch in label if ch not in "[]\\\n\r")[:100] or "file"
    if upload.kind == UploadKind.IMAGE:
        return f"![{label}](upload://{upload.name})"
    return f"[{label}.pdf](upload://{upload.name})"


def _reencoded_image(data: bytes) -> tuple[bytes, str, str, int, int]:
    Image.MAX_IMAGE_PIXELS = settings.FORUM_UPLOAD_MAX_PIXELS
    refused = UploadRefused(f"This file is not an image we can read or a PDF. Uploads can be {ACCEPTED}.",
                            status=415)
    if data.lstrip()[:5].lower() in (b"<svg ", b"<?xml") or b"<svg" in data[:1024].lower():
        raise UploadRefused(f"SVG images cannot be uploaded (they can carry scripts). Uploads can be {ACCEPTED}.",
                            status=415)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here both refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                image_format = probe.format
                _ensure_reasonable(probe)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            _ensure_reasonable(image)
            frames = getattr(image, "n_frames", 1)
            if frames > settings.FORUM_UPLOAD_MAX_FRAMES:
                raise UploadRefused(f"This animation has {frames} frames; at most "
                                    f"{settings.FORUM_UPLOAD_MAX_FRAMES} are accepted.", status=413)
            if image_format not in _IMAGE_FORMATS:
                raise refused
            if image_format == "JPEG":
                # Decoded at 1/2, 1/4 or 1/8 of its size, the least that still covers the stored picture.
                image.draft(image.mode, _capped_size(image.size))
            _ensure_cheap_to_decode(image, frames)
            ext, content_type = _IMAGE_FORMATS[image_format]
            out = io.BytesIO()
            if frames > 1:
                width, height = _save_animation(image, image_format, out)
            else:
                width, height = _save_still(image, image_format, out)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused("This image declares more pixels than we accept "
                            f"(at most {settings.FORUM_UPLOAD_MAX_PIXELS:,}).", status=413) from None
    except (UnidentifiedImageError, SyntaxError, EOFError, ValueError):
        raise refused from None
    except OSError:
        raise UploadRefused("This image is damaged or cut short; save it again and retry.") from None
    return out.getvalue(), ext, content_type, width, height


def _ensure_reasonable(image) -> None:
    if image.width * image.height > settings.FORUM_UPLOAD_MAX_PIXELS:
        raise Image.DecompressionBombError("too many pixels")


def _ensure_cheap_to_decode(image, frames: int) -> None:
    """Refuse, from the header alone, a picture whose pixels would take long to decode.

    The time goes on the pixels, not the bytes: a 4 kB PNG can declare 6,000 x 6,000 of them
    (it held a web process for seconds), and a 27 kB GIF three such frames (ten seconds). A
    JPEG is decoded at a fraction of its size (Image.draft, before this check); PNG, WebP and GIF
    have no such thing, so every frame's every pixel is counted."""
    limit = settings.FORUM_UPLOAD_MAX_DECODED_PIXELS
    width, height = image.size
    if width * height * frames <= limit:
        return
    if frames > 1:
        raise UploadRefused(f"This animation has {frames} frames of {width:,} × {height:,} pixels; all its frames "
                            f"together can have at most {limit:,} pixels. Make it smaller or shorter and upload "
                            "it again.", status=413)
    raise UploadRefused(f"This image is {width:,} × {height:,} pixels; a PNG, WebP or GIF image can have at most "
                        f"{limit:,}. Save it smaller, or as a JPEG, and upload it again.", status=413)


def _capped_size(size: tuple[int, int]) -> tuple[int, int]:
    cap = settings.FORUM_UPLOAD_MAX_DIMENSION
    scale = min(1.0, cap / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _capped(image):
    cap = settings.FORUM_UPLOAD_MAX_DIMENSION
    if max(image.size) > cap:
        image.thumbnail((cap, cap))
    return image


# Modes that are shrunk as they are; others are converted first (P is shrunk by nearest
# neighbour, as Pillow does for palettes).
_SHRUNK_AS_THEY_ARE = {"RGB", "RGBA", "L", "LA", "P", "CMYK"}


def _save_still(image, image_format: str, out) -> tuple[int, int]:
    # Shrunk first, in its own mode: a large canvas is never converted or copied at full size
    # (a 6,000 x 6,000 1-bit PNG was turned into 144 MB of RGBA before being scaled down).
    if image.mode == "1":
        image = image.convert("L")  # one bit a pixel, scaled pixel by pixel, would lose thin lines
    elif image.mode not in _SHRUNK_AS_THEY_ARE:
        image = image.convert("RGBA")
    image = _capped(image)
    # Orientation from EXIF applied to the pixels; then a fresh image with no metadata at all.
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    clean = image.copy()
    clean.info = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    options = {"quality": 88} if image_format in ("JPEG", "WEBP") else {}
    clean.save(out, format=image_format, **options)
    return clean.width, clean.height


def _save_animation(image, image_format: str, out) -> tuple[int, int]:
    frames = [_capped(frame.convert("RGBA")) for frame in ImageSequence.Iterator(image)]
    durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
    first, rest = frames[0], frames[1:]
    first.save(out, format=image_format, save_all=True, append_images=rest, duration=durations,
               loop=image.info.get("loop", 0), disposal=2)
    return first.width, first.height


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def uploads_remove_unused(*, older_than: timedelta = timedelta(days=1), dry_run: bool = False) -> list[str]:
    """Remove uploads no post shows, once they are `older_than` old: the writer had that long to
    post them. A file still named in a saved draft or in an earlier version of a post is kept, so
    a draft in progress or a post's history never loses a picture. Returns the names removed."""
    from forum.models import Draft, PostRevision

    removed = []
    candidates = Upload.objects.filter(created_at__lt=timezone.now() - older_than, posts__isnull=True)
    for upload in candidates.iterator():
        reference = f"upload://{upload.name}"
        if (Draft.objects.filter(raw__contains=reference).exists()
                or PostRevision.objects.filter(raw__contains=reference).exists()):
            continue
        removed.append(upload.name)
        if not dry_run:
            upload.delete()
            # After the row: should deleting the file fail, a row pointing at nothing is not left.
            # A file another upload still serves (identical bytes are stored once) stays.
            for name in filter(None, (upload.stored_name, upload.thumbnail_name)):
                if not Upload.objects.storing(name).exists():
                    default_storage.delete(name)
    return removed


@task()
def remove_unused_uploads() -> int:
    """Uploads no post shows, a day after upload (enqueued hourly by forum/operations/schedule.py)."""
    return len(uploads_remove_unused())
