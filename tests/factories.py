"""Factories build the data each test needs, through the same services the product uses."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from forum.discussion.posting import reply_create, topic_create
from forum.markup import COOKED_VERSION
from forum.models import Category, Post, Topic

PASSWORD = "correct-horse-battery-staple"


# A fixed secret, so a test can compute the code a moderator's authenticator app would show.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        # Members confirm their email before they may post; pass verified=False to skip.
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        # Moderators work with a second factor (accounts/second_factor.py); pass
        # second_factor=False for one who has not set it up yet.
        if create and extracted is not False and self.role in {"moderator", "admin"}:
            TOTP.activate(self, TEST_TOTP_SECRET)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


def make_topic(*, author=None, category=None, title="A question worth asking", raw="What does the evidence say?",
               tag_names=()) -> Topic:
    return topic_create(
        author=author or UserFactory(),
        category=category or CategoryFactory(),
        title=title,
        raw=raw,
        tag_names=list(tag_names),
    )


def make_reply(*, topic: Topic, author=None, raw="A considered answer.", reply_to: Post | None = None) -> Post:
    return reply_create(author=author or UserFactory(), topic=topic, raw=raw, reply_to=reply_to)


def add_posts_fast(*, topic: Topic, count: int, authors=(), reply_to_first: bool = True) -> list[Post]:
    """Append `count` posts to `topic` in one INSERT, numbered straight after the existing ones.

    Skips the posting service and markdown so a thousand-post topic takes milliseconds; use
    make_reply when the service's own behaviour is what a test is about.
    """
    authors = list(authors) or [topic.author]
    first = topic.posts.get(post_number=1) if reply_to_first else None
    start = topic.posts_count + 1
    posts = [
        Post(topic=topic, post_number=number, author=authors[number % len(authors)], reply_to=first,
             raw=f"Reply number {number}.", cooked=f"<p>Reply number {number}.</p>",
             cooked_version=COOKED_VERSION)
        for number in range(start, start + count)
    ]
    Post.objects.bulk_create(posts)
    topic.posts_count = start + count - 1
    Topic.objects.filter(pk=topic.pk).update(posts_count=topic.posts_count)
    return posts
