from django import template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from markupsafe import Markup, escape

from forum.common.dates import day_text, moment_text
from forum.common.personal_slots import slot_wrap
from forum.common.reltime import relative_text
from forum.markup.citation_numbers import topic_number_label
from forum.markup.excerpt import excerpt
from forum.references.registries import details_source_text, registry_name

register = template.Library()


class _SlotNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        # Marked only on a page rendered to be shared between members (forum/caching/member_pages.py).
        return slot_wrap(self.name, content) if context.get("personal_slots") else content


@register.tag
def slot(parser, token):
    """{% slot "name" %}...{% endslot %}: a part of the page that belongs to its reader."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% slot %} takes one quoted name")
    nodelist = parser.parse(("endslot",))
    parser.delete_first_token()
    return _SlotNode(bits[1][1:-1], nodelist)


# A reader's own parts of the layout (templates/jinja2/personal/), and what each one reads.
PERSONAL_PARTS = {
    "member-nav": ("personal/nav_member.html", ("user", "csrf_token", "unread_notifications")),
    "review": ("personal/nav_review.html", ("review_waiting",)),
    "live": ("personal/live_attributes.html", ("user", "live_tokens")),
    "watch": ("personal/watch_form.html", ("topic", "subscription", "watch_levels", "csrf_token")),
}


def personal_part_render(name: str, values: dict) -> str:
    """One of PERSONAL_PARTS with these values: from a page's context, or, on a shared page
    (forum/caching/member_pages.py), from this reader's state alone."""
    template_name, _reads = PERSONAL_PARTS[name]
    return get_template(template_name).render(values)


@register.simple_tag(takes_context=True)
def personal_part(context, name: str):
    """{% personal_part "member-nav" %}: a part of the layout that belongs to its reader. Jinja2,
    since a shared page renders these for each member while the rest comes from the cache."""
    _template, reads = PERSONAL_PARTS[name]
    # The context processors give the bell's count, the Review count and the live tokens as
    # functions (forum/context_processors.py), asked only by the part that shows them.
    values = {key: value() if callable(value := context.get(key)) else value for key in reads}
    # The output of an autoescaping Jinja2 template.
    return mark_safe(personal_part_render(name, values))


@register.simple_tag
def avatar(user, size: str = "md"):
    """Initials on a colour derived from the username: no image request, no upload needed."""
    # Each part escaped by markupsafe, as format_html would: a topic page shows one avatar and
    # one date per post, and Markup.format's formatter costs more than the rest of the tag.
    return Markup(f'<span class="avatar avatar--{escape(size)} avatar--hue-{escape(user.avatar_hue)}" '
                  f'aria-hidden="true">{escape(user.initials)}</span>')


@register.filter
def day(value):
    """A day, written the one way the site writes days: "7 Dec 2026"."""
    return day_text(value)


@register.filter
def moment(value):
    """A moment, written the one way the site writes them: "7 Dec 2026, 14:05 UTC"."""
    return moment_text(value)


@register.filter
def sentence(value):
    """Text a person typed (a reason), ended with exactly one full stop: "Spam." is not shown
    as "Spam.." when the template closes the sentence."""
    text = str(value or "").strip()
    return text if not text or text[-1] in ".!?…" else f"{text}."


@register.filter
def registration_label(registration):
    name = registry_name(registration)
    return f"{name} registration" if name else "Registration"


@register.filter
def details_source(source):
    return details_source_text(source)


@register.simple_tag
def reltime(value):
    """A relative date ("3 hours ago") with the exact time on hover and for machines."""
    return reltime_at(value, timezone.get_current_timezone(), None)


def page_reltime(now):
    """`reltime` for one page: its time zone looked up once, and every date relative to `now`
    (the instant the page's post fragments are keyed on)."""
    zone = timezone.get_current_timezone()
    return lambda value: reltime_at(value, zone, now)


def reltime_at(value, zone, now) -> str:
    if value is None:
        return ""
    local = value.astimezone(zone)  # timezone.localtime(value), as the template filters show it
    return Markup(f'<time datetime="{escape(local.isoformat())}" title="{escape(moment_text(local, zone))}">'
                  f'{escape(relative_text(value, now, zone))}</time>')


@register.simple_tag
def study_chips(study):
    """A study's design and status chips: one Jinja2 template (templates/jinja2/), shared by the
    Evidence panel and the study pages."""
    return mark_safe(get_template("forum/evidence/studies/_chips.html").render({"study": study}))


@register.simple_tag(takes_context=True)
def topic_rows(context, topics):
    """The rows of a topic list: one Jinja2 template (templates/jinja2/) for the whole page of
    topics, where Django's template language spent about 0.5 ms a row."""
    return mark_safe(get_template("forum/discussion/_topic_rows.html").render({
        "topics": topics, "user": context["user"], "in_category": context.get("in_category", False),
    }))


@register.simple_tag(takes_context=True)
def topic_posts(context):
    """A topic page's posts, each with its notices and, after the first, the accepted answer's
    summary: one Jinja2 template (templates/jinja2/) for the page, where Django's template
    language spent a third of a 100-post page whose posts' HTML was cached."""
    return mark_safe(get_template("forum/discussion/_topic_posts.html").render({
        "posts": context["posts"], "topic": context["topic"], "evidence_changed": context["evidence_changed"],
        "citation_numbers": context.get("citation_numbers"),
    }))


@register.filter
def post_excerpt(post, numbers) -> str:
    """A post's excerpt for a card beside its topic (the accepted answer's): citations read as the
    topic's [n], from `numbers` (its {study id: number}), which every page showing the card has at
    hand. A post read away from its topic, where citations are named instead, is excerpted by
    forum/following/post_excerpts.py, above this layer."""
    return excerpt(getattr(post, "cooked", "") or "", limit=360,
                   label_for=topic_number_label(numbers) if isinstance(numbers, dict) else None)
