"""Confirmations and refusals shown beside the post they are about.

A reader who flagged, voted on or accepted post #7 is looking at #7: a message at the top of the
page would be off-screen and read out of context. These ride on Django's messages (so they
survive the redirect after a POST) and the topic page places each one after its post.
"""

from django.contrib import messages

TAG = "post-notice"


def post_notice(request, post, text: str, *, level=messages.SUCCESS) -> None:
    messages.add_message(request, level, text, extra_tags=f"{TAG} {TAG}-{post.pk}")


def place_post_notices(request, posts) -> None:
    """Give each post on the page its notices (`post.notices`); they are marked `placed` so the
    layout does not show them again at the top."""
    by_tag = {f"{TAG}-{post.pk}": post for post in posts}
    for post in posts:
        post.notices = []
    for message in messages.get_messages(request):
        for tag in message.extra_tags.split():
            if tag in by_tag:
                by_tag[tag].notices.append(message)
                message.placed = True
