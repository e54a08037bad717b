import pytest

from forum.discussion.editing import post_edit
from forum.models import Post, PostRevision, Topic
from forum.moderation.actions import post_moderator_edit
from tests.factories import UserFactory, make_reply, make_topic

from .conftest import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def fresh(post):
    return Post.objects.select_related("topic", "author").get(pk=post.pk)


def test_author_and_moderator_editing_at_once_keep_every_version():
    author, moderator = UserFactory(), UserFactory(role="moderator")
    reply = make_reply(topic=make_topic(), author=author, raw="Original text.")

    _, errors = run_together(
        lambda: post_edit(editor=author, post=fresh(reply), raw="The author's correction.", reason="typo"),
        lambda: post_moderator_edit(moderator=moderator, post=fresh(reply), raw="Moderated text.",
                                    reason="removed a claim"),
    )

    assert errors == [None, None]
    post = fresh(reply)
    revisions = list(PostRevision.objects.filter(post=post).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert post.version == 3
    assert revisions[0].raw == "Original text."
    # The second revision kept whichever edit landed first; the post shows the other one.
    assert {revisions[1].raw, post.raw} == {"The author's correction.", "Moderated text."}
    assert revisions[1].edited_by_id == (moderator.pk if post.raw == "Moderated text." else author.pk)


def test_many_simultaneous_edits_of_a_first_post_keep_every_version_and_title():
    author, moderator = UserFactory(), UserFactory(role="moderator")
    topic = make_topic(author=author, title="Original title", raw="Original question.")
    first = topic.posts.get(post_number=1)
    edits = [(author, f"Author edit {n}", f"Author title {n}") for n in range(5)] + \
            [(moderator, f"Moderator edit {n}", f"Moderator title {n}") for n in range(5)]

    def edit(editor, raw, title):
        if editor == moderator:
            return lambda: post_moderator_edit(moderator=editor, post=fresh(first), raw=raw, title=title, reason="tidy")
        return lambda: post_edit(editor=editor, post=fresh(first), raw=raw, title=title)

    _, errors = run_together(*(edit(*e) for e in edits))

    assert errors == [None] * len(edits)
    post = fresh(first)
    revisions = list(PostRevision.objects.filter(post=post).order_by("number"))
    assert [r.number for r in revisions] == list(range(1, len(edits) + 1))
    assert post.version == len(edits) + 1
    versions = [(r.raw, r.title) for r in revisions] + [(post.raw, Topic.objects.get(pk=topic.pk).title)]
    assert versions[0] == ("Original question.", "Original title")
    # Every edit is somewhere in the history, each with its own title, none twice.
    assert sorted(versions[1:]) == sorted((raw, title) for _, raw, title in edits)
