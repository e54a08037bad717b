from django.db import models
from django.db.models.functions import Coalesce

from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse


class CategoryQuerySet(models.QuerySet):
    def with_topic_summary(self, topics):
        """Annotate `topics_count` and `latest_topic_id` from `topics`, the topics this reader may
        see in lists, so a moderator's count includes deleted topics and a visitor's does not."""
        in_category = topics.filter(category=models.OuterRef("pk")).order_by()
        counted = in_category.values("category").annotate(n=models.Count("pk")).values("n")
        return self.annotate(
            topics_count=Coalesce(models.Subquery(counted), 0),
            latest_topic_id=models.Subquery(in_category.order_by("-last_posted_at", "-pk").values("pk")[:1]),
        )


class Category(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    # Index into a fixed palette in the stylesheet, so colours never come from user input.
    color = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self, url=fast_reverse) -> str:
        # `url`: a page's own (forum/common/url_patterns.py, page_reverse) when it links many.
        return url("forum:category", self.slug)


# Every list and the search page show all categories: composed once per process
# (forum/common/prepared.py).
_ALL_CATEGORIES = Prepared(lambda: Category.objects.all())


def categories_all() -> list[Category]:
    """Every category, in their order."""
    return _ALL_CATEGORIES.fetch()
