"""The Jinja2 environment of the few templates rendered once per post or topic on a page
(templates/jinja2/): Django's template language costs about a millisecond for a post, which made
a 100-post page slow whenever nothing was cached. Same helpers as the Django templates use."""

import unicodedata

from django.template import defaultfilters
from django.test.signals import template_rendered
from django.utils import timezone
from jinja2 import Environment

from forum.common.dates import day_text, moment_text
from forum.common.url_patterns import fast_reverse
from forum.markup.citations import authored_citations
from forum.templatetags.forum_tags import avatar, post_excerpt, reltime


def _date(value, format_string: str) -> str:
    # Django's templates show datetimes in the current time zone before formatting them.
    if value in (None, ""):
        return ""
    return defaultfilters.date(timezone.localtime(value), format_string)


def _truncatechars(value, length: int) -> str:
    # Django's filter normalises and walks every character; a title that is short and already
    # normalised (nearly all) comes back as it is, which is what the filter returns for it too.
    if isinstance(value, str) and len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value
    return defaultfilters.truncatechars(value, length)


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(url=fast_reverse, avatar=avatar, reltime=reltime, authored_citations=authored_citations)
    env.filters.update(date=_date, post_excerpt=post_excerpt, pluralize=defaultfilters.pluralize,
                       truncatechars=_truncatechars, day=day_text, moment=moment_text)
    return env


def render(template, context: dict) -> str:
    """`template.render(context)`, announced like a Django template's render, which the test
    client records in `response.templates` (it has no receivers outside tests)."""
    html = template.render(context)
    template_rendered.send(sender=template, template=template.template, context=context)
    return html
