"""Writing: new topics, replies and previews. Failed submits re-render with the text kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import strip_tags
from django.views.decorators.http import require_POST

from config.client_address import client_ip
from forum.access.limits import LimitExceeded, ensure_within_posting_limits
from forum.access.permissions import ensure_can_post, ensure_can_reply
from forum.access.visible import get_visible_topic
from forum.discussion.drafts import draft_for, draft_key
from forum.discussion.forms import PreviewForm, ReplyForm, TopicForm
from forum.discussion.posting import reply_create, topic_create
from forum.discussion.quoting import full_quote
from forum.discussion.rendering import post_render
from forum.discussion.study_quoting import post_study_quote_warnings, study_quote_markup, study_quote_warnings
from forum.discussion.submissions import AlreadySubmitted
from forum.evidence.alerts import citation_warnings, post_citation_warnings, stance_warnings
from forum.evidence.citation_numbers import topic_citation_numbers
from forum.markup.citation_numbers import citation_numbers_apply
from forum.markup.citations import authored_citations
from forum.models import Category, Post, Study, Topic

from forum.discussion.views.topic import topic_page
from forum.models.topic import page_for
from forum.site_views.database_outage import write_saved
from forum.site_views.errors import composer_login_required
from forum.site_views.notices import post_notice
from forum.uploads.views import attached_text


def _wants_preview(request) -> bool:
    return "preview" in request.POST


@composer_login_required
def new_topic(request):
    status = 200
    preview = None
    error = None
    draft = None
    if request.method == "POST":
        data, attaching, error, status = attached_text(request)
        form = TopicForm(data)
        if _wants_preview(request) or attaching:
            preview = _preview_html(data.get("raw", ""), topic=None, author=request.user)
        elif form.is_valid() and ask_for_interests(request, form, topic=None):
            preview = _preview_html(form.cleaned_data["raw"], topic=None, author=request.user)
        elif form.is_valid():
            try:
                ensure_can_post(request.user)
                ensure_within_posting_limits(user=request.user, raw=form.cleaned_data["raw"], ip=client_ip(request))
                topic = topic_create(
                    author=request.user,
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["title"],
                    raw=form.cleaned_data["raw"],
                    tag_names=form.cleaned_data["tags"],
                    submit_token=form.submit_token,
                    competing_interests=form.cleaned_data["competing_interests"],
                )
            except AlreadySubmitted as repeat:
                return _already_posted(request, repeat, "This topic was already created: here it is.")
            except PermissionDenied as exc:
                error, status = str(exc), 429 if isinstance(exc, LimitExceeded) else 403
            else:
                write_saved(request, topic.get_absolute_url())
                _warn_about_citations(request, topic.posts.get(post_number=1))
                post_notice(request, topic.posts.get(post_number=1), "Your topic is posted.")
                return redirect(topic)
        else:
            status = 400
    else:
        draft = draft_for(request.user, draft_key(None))
        initial = {"title": draft.title, "raw": draft.raw, "category": draft.category, "tags": draft.tags,
                   "competing_interests": draft.competing_interests} if draft else {}
        slug = request.GET.get("category")
        if slug and not initial.get("category"):
            initial["category"] = Category.objects.filter(slug=slug).first()
        if quoted := _study_quote(request):
            # Words selected on a study page: added after whatever the draft holds, never over it.
            initial["raw"] = f"{initial['raw'].rstrip()}\n\n{quoted}" if initial.get("raw") else quoted
        form = TopicForm(initial=initial)
        try:
            ensure_can_post(request.user)
        except PermissionDenied as exc:
            error = str(exc)
    return TemplateResponse(
        request, "forum/discussion/new_topic.html",
        {"form": form, "preview": preview, "error": error, "draft": draft, "typed": _typed(request),
         "draft_url": reverse("forum:draft", args=[draft_key(None)])}, status=status,
    )


@composer_login_required
def reply(request, topic_id: int):
    """The full-page composer: used without JavaScript, for "reply to #N", and after errors."""
    if request.method == "POST":
        # A topic deleted while someone was typing still answers the POST, so they are told why
        # the reply was refused and get their text back instead of a bare "not found".
        topic = get_object_or_404(Topic.objects.select_related("category", "author"), pk=topic_id)
    else:
        topic = get_visible_topic(request.user, topic_id)
    status = 200
    preview = None
    error = None
    reply_to = None
    draft = None
    if request.method == "POST":
        data, attaching, error, status = attached_text(request)
        form = ReplyForm(data)
        if form.is_valid():
            reply_to = _reply_target(topic, form.cleaned_data.get("reply_to"))
        if _wants_preview(request) or attaching:
            preview = _preview_html(data.get("raw", ""), topic=topic, author=request.user)
        elif form.is_valid() and ask_for_interests(request, form, topic=topic):
            return topic_page(request, topic, page_for(topic.posts_count), reply_form=form, reply_to=reply_to)
        else:
            if form.is_valid():
                try:
                    ensure_can_reply(request.user, topic)
                    ensure_within_posting_limits(user=request.user, raw=form.cleaned_data["raw"], ip=client_ip(request))
                    post = reply_create(author=request.user, topic=topic, raw=form.cleaned_data["raw"],
                                        reply_to=reply_to, submit_token=form.submit_token,
                                        competing_interests=form.cleaned_data["competing_interests"])
                except AlreadySubmitted as repeat:
                    return _already_posted(request, repeat, "This reply was already posted: here it is.")
                except PermissionDenied as exc:
                    error, status = str(exc), 429 if isinstance(exc, LimitExceeded) else 403
                else:
                    url = topic.post_page_url(post.post_number)
                    write_saved(request, url)
                    _warn_about_citations(request, post)
                    post_notice(request, post, "Your reply is posted.")
                    return redirect(url)
            else:
                status = 400
            if Topic.objects.visible_to(request.user).filter(pk=topic.pk).exists():
                # Refused: back to the topic page, at its composer, with the reason and the text.
                topic = get_visible_topic(request.user, topic.pk)
                return topic_page(request, topic, page_for(topic.posts_count), reply_form=form,
                                  reply_error=error or "", reply_to=reply_to, status=status)
    else:
        reply_to = _reply_target(topic, _int_or_none(request.GET.get("to")))
        initial = {"reply_to": reply_to.post_number if reply_to else None}
        if reply_to is not None and request.GET.get("quote"):
            initial["raw"] = full_quote(reply_to)  # the no-JavaScript Quote link
        else:
            # The same server draft the topic page restores, so the text is not lost (nor
            # overwritten by the autosave of an empty composer) on this page either.
            draft = draft_for(request.user, draft_key(topic))
            if draft is not None:
                initial["raw"] = draft.raw
                initial["competing_interests"] = draft.competing_interests
                if reply_to is None:
                    reply_to = _reply_target(topic, draft.reply_to)
                    initial["reply_to"] = draft.reply_to if reply_to else None
        form = ReplyForm(initial=initial)
        try:
            ensure_can_reply(request.user, topic)
        except PermissionDenied as exc:
            error = str(exc)
    return TemplateResponse(
        request, "forum/discussion/reply.html",
        {"topic": topic, "form": form, "preview": preview, "error": error, "reply_to": reply_to, "draft": draft,
         "typed": _typed(request),
         "draft_url": reverse("forum:draft", args=[draft_key(topic)])},
        status=status,
    )


@login_required
@require_POST
def preview(request):
    """Renders markdown exactly as a saved post would be, for the composer's Preview button."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "forum/discussion/_preview.html", {"html": "", "error": "This text is too long to preview."},
                      status=400)
    topic = Topic.objects.visible_to(request.user).filter(pk=_int_or_none(request.POST.get("topic"))).first()
    return render(request, "forum/discussion/_preview.html", {"html": _preview_html(form.cleaned_data["raw"], topic=topic,
                                                                        author=request.user)})


def _study_quote(request) -> str:
    """The `[quote="doi:…"]` markup for words a reader selected on a study page's abstract."""
    study_id = request.GET.get("quote_study", "")
    if not study_id.isdigit() or len(study_id) > 12:
        return ""
    study = Study.objects.filter(pk=int(study_id)).first()
    return study_quote_markup(study, request.GET.get("quote", "")[:5000]) if study else ""


def _preview_html(raw: str, *, topic, author) -> str:
    # Same rendering as saving (quotes checked, citations resolved) but nothing is created; a
    # retracted or questioned study cited, or words quoted from an abstract that are not in it,
    # are pointed out above the preview, and so is a study the writer is an author of. Numbered
    # as the topic's page will number it.
    rendered = post_render(raw=raw[:40_000], topic=topic, author=author, preview=True)
    warnings = (citation_warnings(rendered.citations.studies) + study_quote_warnings(rendered.study_quotes)
                + stance_warnings(raw[:40_000]))
    html = render_to_string("forum/discussion/_citation_warnings.html", {
        "warnings": warnings, "authored": authored_citations(rendered.cooked.html)}) + rendered.cooked.html
    return citation_numbers_apply(html, topic_citation_numbers(topic)) if topic is not None else html


def ask_for_interests(request, form, *, topic, author=None) -> bool:
    """Whether to ask, before posting, for a competing-interests statement: the post cites a study
    its author wrote, the statement is empty and it was not asked already (asked once: posting
    again without one posts). Without JavaScript this is how the composer asks; the text is kept
    and the question is put on the form (`asking_interests`)."""
    author = author or request.user
    if (not getattr(author, "orcid", "") or form.cleaned_data.get("competing_interests")
            or request.POST.get("interests_asked")):
        return False  # only a member with a verified ORCID iD can be an author: no rendering for others
    rendered = post_render(raw=form.cleaned_data["raw"], topic=topic, author=author, preview=True)
    authored = authored_citations(rendered.cooked.html)
    if not authored:
        return False
    if topic is not None:
        authored = [citation_numbers_apply(number, topic_citation_numbers(topic)) for number in authored]
    numbers = ", ".join(strip_tags(number) for number in authored)
    form.asking_interests = (f"You are an author of {numbers}: your post will say so. Add a one-line "
                             "competing-interests statement (funding, roles, ties to the study), or post "
                             "again to leave it out.")
    return True


def _warn_about_citations(request, post) -> None:
    for warning in post_citation_warnings(post) + post_study_quote_warnings(post):
        messages.warning(request, warning)


def _typed(request) -> dict | None:
    # Shown to copy when the composer itself is not (a member suspended while writing).
    return {"title": request.POST.get("title", ""), "raw": request.POST.get("raw", "")} if request.method == "POST" else None


def _already_posted(request, repeat: AlreadySubmitted, text: str):
    """A repeated submit (double click, Back and submit again, a retry) is answered with what the
    first one wrote, and writes nothing."""
    post = repeat.post
    if post is None or post.is_deleted:
        return redirect("forum:latest")
    post_notice(request, post, text, level=messages.INFO)
    return redirect(post.page_url())


def _reply_target(topic, post_number: int | None) -> Post | None:
    if not post_number:
        return None
    return (Post.objects.select_related("author")
            .filter(topic=topic, post_number=post_number, deleted_at__isnull=True).first())


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
