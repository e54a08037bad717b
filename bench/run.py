"""Server-side timings of Evident's pages, each beside a floor measured in the same run.

    .venv/bin/python bench/run.py --database sqlite --size 10k
    .venv/bin/python bench/run.py --database postgres --size 10k --repeat 50 --output bench/RESULTS.md

The database must have been filled with `manage.py seed_bench` first (bench/README.md has the
commands): `--database sqlite --size 10k` reads var/bench/10k/evident.sqlite3, `--database
postgres --size 10k` the PostgreSQL database evident_bench_10k; `--database-url` names any other.

Requests go through Django's test client in this process, so a figure is server time: URL
resolution, every middleware, the view, its queries and the template, with DEBUG off
(bench/settings.py). Each page is requested `--warmup` times, then `--repeat` times timed; the
query count comes from one more request. The floor is a view returning prebuilt bytes of the
same size through the same middleware (bench/urls.py), requested the same way with the same
cookies; the ratio is page median / floor median.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# off: every page rendered in full, no cache of any kind.
# fragments: no page cache; each post's HTML comes from the fragment cache (forum/caching/post_fragments.py).
# on: production: fragments, and whole topic pages for visitors (forum/caching/page_cache.py).
CACHE_MODES = ["off", "fragments", "on"]


def _configure(args) -> None:
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    elif args.database == "postgres":
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/evident_bench_{args.size}"
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["EVIDENT_VAR_DIR"] = str(ROOT / "var" / "bench" / args.size)
        if not (ROOT / "var" / "bench" / args.size / "evident.sqlite3").exists():
            sys.exit(f"No SQLite database for {args.size}: seed it first (bench/README.md).")
    if args.posts_per_page:
        os.environ["FORUM_POSTS_PER_PAGE"] = str(args.posts_per_page)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _set_cache_mode(mode: str) -> None:
    from django.conf import settings
    from django.core.cache import cache

    settings.FORUM_FRAGMENT_CACHE = mode in ("fragments", "on")
    settings.FORUM_PAGE_CACHE = mode == "on"
    cache.clear()


@dataclass
class Figure:
    page: str
    who: str
    median: float
    p95: float
    queries: int | None
    size: int | None
    floor_median: float | None
    status: int | None = None

    @property
    def ratio(self) -> str:
        if not self.floor_median:
            return "n/a"
        return f"{self.median / self.floor_median:.1f}x"


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def _time(call, *, warmup: int, repeat: int) -> list[float]:
    for _ in range(warmup):
        call()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _count_queries(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    return len(captured.captured_queries), response


class Bench:
    def __init__(self, args):
        from django.test import Client

        self.args = args
        self.figures: list[Figure] = []
        self.clients = {"visitor": Client(), "member": Client()}

    def request(self, who: str, method: str, url: str, data=None):
        client = self.clients[who]
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.status_code >= 400:
            raise SystemExit(f"{who} {method} {url} answered {response.status_code}")
        return response

    def floor(self, who: str, method: str, size: int, data=None) -> float:
        url = f"/__bench__/floor/{size}/"
        timings = _time(lambda: self.request(who, method, url, data), warmup=self.args.warmup,
                        repeat=self.args.repeat)
        return statistics.median(timings)

    def page(self, name: str, who: str, url: str, *, method: str = "GET", data=None, floor: bool = True):
        call = lambda: self.request(who, method, url, data)  # noqa: E731
        timings = _time(call, warmup=self.args.warmup, repeat=self.args.repeat)
        queries, response = _count_queries(call)
        size = len(response.content)
        floor_median = self.floor(who, method, size, data) if floor else None
        figure = Figure(name, who, statistics.median(timings), _percentile(timings, 0.95), queries, size,
                        floor_median, response.status_code)
        self.figures.append(figure)
        self._progress(figure)

    def function(self, name: str, call):
        timings = _time(call, warmup=self.args.warmup, repeat=self.args.repeat)
        queries, _ = _count_queries(call)
        figure = Figure(name, "-", statistics.median(timings), _percentile(timings, 0.95), queries, None, None)
        self.figures.append(figure)
        self._progress(figure)

    def _progress(self, figure: Figure) -> None:
        print(f"  {figure.page:<42} {figure.who:<8} {figure.median:8.2f} ms", file=sys.stderr, flush=True)


def _subjects():
    """What to request: the biggest topic, a typical one, a category, the most cited study, a member."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from forum.models import Category, Post, Study, Topic

    big = Topic.objects.filter(deleted_at__isnull=True).order_by("-posts_count", "pk").first()
    if big is None:
        raise SystemExit("The database has no topics: run manage.py seed_bench first (bench/README.md).")
    counts = sorted(Topic.objects.values_list("posts_count", flat=True))
    typical_count = counts[len(counts) // 2]
    typical = Topic.objects.filter(posts_count=typical_count, state="open").order_by("pk").first()
    # Replies go to a mid-sized open topic, so the big one keeps its size from run to run.
    target = (Topic.objects.filter(state="open", posts_count__gte=20, posts_count__lt=200).order_by("pk").first()
              or typical)
    study = Study.objects.annotate(n=Count("citations")).order_by("-n", "pk").first()
    category = Category.objects.annotate(n=Count("topics")).order_by("-n", "pk").first()
    User = get_user_model()
    member = User.objects.filter(username="bench2").first() or User.objects.filter(role="member").first()
    quoted = Post.objects.select_related("author").filter(topic=target, post_number=1).first()
    voted = Post.objects.filter(topic=big).exclude(author=member).order_by("post_number").first()
    return big, typical, target, study, category, member, quoted, voted


def _ten_kb_post() -> str:
    from forum.demo.studies import DEMO_STUDIES

    paragraphs = [
        "The trials I found were small and the effect on pain scores was **modest at best**; "
        f"see [@doi:{DEMO_STUDIES[1].doi}] and [@doi:{DEMO_STUDIES[2].doi}].",
        "What to check in a trial report:\n\n- randomisation and allocation concealment\n- who was blinded\n"
        "- the primary outcome as registered\n- attrition by arm",
        "| Study | Participants | Weeks |\n|---|---|---|\n| pilot | 10 | 8 |\n| crossover | 31 | 12 |",
        "```python\nrisk_control = 0.40\nrisk_treated = 0.32\nprint(round(1 / (risk_control - risk_treated)))\n```",
        "> I am not a doctor, but I read the methods section twice.\n\nThat is more than most headlines do[^1].",
    ]
    text, n = "", 0
    while len(text.encode()) < 10_000:
        text += paragraphs[n % len(paragraphs)] + "\n\n"
        n += 1
    return text + "[^1]: The authors themselves call it preliminary.\n"


def measure(args, mode: str) -> list[Figure]:
    from django.conf import settings

    from forum.markup import cook
    from forum.discussion.rendering import post_render

    big, typical, target, study, category, member, quoted, voted = _subjects()
    from django.db.models import Count

    from forum.models import Tag

    tag = Tag.objects.annotate(n=Count("topics")).order_by("-n", "pk").first()
    bench = Bench(args)
    bench.clients["member"].force_login(member)
    per_page = settings.FORUM_POSTS_PER_PAGE
    last_page = max(1, -(-big.posts_count // per_page))
    reply_raw = (
        f'[quote="{quoted.author.username}, post:1, topic:{target.pk}"]\n'
        f"{quoted.raw.splitlines()[0]}\n[/quote]\n\n"
        "A benchmark reply: the **per protocol** analysis looked better than intention to treat "
        f"[@doi:10.1097/PR9.0000000000001080]. @{quoted.author.username} may know more.\n\n- one\n- two\n"
    )
    pages = [
        (f"topic, first page ({big.posts_count:,} posts)", f"{big.get_absolute_url()}?page=1"),
        (f"topic, late page ({last_page} of {last_page})", f"{big.get_absolute_url()}?page={last_page}"),
        (f"topic, typical ({typical.posts_count} posts)", f"{typical.get_absolute_url()}?page=1"),
        ("latest topics", "/"),
        (f"category ({category.slug})", category.get_absolute_url()),
        (f"tag ({tag.name})", tag.get_absolute_url()),
        ("study (most cited)", study.get_absolute_url()),
        ("studies index", "/studies/"),
        ("search ('placebo trial')", "/search/?q=placebo+trial"),
    ]
    if mode == "fragments":
        # Only topic pages show posts: the other pages are as in "off".
        pages = [(name, url) for name, url in pages if name.startswith("topic")]
    print(f"cache {mode}: measuring ({args.warmup} warm-up, {args.repeat} timed each)", file=sys.stderr)
    for who in ("visitor", "member"):
        for name, url in pages:
            bench.page(name, who, url)
    if mode == "fragments":
        return bench.figures
    bench.page("post a reply (quote, citation, mention)", "member", f"/t/{target.pk}/reply/", method="POST",
               data={"raw": reply_raw, "reply_to": 1})
    bench.page("preview a reply", "member", "/preview/", method="POST", data={"raw": reply_raw, "topic": target.pk})
    bench.page("helpful vote (toggle)", "member", f"/p/{voted.pk}/vote/", method="POST")
    ten_kb = _ten_kb_post()
    bench.function(f"cook a {len(ten_kb.encode()) // 1000} KB post (markup alone)", lambda: cook(ten_kb))
    bench.function(f"post_render a {len(ten_kb.encode()) // 1000} KB post (with look-ups)",
                   lambda: post_render(raw=ten_kb, topic=target, preview=True))
    return bench.figures


# Beside Spirit, at the page size people read (Evident's default) and at Spirit's largest.
PEER_PAGE_SIZES = (20, 100)
# Evident's topic page in the peer table: "off" empties the cache before every request (page,
# post fragments, Evidence panel, citation numbering: the first reader's page); "fragments" keeps
# post fragments and the topic's cached parts, no page cache; "warm" is production, every cache
# on and filled: a visitor's page-cache hit, a member's page from fragments.
PEER_MODES = {"off": (False, False), "fragments": (True, False), "warm": (True, True)}
# One round for one reader, (product, per page, Evident's cache mode): each Evident page beside
# Spirit's page of the same size, then Evident's cached pages at the default size.
PEER_ROUND = [*((product, per_page, "off") for per_page in PEER_PAGE_SIZES for product in ("evident", "spirit")),
              ("evident", 20, "fragments"), ("evident", 20, "warm")]


@dataclass
class PeerRow:
    product: str  # "evident" or "spirit"
    label: str
    who: str
    per_page: int
    timings: list[tuple[float, float]]  # (wall ms, CPU ms)
    queries: int | None = None  # Evident's rows only

    def median(self, index: int = 0) -> float:
        return statistics.median(t[index] for t in self.timings)


def _peer_label(product: str, per_page: int, mode: str, who: str) -> str:
    if product == "spirit":
        return f"Spirit, {per_page} comments, nothing cached"
    if mode == "warm":
        return f"Evident, {per_page} posts, caches warm" + (" (page-cache hit)" if who == "visitor" else "")
    return f"Evident, {per_page} posts, " + {"off": "nothing cached", "fragments": "post fragments cached"}[mode]


class EvidentTopicPage:
    """Evident's side of the peer table: the big topic's first page, timed the way the Spirit
    worker times Spirit's (wall and CPU time of this process; SQLite runs in it)."""

    def __init__(self, url: str, member):
        from django.test import Client

        self.url = url
        self.clients = {"visitor": Client(), "member": Client()}
        self.clients["member"].force_login(member)

    def _timed_get(self, who: str, mode: str) -> tuple[float, float]:
        """(wall ms, CPU ms) of one request; the cache is emptied outside the timing."""
        from django.core.cache import cache

        if mode == "off":
            cache.clear()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = self.clients[who].get(self.url)
        timing = ((time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"Evident answered {response.status_code} for {who}")
        return timing

    def configure(self, per_page: int, mode: str) -> None:
        from django.conf import settings

        settings.FORUM_POSTS_PER_PAGE = per_page
        settings.FORUM_FRAGMENT_CACHE, settings.FORUM_PAGE_CACHE = PEER_MODES[mode]

    def time(self, who: str, count: int, per_page: int, mode: str) -> list[tuple[float, float]]:
        self.configure(per_page, mode)
        if mode != "off":
            # The "nothing cached" rows of the round before emptied the cache: the first request
            # fills it again, as the first reader after a change would, and is not counted.
            self._timed_get(who, mode)
        return [self._timed_get(who, mode) for _ in range(count)]

    def queries(self, who: str, per_page: int, mode: str) -> int:
        """Queries of one more request in this state, checking the page is the one the row names."""
        from django.core.cache import cache

        self.configure(per_page, mode)
        if mode == "off":
            cache.clear()
        else:
            self._timed_get(who, mode)
        count, response = _count_queries(lambda: self.clients[who].get(self.url))
        # Counted in the HTML: a page size the view did not apply would compare unequal pages.
        shown = response.content.count(b'<article id="post-')
        if shown != per_page:
            raise SystemExit(f"Evident showed {shown} posts, not {per_page} ({who}, {mode})")
        if mode == "warm" and who == "visitor" and response.get("X-Page-Cache") != "hit":
            raise SystemExit(f"A visitor's warm page was no page-cache hit: X-Page-Cache {response.get('X-Page-Cache')}")
        return count


PEER_TOPIC_TITLE = "The same hundred posts as Spirit's topic"


def _peer_topic(big, posts):
    """Evident's topic of the same 100 posts as Spirit's: the big topic's first 100 posts' texts,
    by the same authors, each replying to the post it replied to there, posted through Evident's
    own services (markup, quotes, citations, notifications) as Spirit's comments go through its
    comment form. Made once; later runs find it by its title."""
    from forum.discussion.posting import reply_create, topic_create
    from forum.models import Topic

    topic = Topic.objects.filter(title=PEER_TOPIC_TITLE, deleted_at__isnull=True).first()
    if topic is not None:
        return topic
    print(f"peer: posting {len(posts)} posts into an Evident topic of their own", file=sys.stderr)
    first, *replies = posts
    topic = topic_create(author=first.author, category=big.category, title=PEER_TOPIC_TITLE, raw=first.raw,
                         tag_names=[tag.name for tag in big.tags.all()])
    made = {1: topic.posts.get(post_number=1)}
    for post in replies:
        made[post.post_number] = reply_create(author=post.author, topic=topic, raw=post.raw,
                                              reply_to=made.get(getattr(post.reply_to, "post_number", None)))
    topic.refresh_from_db()
    return topic


def peer_table(args) -> str:
    """Evident's topic page beside Spirit's, at 20 and at 100 posts a page, in turns within this run.

    The same posts on one page: a topic of the big topic's first 100 posts in Evident (or, with
    `--peer-topic big`, the 1,000-post topic itself, whose Evidence panel numbers all its posts'
    citations), and in Spirit a topic whose 100 comments are those posts' texts, posted through
    Spirit's own comment form; Spirit's
    `comments_per_page` is switched between the sizes as its admin page would. Each ratio divides
    Spirit's median by Evident's at the same page size. Rounds alternate Evident and Spirit so a
    busy spell of the machine falls on both; Evident's cached pages are measured in the same rounds.
    """
    from django.conf import settings

    from bench.spirit_peer import MAX_COMMENTS_PER_PAGE, SpiritPeer
    from forum.models import Post

    big, *_rest = _subjects()
    member = _rest[4]
    posts = list(Post.objects.filter(topic=big, post_number__lte=MAX_COMMENTS_PER_PAGE).order_by("post_number"))
    texts = [post.raw for post in posts]
    peer = SpiritPeer(ROOT / "var" / "bench" / "spirit")
    peer.ensure(texts)
    peer.start()
    topic = big if args.peer_topic == "big" else _peer_topic(big, posts)
    evident = EvidentTopicPage(f"{topic.get_absolute_url()}?page=1", member)
    saved = settings.FORUM_POSTS_PER_PAGE, settings.FORUM_FRAGMENT_CACHE, settings.FORUM_PAGE_CACHE

    def measure(product: str, who: str, count: int, per_page: int, mode: str):
        if product == "spirit":
            return peer.time(who, count, per_page)
        return evident.time(who, count, per_page, mode)

    rows: dict[tuple[str, str], PeerRow] = {}
    rounds, per_round = max(1, args.repeat // 5), 5
    print(f"peer: Spirit {peer.info['spirit']} ({peer.info['comments']} comments on {peer.info['url']}), "
          f"{rounds} rounds of {per_round}", file=sys.stderr)
    try:
        for who in ("visitor", "member"):
            for product, per_page, mode in PEER_ROUND:
                measure(product, who, args.warmup, per_page, mode)
            for _ in range(rounds):
                for product, per_page, mode in PEER_ROUND:
                    label = _peer_label(product, per_page, mode, who)
                    row = rows.setdefault((label, who), PeerRow(product, label, who, per_page, []))
                    row.timings.extend(measure(product, who, per_round, per_page, mode))
            for product, per_page, mode in PEER_ROUND:
                if product == "evident":
                    rows[(_peer_label(product, per_page, mode, who), who)].queries = evident.queries(
                        who, per_page, mode)
    finally:
        peer.stop()
        settings.FORUM_POSTS_PER_PAGE, settings.FORUM_FRAGMENT_CACHE, settings.FORUM_PAGE_CACHE = saved
    return _peer_markdown(args, peer.info, list(rows.values()), rounds, per_round)


def _peer_markdown(args, info: dict, rows: list[PeerRow], rounds: int, per_round: int) -> str:
    spirit = {(row.who, row.per_page): row for row in rows if row.product == "spirit"}
    topic = ("its biggest topic (1,000 posts), first page" if args.peer_topic == "big"
             else "a topic of the same 100 posts as Spirit's")
    lines = [
        f"### Beside Spirit: one topic page at {' and '.join(map(str, PEER_PAGE_SIZES))} posts a page, SQLite "
        f"({args.size} data set for Evident; Evident's page: {topic})",
        "",
        f"{date.today().isoformat()} · {_machine()} · Spirit {info['spirit']} on Django {info['django']} "
        f"in its own virtualenv, DEBUG off, its production settings with a local-memory cache and SQLite in WAL "
        "mode as Evident's · "
        f"{rounds} alternating rounds of {per_round} requests each after {args.warmup} warm-up · "
        "\"nothing cached\": the cache emptied before each request · Spirit / this: Spirit's median over "
        "this row's, Spirit at the same page size · queries: one more request in the same state",
        "",
        "| Page | Who | Median ms | CPU median ms | Queries | Spirit / this | Spirit / this, CPU |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        peer = spirit[(row.who, row.per_page)]
        ratios = ("-", "-") if row is peer else (f"{peer.median() / row.median():.1f}x",
                                                 f"{peer.median(1) / row.median(1):.1f}x")
        queries = "-" if row.queries is None else row.queries
        lines.append(f"| {row.label} | {row.who} | {row.median():.2f} | {row.median(1):.2f} | {queries} "
                     f"| {ratios[0]} | {ratios[1]} |")
    return "\n".join(lines) + "\n"


def _load() -> str:
    """The load average now: on a shared machine, wall-clock figures mean little without it."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return ""
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores{', ' + model if model else ''}, Python {platform.python_version()}"
            f"{' · ' + _load() if _load() else ''} at the end of the run")


def table(args, figures: list[Figure], cache_mode: str) -> str:
    from django.conf import settings
    from django.db import connection

    from forum.models import Post, Topic

    engine = connection.vendor
    lines = [
        f"### {engine}, {args.size} ({Post.objects.count():,} posts, {Topic.objects.count():,} topics), "
        f"cache {cache_mode}",
        "",
        f"{date.today().isoformat()} · {_machine()} · {settings.FORUM_POSTS_PER_PAGE} posts a page · "
        f"{args.warmup} warm-up + {args.repeat} timed requests each · DEBUG off, test client in-process",
        "",
        "| Page | Who | Median ms | p95 ms | Queries | Bytes | Floor ms | Ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        lines.append(
            f"| {f.page} | {f.who} | {f.median:.2f} | {f.p95:.2f} | {f.queries if f.queries is not None else '-'} | "
            f"{f'{f.size:,}' if f.size is not None else '-'} | "
            f"{f'{f.floor_median:.2f}' if f.floor_median else '-'} | {f.ratio} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--size", default="10k", help="Which seeded data set: 10k, 100k, 1m (names the database).")
    parser.add_argument("--database-url", help="Use this database instead of the one --database/--size name.")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--posts-per-page", type=int, help="FORUM_POSTS_PER_PAGE for this run.")
    parser.add_argument("--output", help="Also append the table to this Markdown file.")
    parser.add_argument("--cache", default=",".join(CACHE_MODES),
                        help="Comma-separated cache modes to measure: off, fragments, on (default all).")
    parser.add_argument("--peer-topic", choices=["same", "big"], default="same",
                        help="With --peer: Evident's topic of the same 100 posts as Spirit's (default), or its "
                             "1,000-post topic whose first posts they are.")
    parser.add_argument("--peer", choices=["spirit"],
                        help="Instead of the tables: Evident's topic page beside Spirit's (bench/spirit_peer.py).")
    args = parser.parse_args(argv)
    _configure(args)
    if args.peer:
        _set_cache_mode("off")
        output = peer_table(args)
        print(output)
        if args.output:
            with open(args.output, "a") as handle:
                handle.write("\n" + output)
        return
    for mode in args.cache.split(","):
        if mode not in CACHE_MODES:
            parser.error(f"--cache takes {', '.join(CACHE_MODES)}")
        _set_cache_mode(mode)
        output = table(args, measure(args, mode), mode)
        print(output)
        if args.output:
            with open(args.output, "a") as handle:
                handle.write("\n" + output)


if __name__ == "__main__":
    main()
