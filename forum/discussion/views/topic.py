"""Reading a topic: pages of posts addressed by post number."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from config.jinja_env import form_renderer, page_html, page_response
from forum.access.visible import get_visible_topic
from forum.caching import member_pages, notification_bell
from forum.caching.page_cache import cached_for_topic, parts_keys
from forum.caching.post_fragments import render_posts_versioned
from forum.common.reltime import relative_texts_change_at
from forum.common.personal_slots import (csrf_placeholder, slot_wrap, slots_fill, slots_split,
                                         submit_token_placeholder)
from forum.common.url_patterns import page_reverse
from forum.context_processors import review_waiting_count, unread_notification_count_for_request
from forum.discussion.drafts import draft_for, draft_key
from forum.discussion.forms import ReplyForm
from forum.discussion.reader_state import ReaderState, reader_state_on_page
from forum.discussion.submissions import TOKEN_FIELD, submission_token_new
from forum.evidence.alerts import evidence_changed_since_accepted
from forum.evidence.citation_numbers import topic_citation_numbers, topic_evidence_once
from forum.evidence.summaries import can_write_evidence_summary
from forum.following.notifying import notifications_read_on_sight
from forum.following.watching import topic_mark_read
from forum.live import pages as live
from forum.live.change_events import read_together
from forum.markup.citation_numbers import citation_numbers_apply
from forum.models import Post, WatchLevel
from forum.models.category import categories_all
from forum.models.post import page_posts, quoting_posts_by_post
from forum.models.topic import page_for
from forum.models.tag import topic_tags
from forum.references.classification import designs_summary

from forum.evidence.views.summary_part import evidence_summary_html
from forum.site_views.notices import place_post_notices
from forum.templatetags.forum_tags import personal_part_render


def topic_detail(request, slug: str, topic_id: int):
    if not member_pages.shared_page_applies(request):
        return _topic_page_at(request, slug, topic_id, shared=None)
    may_write_summary = bool(can_write_evidence_summary(request.user))
    # The live tokens, the stored copy and the bell's count: one round trip to the cache, not three.
    with read_together([*live.page_keys(topic_id=topic_id, user=request.user),
                        *member_pages.lookup_keys(request, topic_id=topic_id, may_write_summary=may_write_summary),
                        *notification_bell.lookup_keys(request.user)]):
        # Read before the page: a change made while it is assembled shows at its first live look.
        request.live_tokens = live.tokens_for_page(topic_id=topic_id, user=request.user)
        entry, generations = member_pages.member_page_find(request, topic_id=topic_id,
                                                           may_write_summary=may_write_summary)
        if entry is not None:
            return _member_page_from(request, entry)
        return _topic_page_at(request, slug, topic_id,
                              shared={"generations": generations, "may_write_summary": may_write_summary})


def _topic_page_at(request, slug: str, topic_id: int, *, shared: dict | None):
    """The page the address asks for, or where it should be."""
    topic = get_visible_topic(request.user, topic_id)
    last_page = page_for(topic.posts_count)
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        # Thousands of digits are a ValueError too (Python's own limit), and no page either.
        page = 0 if request.GET["page"].strip().isdigit() else 1
    if page < 1 or page > last_page:
        raise Http404("There is no such page in this topic.")
    if slug != topic.slug:
        url = topic.get_absolute_url()
        return redirect(f"{url}?page={page}" if page > 1 else url, permanent=True)
    return topic_page(request, topic, page, shared=shared, to_first_unread=True)


def _first_unread_elsewhere(request, topic, subscription) -> bool:
    # Opening a topic you have read part of takes you to where you stopped.
    first_unread = subscription.last_read_post_number + 1 if subscription else 0
    return "page" not in request.GET and 1 < first_unread <= topic.posts_count and page_for(first_unread) > 1


def _member_page_from(request, entry: dict):
    """A member's page from the shared copy: their reading state, then their slots."""
    topic, post_ids = entry["topic"], [pk for pk, _author in entry["authors"]]
    state = reader_state_on_page(request.user, topic=topic, post_ids=post_ids, draft_key=draft_key(topic))
    if _first_unread_elsewhere(request, topic, state.subscription):
        return redirect(topic.post_page_url(state.subscription.last_read_post_number + 1))
    _reading_recorded(request, topic, state, entry["last_number"])
    return _member_page_response(request, entry, state=state, rendered={})


def _reading_recorded(request, topic, state: ReaderState, last_number: int | None) -> None:
    """How far the member has read, and the notifications about the posts they now see (which
    `state` found: reading costs no query when nothing is unread)."""
    subscription = state.subscription
    if last_number is not None and (subscription is None or subscription.last_read_post_number < last_number):
        topic_mark_read(user=request.user, topic=topic, post_number=last_number, subscribed=subscription is not None)
    if state.unseen and notifications_read_on_sight(user=request.user, post_ids=sorted(state.unseen)):
        request.unread_notification_count = None  # the header counts again


def _member_page_response(request, entry: dict, *, state, rendered: dict[str, str], status: int = 200):
    """The shared page with this member's slots filled: `rendered` holds the slots the page was
    just rendered with for this member (when it was rendered, not read from the cache)."""
    user, topic = request.user, entry["topic"]
    values, versions = {}, list(entry["versions"])
    personal = {pk for pk, author in entry["authors"] if author == user.pk} | state.voted | state.flagged
    if personal:
        indexed = [(index, post) for index, post in enumerate(member_pages.entry_posts(entry)) if post.pk in personal]
        own = render_posts_versioned(request, topic=topic, posts=[post for _index, post in indexed],
                                     voted_post_ids=state.voted, flagged_post_ids=state.flagged,
                                     citation_numbers=entry["citation_numbers"], keep_csrf_placeholder=True)
        for (index, post), (version, html) in zip(indexed, own):
            values[f"post:{post.pk}"], versions[index] = html, version
    values["versions"] = ".".join(versions)
    if state.has_draft:
        values["composer"] = page_html(request, "forum/discussion/_topic_composer.html", {
            **_composer_context(request, topic, draft_for(user, draft_key(topic)), shared=True),
            "topic": topic, "csrf_token": csrf_placeholder()})
    # The parts of the layout every member has their own of: as the page was just rendered for
    # them, or rendered now.
    parts = ("live", "member-nav", "watch", *(("review",) if user.is_moderator else ()))
    context = {} if all(name in rendered for name in parts) else {
        "user": user, "csrf_token": csrf_placeholder(), "topic": topic, "subscription": state.subscription,
        "watch_levels": WatchLevel.choices, "live_tokens": getattr(request, "live_tokens", None),
        "unread_notifications": unread_notification_count_for_request(request),
        "review_waiting": review_waiting_count() if user.is_moderator else None,
    }
    values.update({name: rendered[name] if name in rendered else personal_part_render(name, context)
                   for name in parts})
    html = (slots_fill(entry["skeleton"], values).replace(csrf_placeholder(), get_token(request))
            .replace(submit_token_placeholder(), submission_token_new()))
    response = HttpResponse(html, status=status)
    # As the visitors' page cache says (bench/loadtest.sh counts them).
    response["X-Page-Cache"] = "member-stored" if rendered else "member-hit"
    return response


def _composer_context(request, topic, draft, reply_form=None, reply_to=None, shared: bool = False) -> dict:
    """What the reply box shows: the member's draft, or the reply they were refused. On a shared
    page the one-time submit token is a placeholder, made fresh for each page served."""
    if reply_form is None and request.user.is_authenticated:
        initial = {"raw": draft.raw, "reply_to": draft.reply_to,
                   "competing_interests": draft.competing_interests} if draft else {}
        reply_form = ReplyForm(initial={**initial, TOKEN_FIELD: submit_token_placeholder()} if shared else initial or None,
                               renderer=form_renderer)
        if draft and draft.reply_to:
            reply_to = Post.objects.select_related("author").filter(
                topic=topic, post_number=draft.reply_to, deleted_at__isnull=True).first()
    return {
        "reply_form": reply_form,
        # What a member who may not reply (suspended meanwhile) had written: shown to copy.
        "typed": {"raw": reply_form.data.get("raw", "")} if reply_form is not None and reply_form.is_bound else None,
        "reply_to": reply_to,
        "draft": draft,
        "draft_url": reverse("forum:draft", args=[draft_key(topic)]) if request.user.is_authenticated else "",
    }


def topic_page(request, topic, page: int, *, reply_form=None, reply_error: str = "", reply_to=None,
               status: int = 200, shared: dict | None = None, to_first_unread: bool = False):
    """One page of a topic, with its reply composer: `reply_form` and `reply_error` put a refused
    reply back where it was written, with its text and the reason. With `shared` (a member's
    page that may be shared with members of their kind: forum/caching/member_pages.py) the page is
    rendered for no one in particular, stored, and this member's parts put in.
    `to_first_unread`: a member who opens a topic they have read part of (no page asked for) is
    sent to where they stopped instead."""
    first = (page - 1) * settings.FORUM_POSTS_PER_PAGE + 1
    last = first + settings.FORUM_POSTS_PER_PAGE - 1
    live_keys = [] if hasattr(request, "live_tokens") else live.page_keys(topic_id=topic.pk, user=request.user)
    part_names = _part_names(topic, first, last)
    # The live tokens and the parts drawn from the whole topic: one round trip to the cache, not two.
    with read_together([*live_keys, *parts_keys(topic.pk, part_names)]):
        return _topic_page(request, topic, page, first=first, last=last, part_names=part_names,
                           reply_form=reply_form, reply_error=reply_error, reply_to=reply_to, status=status,
                           shared=shared, to_first_unread=to_first_unread)


def _part_names(topic, first: int, last: int) -> list[str]:
    """The parts of a topic's page drawn from the whole topic (`cached_for_topic`), as `_topic_page`
    names them. Its evidence summary only when the topic's own query found one (or did not look):
    a topic without one costs nothing more."""
    return [*(["evidence-summary"] if getattr(topic, "evidence_certainty", None) != "" else []),
            "evidence-panel", "citation-numbers", "evidence-changed", "tags", f"quoted-in:{first}-{last}"]


def _topic_page(request, topic, page: int, *, first: int, last: int, part_names: list[str], reply_form,
                reply_error: str, reply_to, status: int, shared: dict | None, to_first_unread: bool):
    # Read before the posts: a change made while this page renders shows at its first live look.
    # (A shared member's page read them before looking for its stored copy.)
    if not hasattr(request, "live_tokens"):
        request.live_tokens = live.tokens_for_page(topic_id=topic.pk, user=request.user)
    last_page = page_for(topic.posts_count)
    posts = page_posts(topic, first, last)
    # The posts' "3 minutes ago" are the page's only relative dates: a stored copy of it is current
    # until the first of them would read differently. Taken before they are written, so a minute
    # that turns meanwhile leaves a moment already past, and nothing is kept.
    dates_change_at = relative_texts_change_at([post.created_at for post in posts], timezone.now())
    state = ReaderState()
    if request.user.is_authenticated:
        # Before anything else is read for the page: the member may be sent elsewhere.
        state = reader_state_on_page(request.user, topic=topic, post_ids=[post.pk for post in posts],
                                     draft_key=draft_key(topic))
        if to_first_unread and _first_unread_elsewhere(request, topic, state.subscription):
            return redirect(topic.post_page_url(state.subscription.last_read_post_number + 1))
    # The Evidence panel, tags and "Quoted in" lines change only through writes that renew the
    # topic's generation: fetched from the cache together, in one round trip.
    evidence = topic_evidence_once(topic)
    renders = {
        # The summary's studies come from the Evidence panel's.
        "evidence-summary": lambda: evidence_summary_html(topic, evidence().studies),
        "evidence-panel": lambda: _evidence_panel(topic, evidence().studies),
        "citation-numbers": lambda: evidence().numbers,
        "evidence-changed": lambda: evidence_changed_since_accepted(topic),
        "tags": lambda: topic_tags(topic),
        f"quoted-in:{first}-{last}": lambda: quoting_posts_by_post([post.pk for post in posts]),
    }
    parts = cached_for_topic(topic.pk, {name: renders[name] for name in part_names})
    for post in posts:
        post.quoted_in = parts[f"quoted-in:{first}-{last}"].get(post.pk, [])
    if request.user.is_authenticated:
        _reading_recorded(request, topic, state, posts[-1].post_number if posts else None)
    subscription = state.subscription
    if shared is not None:
        # Drawn for a member with no votes, flags or posts of their own here; theirs go in after.
        post_html = render_posts_versioned(request, topic=topic, posts=posts, voted_post_ids=set(),
                                           citation_numbers=parts["citation-numbers"], as_owner=False,
                                           keep_csrf_placeholder=True)
        post_html = [(version, SafeString(slot_wrap(f"post:{post.pk}", html)))
                     for post, (version, html) in zip(posts, post_html)]
    else:
        post_html = render_posts_versioned(request, topic=topic, posts=posts, voted_post_ids=state.voted,
                                           flagged_post_ids=state.flagged, citation_numbers=parts["citation-numbers"])
    place_post_notices(request, posts)
    draft = None
    if reply_form is None and state.has_draft and shared is None:
        draft = draft_for(request.user, draft_key(topic))
    topic_url = topic.get_absolute_url()
    html_response = page_response(request, "forum/discussion/topic_detail.html", {
        "topic": topic,
        "topic_url": topic_url,
        "posts": [(post, html) for post, (_version, html) in zip(posts, post_html)],
        "live_posts": {
            "first": posts[0].post_number if posts else first, "last": posts[-1].post_number if posts else first - 1,
            "versions": ".".join(version for version, _html in post_html), "tail": page == last_page,
        },
        "subscription": subscription,
        "watch_levels": WatchLevel.choices,
        "reply_error": reply_error,
        **_composer_context(request, topic, draft, reply_form=reply_form, reply_to=reply_to, shared=shared is not None),
        "tags": parts["tags"],
        "evidence_html": parts["evidence-panel"],
        "evidence_summary_html": parts.get("evidence-summary", ""),
        "can_write_evidence_summary": can_write_evidence_summary(request.user),
        "evidence_changed": parts["evidence-changed"],
        "citation_numbers": parts["citation-numbers"],  # the accepted answer's card cites by them
        "categories": categories_all() if getattr(request.user, "is_moderator", False) else (),
        "page": page,
        "last_page": last_page,
        "page_links": _page_links(topic_url, page, last_page),
        **({"personal_slots": True, "csrf_token": csrf_placeholder()} if shared is not None else {}),
    }, status=status)
    if shared is None:
        html_response.dates_change_at = dates_change_at  # the visitors' page cache keeps it until then
        return html_response
    skeleton, rendered = slots_split(html_response.content.decode())
    entry = member_pages.member_page_store(
        request, generations=shared["generations"], skeleton=skeleton, topic=topic, posts=posts,
        dates_change_at=dates_change_at,
        versions=[version for version, _html in post_html], citation_numbers=parts["citation-numbers"],
        last_number=posts[-1].post_number if posts else None, may_write_summary=shared["may_write_summary"])
    return _member_page_response(request, entry, state=state, rendered=rendered, status=status)


def _evidence_panel(topic, evidence) -> str:
    if not evidence:
        return ""
    summary = designs_summary([study.design_label for study in evidence])
    # Its links by a reverse() for the page (forum/common/url_patterns.py): a topic's panel has
    # a link for every study and every post citing one.
    return render_to_string("forum/evidence/_evidence_panel.html", {
        "evidence": evidence, "topic": topic, "summary": summary, "url": page_reverse()}, using="jinja2")


def _page_links(url: str, page: int, last_page: int) -> list[tuple[int | None, str]]:
    """(number, url) for the first and last pages and two either side of this one; (None, "")
    marks a gap. A 1,000-post topic gets 9 links, not 50."""
    shown = sorted({1, last_page, *range(max(1, page - 2), min(last_page, page + 2) + 1)})
    links, previous = [], 0
    for n in shown:
        if n > previous + 1:
            links.append((None, ""))
        links.append((n, url if n == 1 else f"{url}?page={n}"))
        previous = n
    return links


def post_permalink(request, slug: str, topic_id: int, post_number: int):
    topic = get_visible_topic(request.user, topic_id)
    if post_number < 1 or post_number > topic.posts_count:
        raise Http404("There is no such post in this topic.")
    return redirect(topic.post_page_url(post_number))


def post_cooked(request, topic_id: int, post_number: int):
    """A post's stored HTML, for expanding a quote in place; only what this reader may see."""
    post = get_object_or_404(
        Post.objects.in_visible_topics(request.user),
        topic_id=topic_id, post_number=post_number,
    )
    is_moderator = getattr(request.user, "is_moderator", False)
    if post.is_deleted and not is_moderator:
        raise Http404("This post has been deleted.")
    if post.is_hidden and not (is_moderator or post.author_id == request.user.pk):
        raise Http404("This post has been hidden by a moderator.")
    # Read alone (a quote expanded in place), it is numbered as on its topic's page.
    cooked = citation_numbers_apply(post.cooked, topic_citation_numbers(post.topic))
    return render(request, "forum/discussion/_post_cooked.html", {"cooked": cooked})


def topic_short(request, topic_id: int):
    topic = get_visible_topic(request.user, topic_id)
    return redirect(topic, permanent=True)
