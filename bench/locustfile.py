"""The load test's traffic: 80% topic pages, 15% lists and search, 5% replies and votes.

Run through bench/loadtest.sh, which seeds sessions, starts gunicorn and reads the results.
Targets come from the JSON that bench/sessions.py writes (BENCH_TARGETS names the file).

The simulated users are locust's FastHttpUser (geventhttpclient): on the same two cores as the
server, locust's default client took 1.5 ms of CPU a request, a fifth of what the server spent.

Visitors (3 in 4 simulated users) read: topic pages 80, lists and search 15 (weights).
Members (1 in 4) read the same way and write: topic pages 60, lists and search 15, replies and
helpful votes 20. Overall that is 79% topic pages, 16% lists and search, 5% writes.
"""

import itertools
import json
import os
import random
import secrets
from collections import Counter
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

TARGETS = json.load(open(os.environ["BENCH_TARGETS"]))
_members = itertools.cycle(TARGETS["members"])
WAIT = float(os.environ.get("BENCH_WAIT", "0.2"))


# How each topic page was served, from the page cache's X-Page-Cache header: "hit" (a visitor's
# page from the cache), "stored" (a visitor's page rendered and stored), none (a member's page,
# rendered from post fragments). Written where BENCH_CACHE_STATS says when the run ends.
page_cache = Counter()


@events.request.add_listener
def _count_page_cache(name, response, exception, **kwargs):
    if name == "topic page" and exception is None and response is not None:
        page_cache[response.headers.get("X-Page-Cache", "none")] += 1


@events.quitting.add_listener
def _write_page_cache(environment, **kwargs):
    if os.environ.get("BENCH_CACHE_STATS"):
        with open(os.environ["BENCH_CACHE_STATS"], "w") as handle:
            json.dump(page_cache, handle)


class Reader:
    headers: dict = {}

    def on_start(self):
        # Each user sends the cookies it was given (none for visitors), as set below: no jar.
        self.client.client.cookiejar = None

    def get(self, url, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)

    def topic_page(self):
        # One in five topic views is one of the biggest topics, on any of its pages.
        if random.random() < 0.2:
            topic = random.choice(TARGETS["big_topics"])
        else:
            topic = random.choice(TARGETS["topics"])
        page = random.choice([1, 1, topic["pages"], random.randint(1, topic["pages"])])
        self.get(f"{topic['url']}?page={page}", name="topic page")

    def list_or_search(self):
        roll = random.random()
        if roll < 0.4:
            self.get("/", name="latest")
        elif roll < 0.7:
            self.get(random.choice(TARGETS["categories"]), name="category")
        else:
            self.get("/search/?" + urlencode({"q": random.choice(TARGETS["searches"])}), name="search")


class Visitor(Reader, FastHttpUser):
    weight = 3
    wait_time = between(0, WAIT)

    @task(80)
    def read_topic(self):
        self.topic_page()

    @task(15)
    def browse(self):
        self.list_or_search()


class Member(Reader, FastHttpUser):
    weight = 1
    wait_time = between(0, WAIT)

    def on_start(self):
        super().on_start()
        member = next(_members)
        self.username = member["username"]
        # The CSRF cookie a browser would have been given: Django checks that the token sent with
        # a write matches the cookie, as both are sent here.
        self.csrf = secrets.token_hex(16)
        self.headers = {"Cookie": f"sessionid={member['sessionid']}; csrftoken={self.csrf}"}
        self.get(random.choice(TARGETS["topics"])["url"] + "?page=1", name="topic page")

    @task(60)
    def read_topic(self):
        self.topic_page()

    @task(15)
    def browse(self):
        self.list_or_search()

    @task(10)
    def reply(self):
        topic_id = random.choice(TARGETS["reply_topic_ids"])
        self.client.post(f"/t/{topic_id}/reply/", name="reply",
                         data={"raw": "Load test reply: the **per protocol** analysis looked better than "
                                      "intention to treat [@doi:10.1097/PR9.0000000000001080].\n\n- one\n- two",
                               "csrfmiddlewaretoken": self.csrf},
                         headers={**self.headers, "X-CSRFToken": self.csrf})

    @task(10)
    def vote(self):
        post_id = random.choice(TARGETS["vote_post_ids"])
        self.client.post(f"/p/{post_id}/vote/", name="helpful vote",
                         headers={**self.headers, "X-CSRFToken": self.csrf, "Accept": "application/json"})
