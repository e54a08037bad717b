from django.contrib import admin

from .models import Category, Notification, Post, PostRevision, Quote, Study, Tag, Topic
from forum.common.one_line import OneLineField


class OneLineFieldsAdmin(admin.ModelAdmin):
    """Names and titles edited here are normalised as in the site's own forms (forum.common.one_line)."""

    one_line_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.one_line_fields and field is not None:
            return OneLineField(max_length=db_field.max_length, required=field.required, label=field.label,
                                help_text=field.help_text, widget=field.widget, initial=field.initial)
        return field


@admin.register(Category)
class CategoryAdmin(OneLineFieldsAdmin):
    one_line_fields = ("name", "description")
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(OneLineFieldsAdmin):
    one_line_fields = ("name",)
    search_fields = ("name",)


@admin.register(Topic)
class TopicAdmin(OneLineFieldsAdmin):
    one_line_fields = ("title",)
    list_display = ("title", "category", "author", "state", "posts_count", "last_posted_at", "deleted_at")
    list_filter = ("state", "category")
    search_fields = ("title",)
    raw_id_fields = ("author", "last_poster", "accepted_answer", "deleted_by")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "created_at", "edited_at", "deleted_at")
    raw_id_fields = ("topic", "author", "reply_to", "deleted_by")
    # Cooked HTML is derived from raw; editing it here would bypass the sanitiser.
    readonly_fields = ("cooked", "cooked_version")


@admin.register(PostRevision)
class PostRevisionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "edited_by", "edited_at", "reason")
    raw_id_fields = ("post", "edited_by")


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "doi", "pmid", "design", "status", "lookup_state", "year")
    list_filter = ("design", "status", "lookup_state")
    search_fields = ("title", "doi", "pmid", "bibtex_key")


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "checked_at")
    list_filter = ("status",)
    raw_id_fields = ("quoting_post", "quoted_post")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "actor", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor", "topic", "post")
