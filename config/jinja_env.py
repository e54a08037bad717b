"""The Jinja2 environment of the templates drawn on every cold topic page (templates/jinja2/): the
site layout, the topic page, its posts and Evidence panel, the composer. Django's template language
costs about a millisecond for a post, and two for the page around the posts, which made cold pages
slow. Same helpers as the Django templates use; Django's templates/base.html draws the same
layout, and `{% jinja_include %}` the same partials (forum/templatetags/forum_tags.py)."""

import unicodedata
from types import SimpleNamespace
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms import renderers
from django.http import HttpResponse
from django.template import defaultfilters, defaulttags
from django.template.loader import get_template
from django.templatetags.static import static
from django.utils import timezone
from jinja2 import Environment

from forum.common.dates import day_text, moment_text
from forum.common.url_patterns import fast_reverse
from forum.markup.citations import authored_citations
from forum.context_processors import for_jinja2
from forum.templatetags.forum_tags import (announce_render, avatar, personal_part, post_excerpt, reltime,
                                          sentence, slot)


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


@lru_cache(maxsize=None)
def _static(path: str) -> str:
    # The layout links nineteen files on every page, each address worked out by the storage
    # (joined and quoted, or looked up in the manifest) to the same answer until the settings
    # change: a new process, or a test's override.
    return static(path)


@receiver(setting_changed)
def _static_settings_changed(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES"}:
        _static.cache_clear()


# A form drawn by a Jinja2 page (the topic page's reply box) renders its fields with Django's own
# Jinja2 widget templates: the HTML of its Django ones in half the time.
form_renderer = renderers.Jinja2()


def _querystring(request, **changes) -> str:
    """Django's {% querystring %} tag: this request's query string with `changes` made."""
    return defaulttags.querystring(SimpleNamespace(request=request), **changes)


class _Environment(Environment):
    def make_globals(self, d):
        # A template's globals as one dict, not Jinja2's ChainMap over the environment's: every
        # context made (each include, each template rendered) copies their names, and a ChainMap
        # gives them up in Python, about 5 µs a time, twenty-odd times a topic page. The
        # environment's globals are all set below, before any template is loaded.
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    # Every template kept, in a plain dict: the bounded cache's LRU bookkeeping, under a lock,
    # ran for each `{% include %}` (a study's chips in the Evidence panel, thirty-odd a page).
    # The site's templates are a fixed few dozen.
    env = _Environment(**{"cache_size": -1, **options})
    env.globals.update(url=fast_reverse, static=_static, avatar=avatar, reltime=reltime,
                       authored_citations=authored_citations, personal_part=personal_part, slot=slot,
                       querystring=_querystring)
    env.filters.update(date=_date, post_excerpt=post_excerpt, pluralize=defaultfilters.pluralize,
                       truncatechars=_truncatechars, day=day_text, moment=moment_text, sentence=sentence)
    return env


def render(template, context: dict) -> str:
    """`template.render(context)` (a Django backend's Jinja2 template), announced like a Django
    template's render (forum/templatetags/forum_tags.py, announce_render)."""
    html = template.render(context)
    announce_render(template.template, context)
    return html


def page_html(request, template_name: str, context: dict) -> str:
    """A page, or a part of one, from a Jinja2 template, with what the context processors give
    a Django template (the view's values win, as they do there)."""
    return render(get_template(template_name, using="jinja2"), {**for_jinja2(request), **context})


def page_response(request, template_name: str, context: dict, *, status: int = 200) -> HttpResponse:
    """`django.shortcuts.render` for a Jinja2 page."""
    return HttpResponse(page_html(request, template_name, context), status=status)
