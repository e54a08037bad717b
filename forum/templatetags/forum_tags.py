import sys

from django import template
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.base import Template as DjangoTemplate
from django.template.base import token_kwargs
from django.template.loader import get_template
from django.template.loader_tags import BlockNode
from django.test.signals import template_rendered
from django.utils import timezone
from django.utils.safestring import mark_safe
from jinja2 import pass_context
from markupsafe import Markup, escape

from forum.common.dates import day_text, moment_text
from forum.common.personal_slots import slot_wrap
from forum.common.reltime import relative_text
from forum.markup.citation_numbers import topic_number_label
from forum.markup.excerpt import excerpt
from forum.references.registries import details_source_text, registry_name

register = template.Library()


# A reader's own parts of the layout (templates/jinja2/personal/), and what each one reads.
PERSONAL_PARTS = {
    "member-nav": ("personal/nav_member.html", ("user", "csrf_token", "unread_notifications")),
    "review": ("personal/nav_review.html", ("review_waiting",)),
    "live": ("personal/live_attributes.html", ("user", "live_tokens")),
    "watch": ("personal/watch_form.html", ("topic", "subscription", "watch_levels", "csrf_token")),
}


def _jinja2():
    # Django's Jinja2 backend (settings TEMPLATES), whose environment config/jinja_env.py makes.
    return engines["jinja2"].env


def personal_part_render(name: str, values: dict) -> str:
    """One of PERSONAL_PARTS with these values: from a page's context, or, on a shared page
    (forum/caching/member_pages.py), from this reader's state alone."""
    template_name, _reads = PERSONAL_PARTS[name]
    return Markup(_jinja2().get_template(template_name).render(values))


@pass_context
def personal_part(context, name: str) -> str:
    """`{{ personal_part("member-nav") }}` in a Jinja2 page: a part of the layout that belongs to
    its reader, rendered on its own since a shared page renders these for each member while the
    rest comes from the cache."""
    _template, reads = PERSONAL_PARTS[name]
    # The context processors give the bell's count, the Review count and the live tokens as
    # functions (forum/context_processors.py), asked only by the part that shows them.
    values = {key: value() if callable(value := context.get(key)) else value for key in reads}
    return personal_part_render(name, values)


@pass_context
def slot(context, name: str, caller) -> str:
    """`{% call slot("name") %}...{% endcall %}` in a Jinja2 page: a part of the page that belongs
    to its reader, marked only on a page rendered to be shared between members
    (forum/caching/member_pages.py)."""
    content = caller()
    return Markup(slot_wrap(name, content)) if context.get("personal_slots") else content


def announce_render(template, context: dict) -> None:
    """Say that the Jinja2 `template` was rendered with `context`, as Django's own templates do,
    which the test client records in `response.templates`.

    Only under Django's test environment, as Django's own templates announce themselves: its
    setup_test_environment() swaps in an instrumented render. Elsewhere (a server, a benchmark
    driving the test client) the copy of the context the client makes for each render, twenty
    posts a page and more, would cost time for nobody."""
    test_utils = sys.modules.get("django.test.utils")
    if test_utils is not None and DjangoTemplate._render is test_utils.instrumented_test_render:
        template_rendered.send(sender=template, template=template, context=context)


def _jinja2_render(template_name: str, values: dict) -> str:
    template = _jinja2().get_template(template_name)
    html = template.render(values)
    announce_render(template, values)
    return mark_safe(html)


def _user(context):
    # Rendered without a request (a test's render_to_string), a Django template sees no user and
    # shows the visitor's layout; Jinja2 would stop at `user.is_authenticated`. The user is not
    # looked at here: the database-outage page must not load one.
    user = context.get("user")
    return AnonymousUser() if user is None else user


# What the site layout (templates/jinja2/layout.html) reads from a Django page's context: the
# context processors' values (settings TEMPLATES) and a shared page's slot marking.
LAYOUT_READS = ("request", "messages", "SITE_NAME", "csrf_token", "unread_notifications", "review_waiting",
                "live_tokens", "personal_slots")


class _SiteLayoutNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist  # searched for its blocks by {% extends %}, like any tag's
        self.blocks = [node for node in nodelist if isinstance(node, BlockNode)]

    def render(self, context):
        values = {name: context.get(name) for name in LAYOUT_READS}
        values["user"] = _user(context)
        values["django_blocks"] = {block.name: block.render(context) for block in self.blocks}
        return _jinja2_render("layout_django.html", values)


@register.tag
def site_layout(parser, token):
    """{% site_layout %} then the layout's blocks, to the end of templates/base.html: the site
    layout, which is Jinja2 (templates/jinja2/layout.html, the topic page extends it), with each
    of its blocks filled by the Django block of the same name, as the page extending base.html
    overrides it."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% site_layout %} takes no arguments")
    return _SiteLayoutNode(parser.parse())


# What every Jinja2 partial may read from the page that includes it, besides what it is given.
PAGE_READS = ("request", "csrf_token")


class _JinjaIncludeNode(template.Node):
    def __init__(self, template_name: str, values: dict):
        self.template_name, self.values = template_name, values

    def render(self, context):
        values = {name: context.get(name) for name in PAGE_READS}
        values["user"] = _user(context)
        values.update({name: value.resolve(context) for name, value in self.values.items()})
        return _jinja2_render(self.template_name, values)


@register.tag
def jinja_include(parser, token):
    """{% jinja_include "forum/_field.html" field=form.title %}: a partial that Jinja2 pages use
    too (templates/jinja2/), rendered with the values given and the page's user, request and
    CSRF token; like Django's `{% include ... with ... only %}`."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% jinja_include %} takes a quoted template name, then name=value pairs")
    values = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(values) != len(bits) - 2:
        raise template.TemplateSyntaxError("{% jinja_include %} takes name=value pairs after the template name")
    return _JinjaIncludeNode(bits[1][1:-1], values)


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
    return mark_safe(get_template("forum/evidence/studies/_chips.html", using="jinja2").render({"study": study}))


@register.filter
def post_excerpt(post, numbers) -> str:
    """A post's excerpt for a card beside its topic (the accepted answer's): citations read as the
    topic's [n], from `numbers` (its {study id: number}), which every page showing the card has at
    hand. A post read away from its topic, where citations are named instead, is excerpted by
    forum/following/post_excerpts.py, above this layer."""
    return excerpt(getattr(post, "cooked", "") or "", limit=360,
                   label_for=topic_number_label(numbers) if isinstance(numbers, dict) else None)
