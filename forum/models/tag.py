import re

from anyascii import anyascii
from django.db import models
from django.urls import NoReverseMatch

from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse


# What a tag may be: it is a path segment (`/tag/<slug>/`), so anything else cannot be linked.
TAG_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def tag_name_normalised(text: str) -> str:
    """The tag a piece of text makes, as the topic form would take it: lower case, spaces become
    hyphens. Text the form would refuse (from an import, or an older row) is made into one too:
    letters from other scripts are transliterated, markup and punctuation dropped. "" when
    nothing is left."""
    name = re.sub(r"\s+", "-", str(text or "").strip().lower())
    if TAG_NAME.match(name):
        return name
    name = re.sub(r"\s+", "-", anyascii(name).strip().lower())
    name = re.sub(r"<[^>]*>", "", name)
    name = re.sub(r"[^a-z0-9-]+", "-", name)
    return re.sub(r"-{2,}", "-", name).strip("-")[:40].rstrip("-")


class Tag(models.Model):
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self, url=fast_reverse) -> str:
        # `url`: a page's own (forum/common/url_patterns.py, page_reverse) when it links many.
        # A row no page could link (made before names were checked) must not take down every
        # list that shows it: it links nowhere instead.
        try:
            return url("forum:tag", self.name)
        except NoReverseMatch:
            return "#"


# Every topic page shows its tags: composed once per process (forum/common/prepared.py).
_TOPIC_TAGS = Prepared(lambda topic_id: Tag.objects.filter(topics=topic_id))


def topic_tags(topic) -> list[Tag]:
    """`topic.tags.all()`, by name."""
    return _TOPIC_TAGS.fetch(topic.pk)
