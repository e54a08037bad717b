"""Scale data for the benchmarks and the load test: members, topics and posts, fast.

    manage.py seed_bench --users 2000 --topics 1500 --posts 100000 [--big-topics 2 --big-topic-posts 1000] [--seed 1]

Fills an empty forum (a fresh, migrated database: see bench/README.md). The speed comes from
three decisions:

* Bodies are rendered once per template, not once per post. Each template is cooked through the
  real pipeline with placeholder values for what varies (the quoted member, post and topic, the
  quoted words, the mentioned member, a number), and each post then gets its raw text and stored
  HTML by plain string substitution. The result is what `post_render` would have produced for
  that raw text (tests/bench checks a sample), at a few microseconds a post.
* Rows are written as tuples with ids allocated here: COPY on PostgreSQL, executemany on SQLite,
  no model instances. Quote, Citation, Vote, Flag, Notification and TopicSubscription rows come
  from the same pass, so they match the posts.
* The search index is built once at the end where that is cheaper: on PostgreSQL the GIN index
  is dropped during the load and recreated (the trigger still computes each post's vector), on
  SQLite the FTS5 triggers are dropped and `forum.search.schema.rebuild` reinstalls them and
  indexes every post in one statement.

Every seeded member can sign in as `bench<N>` with the password BENCH_PASSWORD; `bench1` is a
moderator, `bench2` an ordinary member with posts (the benchmarks' signed-in member).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from forum.demo.studies import DEMO_STUDIES
from forum.markup import COOKED_VERSION, cook
from forum.markup.quotes import QuoteSource
from forum.models import (
    Category, Citation, Flag, Notification, Post, Quote, Study, Tag, Topic, TopicSubscription, Vote,
)
from forum.evidence.referencing import CitationResolver, study_apply_metadata, studies_import
from forum.references.metadata import StudyMetadata
from forum.search import schema as search_schema

BENCH_PASSWORD = "bench-password"
BENCH_USERNAME = "bench{}"
# Studies beyond the five verified demo ones use the DOI prefix reserved for tests (10.5555).
BENCH_STUDY_DOI = "10.5555/evident-bench.{}"

# Placeholders rendered into each template once, then replaced per post. They are strings no
# template contains otherwise, and digits long enough never to occur by accident.
Q_USER, Q_NAME, Q_POST, Q_TOPIC, Q_SLUG = "zquserzq", "Zqnamezq", "564738291", "918273645", "zqslugzq"
Q_TEXT, MENTION, NUMBER, BADGE = "zqquotetextzq", "zqmentionzq", "zqnumzq", "ZQBADGEZQ"
BADGE_HTML = f' <span class="badge badge--role">{BADGE}</span>'

CATEGORIES = ["Pain", "Sleep", "Mood", "Skin", "Heart", "Gut", "Supplements", "General"]
TAGS = ["naltrexone", "melatonin", "magnesium", "vitamin-d", "acupuncture", "curcumin", "omega-3",
        "probiotics", "exercise", "cbt", "creatine", "zinc", "placebo", "meta-analysis", "side-effects"]
CONDITIONS = ["fibromyalgia", "migraine", "insomnia", "osteoarthritis", "depression", "asthma",
              "hypertension", "eczema", "jet lag", "back pain", "tinnitus", "long covid"]
TREATMENTS = ["low-dose naltrexone", "melatonin", "magnesium", "vitamin D", "acupuncture", "curcumin",
              "omega-3", "probiotics", "exercise", "CBT", "creatine", "zinc", "ibuprofen", "yoga"]
DESIGNS = ["randomised controlled trial", "systematic review", "cohort study", "crossover trial",
           "meta-analysis", "pilot study"]
FIRST_NAMES = ["Maria", "Omar", "Aiko", "Lena", "Kwame", "Priya", "Tomas", "Ines", "Yusuf", "Greta",
               "Ravi", "Sofia", "Jonas", "Amara", "Chen", "Elif"]
LAST_NAMES = ["Lopez", "Haddad", "Tanaka", "Berg", "Mensah", "Iyer", "Novak", "Costa", "Demir",
              "Larsen", "Okafor", "Silva", "Weber", "Kim"]
# Opening sentences: plain words only (no markup, quotes or apostrophes), so a quote of one
# renders the same in raw and HTML and verifies against its source.
OPENERS = [
    "The trials I found were small and the effect on pain scores was modest at best",
    "Most of the evidence comes from crossover studies with fewer than forty participants",
    "Sleep quality improved in the treatment arm but the dropout rate was high",
    "I tried this for three months and kept a symptom diary the whole time",
    "The systematic review pooled seven trials and found substantial heterogeneity",
    "Side effects were mild and mostly limited to vivid dreams in the first week",
    "My rheumatologist was sceptical but agreed to a trial period with follow up",
    "The larger trial did not replicate the effect seen in the pilot study",
    "Blinding is hard here because the active treatment has noticeable side effects",
    "Several registered trials are still recruiting so the picture may change soon",
    "The effect size shrank once the low quality studies were excluded",
    "Placebo response in this condition is known to be unusually strong",
    "The dose used in the studies was much lower than what is sold over the counter",
    "Follow up was only eight weeks so we know little about long term use",
    "Our clinic has used this approach for years with mixed results",
    "The confidence interval is wide enough to include no effect at all",
    "Patients with comorbid depression seemed to respond differently",
    "I would look at the primary outcome before reading the abstract",
    "The funding source is worth checking for the two positive trials",
    "Adherence was measured by pill counts which tends to overestimate it",
    "The cohort data suggest an association but cannot show causation",
    "A crossover design assumes no carry over effect which may not hold",
    "The outcome measures differed between trials which makes pooling difficult",
    "Older participants were excluded from almost every study I could find",
    "This matches what the guideline committee concluded last year",
    "The absolute risk reduction is far smaller than the headline suggests",
    "I stopped after six weeks because of stomach trouble",
    "The preprint has not been peer reviewed yet so treat it with caution",
    "Subgroup analyses like this one are usually hypothesis generating only",
    "The mechanism is plausible but plausibility is not evidence",
]
PARAGRAPHS = [
    "Has anyone compared this with **standard care** rather than placebo? The effect after zqnumzq weeks "
    "is what matters to me, not the first few days.",
    "For what it is worth, the *per protocol* analysis looked better than the intention to treat one, "
    "which usually means people who felt worse dropped out.",
    "I keep a log of doses and symptoms. Here is how I score a day:\n\n1. pain from 0 to 10\n2. hours of "
    "sleep\n3. anything unusual, like a missed dose",
    "What to check in a trial report:\n\n- randomisation and allocation concealment\n- who was blinded\n"
    "- the primary outcome as registered\n- attrition by arm",
    "| Study | Participants | Weeks |\n|---|---|---|\n| pilot | 10 | 8 |\n| crossover | 31 | 12 |\n"
    "| parallel | zqnumzq | 16 |",
    "A quick way to get the numbers needed to treat from the paper:\n\n```python\nrisk_control = 0.40\n"
    "risk_treated = 0.32\nnnt = 1 / (risk_control - risk_treated)\nprint(round(nnt))\n```",
    "The effect was reported as a standardised mean difference of 0.3, which is small to moderate. "
    "See the discussion section[^1].\n\n[^1]: The authors themselves call it preliminary.",
    "> I am not a doctor, but I read the methods section twice.\n\nThat is more than most headlines do.",
    "Day zqnumzq of the trial period: no change in morning stiffness, slightly better sleep.",
    "The dose was titrated from 1.5 mg up to 4.5 mg over two weeks, taken at night.",
]
CITING = [
    "The best trial so far {cite} was small but well designed.",
    "Compare {cite} with the earlier pilot, which had no control group.",
    "Both {cite} point the same way, though neither was powered for it.",
    "The protocol {cite} registered its primary outcome in advance.",
]
TITLE_PATTERNS = [
    "Does {treatment} help {condition}?",
    "{treatment} for {condition}: what does the evidence say?",
    "Experiences with {treatment} for {condition}",
    "New {design} of {treatment} in {condition}",
    "Is the {design} on {treatment} for {condition} any good?",
]


@dataclass
class BodyTemplate:
    """One body, cooked once; `fill` makes a post of it with the placeholders replaced."""

    raw: str
    cooked: str
    opener: str  # the sentence a later post may quote
    quotes: bool
    mentions: bool
    cited_study_ids: tuple[int, ...]  # by number in the post's reference list: index 0 is [1]
    scope: str  # the footnote and citation anchor prefix, derived from the raw text

    @property
    def needs_scope(self) -> bool:
        return self.scope in self.cooked


class _TemplateResolvers:
    """Resolvers that answer with placeholders instead of looking anything up."""

    def __init__(self):
        self.mention_url = reverse("accounts:profile", kwargs={"username": MENTION})
        self.quote_url = reverse("forum:post_permalink",
                                 kwargs={"slug": Q_SLUG, "topic_id": int(Q_TOPIC), "post_number": int(Q_POST)})

    def quote(self, ref):
        return QuoteSource(author_name=Q_NAME, role_badge=BADGE, url=self.quote_url, status="verified")

    def mention(self, name):
        return (MENTION, self.mention_url) if name.lower() == MENTION else None


def build_templates(rng: random.Random, studies: list[Study], count: int) -> tuple[list, list]:
    """First-post and reply templates: markdown, lists, tables, code, footnotes, quotes of an
    earlier post, citations of studies and @mentions, in a few dozen combinations."""
    resolvers = _TemplateResolvers()
    first, replies = [], []
    for index in range(count):
        is_first = index < count // 5
        opener = OPENERS[index % len(OPENERS)] + ("" if index < len(OPENERS) else f" in trial {index}")
        parts = [opener + "."]
        quotes = not is_first and rng.random() < 0.4
        if quotes:
            parts.insert(0, f'[quote="{Q_USER}, post:{Q_POST}, topic:{Q_TOPIC}"]\n{Q_TEXT}\n[/quote]')
        parts.extend(rng.sample(PARAGRAPHS, rng.randint(1, 3 if index % 7 else 6)))
        cited: list[Study] = []
        if rng.random() < 0.5:
            cited = rng.sample(studies, rng.randint(1, 2))
            cite = " and ".join(f"[@doi:{study.doi}]" for study in cited)
            parts.insert(2 if quotes else 1, rng.choice(CITING).format(cite=cite))
        mentions = not is_first and rng.random() < 0.25
        if mentions:
            parts.append(f"@{MENTION} may know more about this.")
        raw = "\n\n".join(parts)
        citation_resolver = CitationResolver(create_missing=False)
        cooked = cook(raw, quote_resolver=resolvers.quote, citation_resolver=citation_resolver,
                      mention_resolver=resolvers.mention)
        if quotes and len(cooked.quotes) != 1:
            raise CommandError(f"template {index} should hold one quote, found {len(cooked.quotes)}")
        template = BodyTemplate(
            raw=raw, cooked=cooked.html, opener=opener, quotes=quotes, mentions=mentions,
            cited_study_ids=tuple(citation_resolver.studies[n].pk for n in sorted(citation_resolver.studies)),
            scope=hashlib.sha1(raw.encode()).hexdigest()[:8],
        )
        (first if is_first else replies).append(template)
    return first, replies


def fill(template: BodyTemplate, *, number: int, quoted=None, mentioned=None, topic_slug: str = "") -> tuple[str, str]:
    """The raw text and stored HTML of one post made from `template`.

    `quoted` is (username, name, role badge, post_number, topic_id, text); `mentioned` a username.
    """
    raw, cooked = template.raw, template.cooked
    if template.quotes:
        username, name, badge, post_number, topic_id, text = quoted
        post_number, topic_id = str(post_number), str(topic_id)
        raw = (raw.replace(Q_USER, username).replace(Q_POST, post_number).replace(Q_TOPIC, topic_id)
               .replace(Q_TEXT, text))
        cooked = cooked.replace(BADGE_HTML, BADGE_HTML.replace(BADGE, escape(badge)) if badge else "")
        cooked = (cooked.replace(Q_USER, username).replace(Q_NAME, escape(name)).replace(Q_POST, post_number)
                  .replace(Q_TOPIC, topic_id).replace(Q_SLUG, topic_slug).replace(Q_TEXT, escape(text)))
    if template.mentions:
        raw, cooked = raw.replace(MENTION, mentioned), cooked.replace(MENTION, mentioned)
    if NUMBER in raw:
        value = str(number)
        raw, cooked = raw.replace(NUMBER, value), cooked.replace(NUMBER, value)
    if template.needs_scope:
        cooked = cooked.replace(template.scope, hashlib.sha1(raw.encode()).hexdigest()[:8])
    return raw, cooked


class RowWriter:
    """Buffers rows per model as dicts and writes them in bulk: COPY on PostgreSQL, executemany on
    SQLite. Columns are every concrete field, so a field added later gets its default."""

    def __init__(self):
        self.rows: dict[type[models.Model], list[dict]] = {}
        self.written: Counter = Counter()
        self._next_id: dict[type[models.Model], int] = {}
        self._columns: dict = {}
        self.now = timezone.now()

    def next_id(self, model) -> int:
        if model not in self._next_id:
            highest = model.objects.aggregate(n=models.Max("pk"))["n"] or 0
            self._next_id[model] = highest + 1
        value = self._next_id[model]
        self._next_id[model] = value + 1
        return value

    def add(self, model, row: dict) -> None:
        self.rows.setdefault(model, []).append(row)

    def _plan(self, model):
        if model not in self._columns:
            plan = []
            for field in model._meta.concrete_fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    default = self.now
                else:
                    default = field.get_default()  # "" for a string field without one, as Django saves
                if connection.vendor == "sqlite" and isinstance(field, models.DateTimeField):
                    convert = connection.ops.adapt_datetimefield_value
                elif isinstance(field, models.JSONField):
                    convert = lambda value, field=field: field.get_db_prep_save(value, connection)  # noqa: E731
                else:
                    convert = None
                plan.append((field.attname, field.column, default, convert))
            self._columns[model] = plan
        return self._columns[model]

    def flush(self, *order) -> None:
        for model in order or list(self.rows):
            rows = self.rows.pop(model, [])
            if not rows:
                continue
            plan = self._plan(model)
            tuples = []
            for row in rows:
                values = []
                for attname, _, default, convert in plan:
                    value = row.get(attname, default)
                    if convert is not None and value is not None:
                        value = convert(value)
                    values.append(value)
                tuples.append(values)
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(column) for _, column, _, _ in plan)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for values in tuples:
                            copy.write_row(values)
                else:
                    marks = ", ".join("?" for _ in plan)
                    cursor.cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuples)
            self.written[model._meta.label] += len(rows)

    def reset_sequences(self) -> None:
        if connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows the highest id inserted
        statements = connection.ops.sequence_reset_sql(no_style(), list(self._next_id))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


class Command(BaseCommand):
    help = "Fill an empty forum with scale data for benchmarks (see bench/README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=1000)
        parser.add_argument("--topics", type=int, default=500)
        parser.add_argument("--posts", type=int, default=10_000, help="All posts, first posts included.")
        parser.add_argument("--big-topics", type=int, default=None,
                            help="Topics with --big-topic-posts posts each (default: one per 50,000 posts, at least one).")
        parser.add_argument("--big-topic-posts", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=20_000, help="Posts per transaction.")
        parser.add_argument("--templates", type=int, default=60)
        parser.add_argument("--studies", type=int, default=0,
                            help="Extra library studies (not cited), for the study finder's benchmark.")

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        users, topics, posts = options["users"], options["topics"], options["posts"]
        big_topic_posts = options["big_topic_posts"]
        big_topics = options["big_topics"]
        if big_topics is None:
            big_topics = max(1, posts // 50_000) if posts >= 2 * big_topic_posts else 0
        if users < 3 or topics < 1 or posts < topics:
            raise CommandError("Need at least 3 users, 1 topic, and as many posts as topics.")
        if big_topics > topics or big_topics * big_topic_posts + (topics - big_topics) > posts:
            raise CommandError("Not enough posts for the big topics plus one post in every other topic.")
        if Post.objects.exists() or get_user_model().objects.filter(username=BENCH_USERNAME.format(1)).exists():
            raise CommandError("seed_bench fills an empty forum: migrate a fresh database first (bench/README.md).")

        self.rng = random.Random(options["seed"])
        self.writer = RowWriter()
        started = time.perf_counter()
        self._drop_search_index()
        try:
            with transaction.atomic():
                categories, tags, studies = self._reference_data()
                first_templates, reply_templates = build_templates(self.rng, studies, options["templates"])
                self._users(users)
                self.writer.flush()
                if options["studies"]:
                    self._library_studies(options["studies"])
            self._log(f"users, categories, studies, {options['templates']} templates: "
                      f"{time.perf_counter() - started:.1f} s")
            posts_started = time.perf_counter()
            self._topics_and_posts(topics, posts, big_topics, big_topic_posts, categories, tags,
                                   first_templates, reply_templates, options["batch_size"])
            posts_seconds = time.perf_counter() - posts_started
        finally:
            index_started = time.perf_counter()
            self._restore_search_index()
            self.writer.reset_sequences()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        index_seconds = time.perf_counter() - index_started
        total = time.perf_counter() - started
        self._log(f"search index and ANALYZE: {index_seconds:.1f} s")
        for label, count in sorted(self.writer.written.items()):
            self._log(f"  {label}: {count:,}")
        self.stdout.write(
            f"seed_bench: {posts:,} posts in {total:.1f} s on {connection.vendor} "
            f"({posts / posts_seconds:,.0f} posts/s writing posts, {posts / total:,.0f} posts/s overall)"
        )

    def _log(self, message: str) -> None:
        if self.verbosity:
            self.stdout.write(message)
            self.stdout.flush()

    # --- the search index ---------------------------------------------------------------------

    def _drop_search_index(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for statement in search_schema.SQLITE_TRIGGERS:
                    if statement.startswith("DROP TRIGGER"):
                        cursor.execute(statement)
            elif connection.vendor == "postgresql":
                cursor.execute("DROP INDEX IF EXISTS forum_post_search_vector_gin")

    def _restore_search_index(self):
        if connection.vendor == "sqlite":
            search_schema.rebuild(connection)  # reinstalls the triggers and indexes every post
        elif connection.vendor == "postgresql":
            create = next(s for s in search_schema.POSTGRES_INSTALL if "forum_post_search_vector_gin" in s)
            with connection.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '256MB'")
                # Inside an outer transaction (tests) the deferred foreign-key checks must run
                # first: PostgreSQL will not build an index on a table with pending trigger events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(create)

    # --- reference data -----------------------------------------------------------------------

    def _reference_data(self):
        categories = [
            Category.objects.get_or_create(slug=slugify(name), defaults={"name": name, "position": i, "color": i})[0]
            for i, name in enumerate(CATEGORIES)
        ]
        tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
        studies_import(records=DEMO_STUDIES)
        studies = list(Study.objects.filter(doi__in=[m.doi.lower() for m in DEMO_STUDIES]))
        for n in range(1, 46):
            doi = BENCH_STUDY_DOI.format(n)
            study = Study.objects.filter(doi=doi).first() or Study()
            treatment, condition = self.rng.choice(TREATMENTS), self.rng.choice(CONDITIONS)
            design = DESIGNS[n % len(DESIGNS)]
            metadata = StudyMetadata(
                title=f"{treatment.capitalize()} in {condition}: a {design} (benchmark record {n})",
                authors=[{"family": self.rng.choice(LAST_NAMES), "given": self.rng.choice(FIRST_NAMES)[0]}],
                container_title="Journal of Benchmark Records", year=2000 + n % 25, volume=str(n),
                pages=f"{n}-{n + 9}", doi=doi, crossref_type="journal-article", source="manual",
            )
            studies.append(study_apply_metadata(study=study, metadata=metadata, source="manual"))
        return categories, tags, studies

    def _library_studies(self, count: int):
        """`count` resolved studies with varied titles, journals, authors and years, written in
        batches: what the study finder searches (bench/study_finder_timings.py)."""
        from forum.references.classification import Design

        rng = random.Random(self.rng.random())
        syllables = ["an", "ber", "cor", "da", "el", "fen", "gor", "ha", "is", "jan", "kov", "li", "mor",
                     "nes", "o", "pet", "quin", "ros", "sen", "tan", "u", "val", "wen", "xu", "yam", "zel"]
        surnames = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
                           for _ in range(4000)}) + LAST_NAMES
        words = ("adults children older women men adolescents patients outcomes pain fatigue sleep quality "
                 "mortality function disability recurrence relapse remission biomarkers inflammation dose "
                 "response safety tolerability adherence efficacy effectiveness costs primary care hospital "
                 "community placebo sham usual care long-term short-term twelve-week multicentre open-label "
                 "double-blind pragmatic feasibility secondary analysis protocol follow-up").split()
        journals = [f"{adjective} {subject}" for adjective in ("Journal of", "Annals of", "Clinical", "European",
                                                                 "International Journal of", "Archives of")
                    for subject in ("Pain", "Rheumatology", "Sleep Research", "Neurology", "Internal Medicine",
                                    "Psychiatry", "Dermatology", "Primary Care")]
        designs = list(Design)
        now = timezone.now()
        batch = []
        for n in range(1, count + 1):
            treatment, condition = rng.choice(TREATMENTS), rng.choice(CONDITIONS)
            extra = " ".join(rng.sample(words, 3))
            title = f"{treatment.capitalize()} for {condition} ({extra}): a {rng.choice(DESIGNS)}"
            authors = [{"family": rng.choice(surnames), "given": rng.choice(FIRST_NAMES)[0]}
                       for _ in range(rng.randint(1, 6))]
            year = rng.randint(1985, 2025)
            journal = rng.choice(journals)
            doi = f"10.5555/evident-library.{n}"
            metadata = StudyMetadata(title=title, authors=authors, container_title=journal, year=year,
                                     doi=doi, crossref_type="journal-article", source="manual")
            batch.append(Study(doi=doi, title=title, container_title=journal, year=year,
                               metadata=metadata.to_dict(), design=rng.choice(designs).value,
                               metadata_source="manual", fetched_at=now))
            if len(batch) == 5000:
                Study.objects.bulk_create(batch)
                batch = []
        Study.objects.bulk_create(batch)
        self.writer.written["library studies"] += count

    def _users(self, count: int):
        User = get_user_model()
        from allauth.account.models import EmailAddress

        password = make_password(BENCH_PASSWORD)  # hashed once: every bench member shares it
        joined = self.writer.now - timedelta(days=400)
        self.users = []  # (id, username, name, role badge)
        for n in range(1, count + 1):
            user_id = self.writer.next_id(User)
            username = BENCH_USERNAME.format(n)
            role = "moderator" if n == 1 else ("expert" if n % 20 == 0 else "member")
            display_name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}" if n % 3 else ""
            email = f"{username}@bench.invalid"
            self.writer.add(User, {
                "id": user_id, "username": username, "password": password, "email": email,
                "display_name": display_name, "role": role, "date_joined": joined, "is_active": True,
                "expert_credential": "MD, rheumatology" if role == "expert" else "",
            })
            self.writer.add(EmailAddress, {"id": self.writer.next_id(EmailAddress), "user_id": user_id,
                                           "email": email, "verified": True, "primary": True})
            badge = {"expert": "Expert", "moderator": "Moderator"}.get(role, "")  # User.role_badge
            self.users.append((user_id, username, display_name or username, badge))

    # --- topics and posts -----------------------------------------------------------------------

    def _post_counts(self, topics: int, posts: int, big_topics: int, big_topic_posts: int) -> list[int]:
        rng = self.rng
        regular = topics - big_topics
        counts = [1] * regular
        extra = posts - big_topics * big_topic_posts - regular
        if regular and extra:
            # A long tail: most topics get a handful of replies, a few get hundreds.
            weights = [min(rng.paretovariate(1.3), 200.0) for _ in range(regular)]
            for index, n in Counter(rng.choices(range(regular), weights=weights, k=extra)).items():
                counts[index] += n
        counts.extend([big_topic_posts] * big_topics)
        rng.shuffle(counts)
        return counts

    def _author(self):
        # A few members write much more than the rest, as on any forum.
        return self.users[int(len(self.users) * self.rng.random() ** 2)]

    def _topics_and_posts(self, topics, posts, big_topics, big_topic_posts, categories, tags,
                          first_templates, reply_templates, batch_size):
        rng, writer = self.rng, self.writer
        counts = self._post_counts(topics, posts, big_topics, big_topic_posts)
        now = writer.now
        # Topics start over the past year, in order, so ids and dates agree.
        starts = sorted(now - timedelta(seconds=rng.uniform(3600, 365 * 86400)) for _ in counts)
        member_ids = [user[0] for user in self.users]
        done, pending, started = 0, 0, time.perf_counter()
        big_topic_ids = []
        for topic_index, (count, start) in enumerate(zip(counts, starts)):
            pending += count
            topic_id = writer.next_id(Topic)
            if count >= big_topic_posts:
                big_topic_ids.append(topic_id)
            self._topic(topic_id, topic_index, count, start, now, categories, tags, first_templates,
                        reply_templates, member_ids)
            if pending >= batch_size or topic_index == len(counts) - 1:
                with transaction.atomic():
                    # Topics first: the PostgreSQL search trigger reads a first post's topic title.
                    writer.flush(Topic, Topic.tags.through, Post)
                    writer.flush()
                done += pending
                pending = 0
                elapsed = time.perf_counter() - started
                self._log(f"  {done:>10,} / {posts:,} posts  {done / elapsed:8,.0f} posts/s  "
                          f"eta {(posts - done) / (done / elapsed):6.0f} s")
        self._log(f"big topics ({big_topic_posts:,}+ posts): {', '.join(map(str, big_topic_ids)) or 'none'}")

    def _topic(self, topic_id, topic_index, count, start, now, categories, tags, first_templates,
               reply_templates, member_ids):
        rng, writer = self.rng, self.writer
        title = rng.choice(TITLE_PATTERNS).format(
            treatment=rng.choice(TREATMENTS), condition=rng.choice(CONDITIONS), design=rng.choice(DESIGNS),
        )
        title = f"{title[0].upper()}{title[1:]} ({topic_index + 1})"
        slug = slugify(title)[:80].strip("-")
        span = (now - start) * rng.uniform(0.05, 0.95)
        step = span / count
        posted = []  # (post id, post number, user tuple, template)
        expert_replied = False
        repliers = set()
        for number in range(1, count + 1):
            post_id = writer.next_id(Post)
            author = self._author()
            if number == 1:
                topic_author = author
            created = start + step * (number - 1)
            template = rng.choice(first_templates if number == 1 else reply_templates)
            quoted = reply_to = mentioned = None
            if template.quotes:
                # Mostly a recent post, sometimes one far back.
                back = min(number - 1, 1 + int(rng.expovariate(0.3)))
                reply_to = posted[number - 1 - back]
                source_user = reply_to[2]
                quoted = (source_user[1], source_user[2], source_user[3], reply_to[1], topic_id, reply_to[3].opener)
            elif number > 1 and rng.random() < 0.3:
                reply_to = posted[rng.randrange(number - 1)]
            if template.mentions:
                mentioned = self._author()
                if mentioned[0] == author[0]:
                    mentioned = self.users[(self.users.index(author) + 1) % len(self.users)]
            raw, cooked = fill(template, number=rng.randint(2, 52), quoted=quoted,
                               mentioned=mentioned[1] if mentioned else None, topic_slug=slug)
            helpful = self._votes(post_id, author[0], topic_id, created, member_ids, first=number == 1)
            writer.add(Post, {
                "id": post_id, "topic_id": topic_id, "post_number": number, "author_id": author[0],
                "reply_to_id": reply_to[0] if reply_to else None, "raw": raw, "cooked": cooked,
                "cooked_version": COOKED_VERSION, "created_at": created, "helpful_count": helpful,
            })
            for n, study_id in enumerate(template.cited_study_ids, start=1):
                writer.add(Citation, {"id": writer.next_id(Citation), "post_id": post_id, "study_id": study_id,
                                      "number": n})
            notified = {author[0]}
            if mentioned:
                self._notify(mentioned[0], "mentioned", author[0], topic_id, post_id, created)
                notified.add(mentioned[0])
            if quoted:
                writer.add(Quote, {
                    "id": writer.next_id(Quote), "quoting_post_id": post_id, "quoted_post_id": reply_to[0],
                    "quoted_username": quoted[0], "quoted_topic_id": topic_id, "quoted_post_number": reply_to[1],
                    "text": quoted[5], "full": False, "status": "verified", "checked_at": created,
                })
                if reply_to[2][0] not in notified:
                    self._notify(reply_to[2][0], "quoted", author[0], topic_id, post_id, created)
                    notified.add(reply_to[2][0])
            elif reply_to and reply_to[2][0] not in notified:
                self._notify(reply_to[2][0], "replied", author[0], topic_id, post_id, created)
            if rng.random() < 0.003:
                flagger = rng.choice(member_ids)
                if flagger != author[0]:
                    writer.add(Flag, {"id": writer.next_id(Flag), "post_id": post_id, "flagger_id": flagger,
                                      "reason": rng.choice(["off_topic", "needs_source", "inappropriate"]),
                                      "state": "open", "created_at": created + timedelta(hours=1)})
            if number > 1:
                repliers.add(author[0])
                expert_replied = expert_replied or author[3] == "Expert"
            posted.append((post_id, number, author, template))
        last_author, last_created = posted[-1][2], start + step * (count - 1)
        pinned = topic_index % 97 == 0
        writer.add(Topic, {
            "id": topic_id, "title": title, "slug": slug, "category_id": rng.choice(categories).pk,
            "author_id": topic_author[0], "state": "closed" if rng.random() < 0.02 else "open",
            "pinned": pinned, "pinned_globally": topic_index == 0, "expert_answered": expert_replied,
            "posts_count": count, "last_posted_at": last_created, "last_poster_id": last_author[0],
            "created_at": start,
        })
        through = Topic.tags.through
        for tag in rng.sample(tags, rng.randint(0, 2)):
            writer.add(through, {"id": writer.next_id(through), "topic_id": topic_id, "tag_id": tag.pk})
        writer.add(TopicSubscription, {
            "id": writer.next_id(TopicSubscription), "user_id": topic_author[0], "topic_id": topic_id,
            "level": "watching", "last_read_post_number": count,
        })
        for user_id in rng.sample(sorted(repliers - {topic_author[0]}), min(3, len(repliers - {topic_author[0]}))):
            writer.add(TopicSubscription, {
                "id": writer.next_id(TopicSubscription), "user_id": user_id, "topic_id": topic_id,
                "level": "tracking", "last_read_post_number": rng.randint(1, count),
            })

    def _votes(self, post_id, author_id, topic_id, created, member_ids, *, first: bool) -> int:
        rng = self.rng
        roll = rng.random()
        wanted = 0 if roll < (0.3 if first else 0.6) else min(int(rng.expovariate(0.5)) + 1, 12)
        if not wanted:
            return 0
        voters = [v for v in rng.sample(member_ids, min(len(member_ids), wanted + 1)) if v != author_id][:wanted]
        for voter in voters:
            self.writer.add(Vote, {"id": self.writer.next_id(Vote), "post_id": post_id, "user_id": voter,
                                   "created_at": created + timedelta(minutes=30)})
        # Helpful votes arrive as one batched notification.
        self.writer.add(Notification, {
            "id": self.writer.next_id(Notification), "recipient_id": author_id, "kind": "helpful",
            "actor_id": voters[-1], "topic_id": topic_id, "post_id": post_id, "count": len(voters),
            "created_at": created + timedelta(minutes=30), "read_at": created + timedelta(hours=5),
        })
        return len(voters)

    def _notify(self, recipient_id, kind, actor_id, topic_id, post_id, created):
        read = self.rng.random() < 0.7
        self.writer.add(Notification, {
            "id": self.writer.next_id(Notification), "recipient_id": recipient_id, "kind": kind,
            "actor_id": actor_id, "topic_id": topic_id, "post_id": post_id, "count": 1, "created_at": created,
            "read_at": created + timedelta(hours=2) if read else None,
        })
