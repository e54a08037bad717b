"""The hostile markup corpus in Chromium: pages full of attack strings, with alert, confirm,
prompt and print trapped and every request to another host recorded and refused. Nothing may fire
and nothing may be requested, even after the pointer and keyboard have been over the content."""

from urllib.parse import urlparse

import pytest

from accounts.models import Role
from forum.evidence.referencing import studies_import
from forum.models import Study
from forum.moderation.flagging import flag_create
from forum.references.metadata import StudyMetadata
from tests.browser.demo_pages import sign_in
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic
from tests.security.corpus import GROUPS, VECTORS

pytestmark = pytest.mark.django_db(transaction=True)

TRAP = """
window.__fired = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__fired.push(name + "(" + args.join(",") + ")"); };
}
"""


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hundreds of flaggers are created; the real hasher would take most of the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def storable(text: str) -> str:
    # Forms refuse NUL and PostgreSQL cannot store it; a browser reads it as U+FFFD anyway.
    return text.replace("\x00", "\ufffd")


@pytest.fixture
def trapped(page, live_server):
    origin = urlparse(live_server.url)
    foreign = []

    def route(route):
        url = urlparse(route.request.url)
        if (url.scheme, url.hostname, url.port) == (origin.scheme, origin.hostname, origin.port):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    page.add_init_script(TRAP)
    page.route("**/*", route)
    page.foreign_requests = foreign
    page.visited = []
    return page


def visit(page, url: str) -> None:
    """Load the page, then move over it and tab through it so hover and focus handlers get their
    chance, and wait for anything delayed (animations, image errors, meta refresh)."""
    page.goto(url, wait_until="load")
    width, height = 1280, 900
    for y in range(0, height, 60):
        page.mouse.move(width // 2, y)
        page.mouse.move(120, y)
    for _ in range(15):
        page.keyboard.press("Tab")
    page.wait_for_timeout(150)
    page.visited.append(url)
    fired = page.evaluate("window.__fired")
    assert fired == [], f"{url}: {fired}"
    assert page.foreign_requests == [], f"{url}: requested {page.foreign_requests}"


@pytest.fixture
def roomy(settings):
    settings.FORUM_POSTS_PER_PAGE = 400
    settings.FORUM_TOPICS_PER_PAGE = 400


def test_a_topic_whose_posts_are_the_corpus(trapped, live_server, roomy):
    alice = UserFactory(username="alice", display_name="Alice Archer")
    bob = UserFactory(username="bob", display_name="Bob Baker")
    topic = make_topic(author=alice, title="Every vector, one post each", raw="The corpus follows.")
    for vector in VECTORS:
        make_reply(topic=topic, author=bob, raw=storable(vector.text))

    visit(trapped, f"{live_server.url}{topic.get_absolute_url()}")
    sign_in(trapped, live_server, alice)
    visit(trapped, f"{live_server.url}{topic.get_absolute_url()}")


def test_hostile_titles_names_credentials_and_bios(trapped, live_server, roomy):
    category = CategoryFactory()
    viewer = UserFactory(username="viewer")
    members = []
    for group, vectors in GROUPS.items():
        # One member per group: the name and credential are one vector, the bio is the whole group.
        member = UserFactory(display_name=storable(vectors[0].text)[:60], role=Role.EXPERT,
                             expert_credential=storable(vectors[-1].text)[:120],
                             bio=storable("\n\n".join(v.text for v in vectors))[:5000])
        members.append(member)
    for number, vector in enumerate(VECTORS):
        make_topic(author=members[number % len(members)], category=category, title=storable(vector.text)[:200] or "x",
                   raw="A plain opening post.")

    visit(trapped, f"{live_server.url}/")
    visit(trapped, f"{live_server.url}{category.get_absolute_url()}")
    sign_in(trapped, live_server, viewer)
    visit(trapped, f"{live_server.url}/search/?q=plain+opening")
    for member in members:
        visit(trapped, f"{live_server.url}{member.get_absolute_url()}")


def test_studies_with_hostile_metadata(trapped, live_server):
    author = UserFactory(username="alice")
    for number, (group, vectors) in enumerate(GROUPS.items()):
        text = storable(" ".join(v.text for v in vectors))
        studies_import(records=[StudyMetadata(
            source="crossref", doi=f"10.5555/browser-{number}", title=text[:1000], container_title=text[:500],
            year=2020, abstract=text[:20_000], authors=[{"family": v.text[:200], "given": v.text[:200]} for v in vectors[:5]],
        )])
    studies = list(Study.objects.order_by("pk"))
    topic = make_topic(author=author, title="Citing hostile studies",
                       raw=" ".join(f"[@doi:{study.doi}]" for study in studies))

    visit(trapped, f"{live_server.url}{topic.get_absolute_url()}")
    visit(trapped, f"{live_server.url}/studies/")
    for study in studies:
        visit(trapped, f"{live_server.url}{study.get_absolute_url()}")


def test_the_review_queue_with_hostile_flag_notes(trapped, live_server):
    author = UserFactory(username="alice")
    moderator = UserFactory(username="mod", role=Role.MODERATOR)
    topic = make_topic(author=author, title="Flag me", raw="A post that draws flags.")
    post = topic.posts.get(post_number=1)
    for vector in VECTORS:
        flag_create(flagger=UserFactory(), post=post, reason="other", note=storable(vector.text)[:500] or "x")

    sign_in(trapped, live_server, moderator)
    visit(trapped, f"{live_server.url}/review/")


def test_previewing_the_corpus_in_the_composer(trapped, live_server):
    """The preview is put into the page with innerHTML, a different path from a page load."""
    author = UserFactory(username="alice")
    topic = make_topic(author=author, title="Preview here", raw="Reply below.")
    sign_in(trapped, live_server, author)
    trapped.goto(f"{live_server.url}{topic.get_absolute_url()}", wait_until="load")
    editor = trapped.get_by_role("textbox", name="Your reply")
    for group, vectors in GROUPS.items():
        editor.fill(storable("\n\n".join(v.text for v in vectors))[:30_000])
        trapped.get_by_role("button", name="Preview").click()
        trapped.locator(".composer__preview-heading, .field__errors").first.wait_for()
        trapped.mouse.move(300, 300)
        trapped.wait_for_timeout(100)
        assert trapped.evaluate("window.__fired") == [], group
        assert trapped.foreign_requests == [], group
