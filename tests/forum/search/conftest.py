import pytest

from forum.search import PostSearch, search_posts
from tests.factories import CategoryFactory, UserFactory, make_reply, make_topic


def found(text: str, **filters) -> list[tuple[str, int]]:
    """What a user sees, in order: (topic title, post number) for each matching post."""
    return [(post.topic.title, post.post_number) for post in search_posts(PostSearch(text=text, **filters))]


@pytest.fixture
def forum(db):
    """A small forum with words placed so that titles, bodies, phrases and authors differ."""
    pain = CategoryFactory(name="Pain", slug="pain")
    sleep = CategoryFactory(name="Sleep", slug="sleep")
    asker = UserFactory(username="asker")
    expert = UserFactory(username="drlee", role="expert")
    member = UserFactory(username="omar")

    naltrexone = make_topic(author=asker, category=pain, title="Low-dose naltrexone for fibromyalgia",
                            raw="Does it reduce pain? My doctor mentioned it.")
    make_reply(topic=naltrexone, author=expert,
               raw="Two small randomised trials found modest pain relief with naltrexone.")
    make_reply(topic=naltrexone, author=member, raw="I tried magnesium instead; no change in pain.")

    melatonin = make_topic(author=asker, category=sleep, title="Melatonin dose for jet lag",
                           raw="Which dose works for eastward flights?")
    make_reply(topic=melatonin, author=expert,
               raw="A Cochrane review found melatonin reduces jet lag; doses from 0.5 to 5 mg worked.")
    make_reply(topic=melatonin, author=member, raw="Magnesium helped me sleep, but not with jet lag.")
    return {"pain": pain, "sleep": sleep, "asker": asker, "expert": expert, "member": member,
            "naltrexone": naltrexone, "melatonin": melatonin}
