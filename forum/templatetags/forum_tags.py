from django import template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from markupsafe import Markup

from forum.reltime import relative_text

register = template.Library()


@register.simple_tag
def avatar(user, size: str = "md"):
    """Initials on a colour derived from the username: no image request, no upload needed."""
    # markupsafe's format escapes as format_html does, at a fraction of the cost: a topic page
    # shows one avatar and one date per post.
    return Markup('<span class="avatar avatar--{} avatar--hue-{}" aria-hidden="true">{}</span>').format(
        size, user.avatar_hue, user.initials,
    )


@register.simple_tag
def reltime(value):
    """A relative date ("3 hours ago") with the exact time on hover and for machines."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        local.isoformat(), local.strftime("%d %b %Y, %H:%M %Z"), relative_text(value),
    )


@register.simple_tag
def study_chips(study):
    """A study's design and status chips: one Jinja2 template (templates/jinja2/), shared by the
    Evidence panel and the study pages."""
    return mark_safe(get_template("forum/studies/_chips.html").render({"study": study}))


@register.simple_tag(takes_context=True)
def topic_rows(context, topics):
    """The rows of a topic list: one Jinja2 template (templates/jinja2/) for the whole page of
    topics, where Django's template language spent about 0.5 ms a row."""
    return mark_safe(get_template("forum/_topic_rows.html").render({
        "topics": topics, "user": context["user"], "in_category": context.get("in_category", False),
    }))


@register.simple_tag(takes_context=True)
def topic_posts(context):
    """A topic page's posts, each with its notices and, after the first, the accepted answer's
    summary: one Jinja2 template (templates/jinja2/) for the page, where Django's template
    language spent a third of a 100-post page whose posts' HTML was cached."""
    return mark_safe(get_template("forum/_topic_posts.html").render({
        "posts": context["posts"], "topic": context["topic"], "evidence_changed": context["evidence_changed"],
    }))


@register.filter
def post_excerpt(raw: str, words: int = 60) -> str:
    from forum.markup.excerpt import excerpt

    return excerpt(raw, words=words)


@register.filter
def review_excerpt(raw: str, words: int = 80) -> str:
    """The post's words for a moderator: markdown read as text, quotes kept inside quotation marks."""
    from forum.markup.excerpt import excerpt

    return excerpt(raw, words=words, quotes=True)
