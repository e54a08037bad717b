"""Posts that cite a study are re-rendered when the study changes, or when their author's ORCID
iD does (chips of studies they wrote say "author").

The evidence side announces a changed study (forum/evidence/study_changes.py); `connect_signals`,
called from ForumConfig.ready, makes this module the listener, so evidence never imports the
rendering of posts.
"""

from __future__ import annotations

from django.db.models import Q
from django_tasks import task

from forum.models import Post, Study

from forum.discussion.rendering import post_recook
from forum.evidence.study_changes import study_changed


def citing_posts_recook(*, study: Study) -> int:
    # Posts quoting its abstract are re-checked too (a quote of a study still being looked up
    # is checked when the details arrive).
    citing = Q(citations__study=study) | Q(study_quotes__study=study)
    # A post quoting a post that cites it shows the study's chip inside the quote.
    citing |= Q(quotes__quoted_post__citations__study=study)
    if study.bibtex_key:
        # A post that cited this key before the study was imported has no Citation row to be
        # found by (an unknown key resolves to nothing), so look for the key in the raw text.
        citing |= Q(raw__contains=f"[@{study.bibtex_key}]")
    posts = Post.objects.filter(citing).select_related("topic", "author").distinct()
    count = 0
    for post in posts:
        post_recook(post=post)
        count += 1
    return count


def member_citations_recook(*, user_id: int) -> int:
    """Re-render a member's posts that cite studies, after their verified ORCID iD changed: chips
    of studies they wrote say "author", or stop saying it."""
    posts = (Post.objects.filter(author_id=user_id, citations__isnull=False)
             .select_related("topic", "author").distinct())
    count = 0
    for post in posts:
        post_recook(post=post)
        count += 1
    return count


def _study_changed(sender, study: Study, **kwargs) -> None:
    citing_posts_recook(study=study)


def connect_signals() -> None:
    study_changed.connect(_study_changed, dispatch_uid="citing-posts-recook")


@task()
def recook_member_citations(*, user_id: int) -> int:
    return member_citations_recook(user_id=user_id)
