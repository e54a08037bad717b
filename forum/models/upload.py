from pathlib import PurePath

from django.conf import settings
from django.db import models

from forum.common.url_patterns import fast_reverse


class UploadKind(models.TextChoices):
    IMAGE = "image", "Image"
    PDF = "pdf", "PDF document"


class UploadQuerySet(models.QuerySet):
    def by_member_since(self, user, since):
        return self.filter(uploader=user, created_at__gte=since)

    def serving(self, name: str):
        """The uploads a served file name belongs to: as the file itself or as its thumbnail
        (identical bytes are stored once, so one name can be both)."""
        return self.filter(models.Q(name=name) | models.Q(thumbnail_name=name))

    def storing(self, file_name: str):
        """The uploads whose bytes or thumbnail are the stored file `file_name`: it is kept while
        any of them is."""
        return self.filter(models.Q(sha256=PurePath(file_name).stem) | models.Q(thumbnail_name=file_name))


class Upload(models.Model):
    """One member's upload. The bytes are stored once under their SHA-256 (`stored_name`), in
    Django's default storage, and shared by every upload of the same bytes; each member who
    uploads them gets their own row and their own unguessable `name`, which is how posts and
    addresses refer to it. A row shared between members gave the second one the first one's file
    name, a 404 when fetching it, and the news that someone held an unposted copy."""

    # A deleted account keeps no uploads attached to its name; the files stay for the posts.
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="uploads")
    sha256 = models.CharField(max_length=64, db_index=True)
    # 64 random hex digits, shaped like the hash that older uploads are named by (the sanitiser knows
    # the site's own images by that shape: forum/markup/external_images.py).
    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=UploadKind.choices)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField()
    # As the browser sent it: shown escaped (the template engines escape), never used as a path.
    original_name = models.CharField(max_length=255, blank=True)
    # A smaller copy for large images (forum/uploads/storing.py), stored under its own content
    # hash; posts show it and link to the full size. Empty for small images, PDFs, animations and
    # uploads made before thumbnails existed: those show the file itself.
    thumbnail_name = models.CharField(max_length=80, blank=True, db_index=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The posts whose text refers to it (kept by forum/discussion/rendering.py on every write):
    # who may fetch it follows from who may see them.
    posts = models.ManyToManyField("forum.Post", related_name="uploads", blank=True)

    objects = UploadQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["uploader", "created_at"], name="upload_uploader_recent_idx")]
        # The same member sending the same bytes again gets the upload they already have.
        constraints = [models.UniqueConstraint(fields=["uploader", "sha256"], name="upload_once_per_member")]

    def __str__(self) -> str:
        return self.name

    @property
    def stored_name(self) -> str:
        """The file's name in storage: its bytes' hash and the extension of its format."""
        return f"{self.sha256}{PurePath(self.name).suffix}"

    def get_absolute_url(self) -> str:
        return fast_reverse("forum:upload", self.name)

    def get_thumbnail_url(self) -> str | None:
        return fast_reverse("forum:upload", self.thumbnail_name) if self.thumbnail_name else None
