"""Writing a Discourse site's history into Evident, once.

Every object made is recorded in `ImportedRecord` under the Discourse id it came from, in the
same transaction as the object itself. So a second run finds what the first made (and updates
what changed at the source), and a run stopped half-way - by an outage, Ctrl-C, a crash - resumes
after the last topic it committed. Each topic, with its posts, likes and accepted answer, is one
transaction: a topic is there whole or not at all.

Nothing here notifies anyone: imported replies, quotes and mentions happened long ago.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.text import slugify

from accounts.models import CredentialRequest, Role
from forum.common.one_line import one_line
from forum.discussion.posting import topic_refresh_expert_answered
from forum.discussion.quote_rechecks import quoting_posts_recheck
from forum.discussion.rendering import post_references_record, post_render
from forum.models import Category, Citation, ImportedRecord, Post, PostRevision, Quote, Tag, Topic, TopicState, Vote
from forum.models.tag import tag_name_normalised

from . import markup
from .cooked import cooked_to_markdown
from .run_lock import import_lock_renew
from .source import DiscourseSource

Kind = ImportedRecord.Kind
REGULAR_POST = 1  # Discourse's post_type; 2-4 are moderator actions, small actions and whispers
LIKE = 2  # Discourse's post_action_type for a like
_USERNAME_BAD = re.compile(r"[^A-Za-z0-9_.-]+")
IMPORTED_CATEGORY = "Imported"
# A topic the site cannot give is listed and passed over; this many in a row is the site being
# down, not one bad topic, and the run stops to be resumed later.
FAILURES_IN_A_ROW = 5
PROFILE_MISSING = "profile-missing"  # a member record's fingerprint until their profile was read
# What the latest list says about a topic that changes when it does: bumped by a post or an
# edit, a post added or removed, retitled, moved, retagged, closed, hidden.
LISTED_FIELDS = ("bumped_at", "last_posted_at", "posts_count", "highest_post_number", "title", "category_id",
                 "tags", "closed", "archived", "visible", "pinned", "pinned_globally", "deleted_at")
# Discourse's own accounts: `system` (id -1), `discobot` (-2) and other bots have ids below 1.
BOT_USERNAMES = {"system", "discobot"}
# A megathread's post records are read this many at a time: below SQLite's and PostgreSQL's
# limits on the parameters of one query.
RECORDS_PER_QUERY = 500
# How often the run lock's heartbeat is renewed, in seconds: far within the ten minutes after
# which another run takes the lock over, and not a commit for every topic a rerun passes by.
LOCK_RENEW_EVERY = 30


class ImportRolledBack(Exception):
    """Raised at the end of a dry run so that nothing it wrote stays."""


@dataclass
class Report:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    quotes: Counter = field(default_factory=Counter)
    citations: int = 0
    problems: list[str] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # Discourse topic id -> why
    left_behind: Counter = field(default_factory=Counter)
    interrupted: str = ""

    def snapshot(self) -> tuple:
        return (self.created.copy(), self.updated.copy(), self.unchanged.copy(), self.left_behind.copy(),
                len(self.problems))

    def restore(self, snapshot: tuple) -> None:
        """Back to a snapshot: what a rolled-back topic counted was never done."""
        self.created, self.updated, self.unchanged, self.left_behind = (c.copy() for c in snapshot[:4])
        del self.problems[snapshot[4]:]

    def lines(self, *, dry_run: bool = False) -> list[str]:
        verb = "would create" if dry_run else "created"
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        out = [f"{kind}: {self.created[kind]} {verb}, {self.updated[kind]} updated, "
               f"{self.unchanged[kind]} unchanged" for kind in kinds]
        out.append(f"citations in imported posts: {self.citations}")
        if self.quotes:
            out.append("quotes checked: " + ", ".join(f"{n} {status}" for status, n in sorted(self.quotes.items())))
        for what, n in sorted(self.left_behind.items()):
            if n:
                out.append(f"left behind: {n} {what}")
        if self.problems:
            out.append(f"could not be mapped ({len(self.problems)}):")
            out += [f"  - {problem}" for problem in self.problems]
        if self.failed:
            out.append(f"could not be imported ({len(self.failed)} topics; the next run tries them again, "
                       "or retry one with --only-topic ID):")
            out += [f"  - topic {topic_id}: {why}" for topic_id, why in sorted(self.failed.items())]
        return out


def _fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _when(value) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _post_number(post_data: dict) -> int | None:
    try:
        return int(post_data["post_number"])
    except (KeyError, TypeError, ValueError):
        return None  # reported as malformed when the post is reached


def _one_line(text, limit: int) -> str:
    # forum.common.one_line removes the invisible controls too (bidi overrides, zero-width, NUL).
    return " ".join(one_line(str(text or "")).split())[:limit]


def _palette_index(hex_colour) -> int:
    """Discourse colours are hex; ours are one of twelve hues in the stylesheet."""
    try:
        value = int(str(hex_colour).lstrip("#")[:6], 16)
    except ValueError:
        return 0
    red, green, blue = (value >> 16 & 255) / 255, (value >> 8 & 255) / 255, (value & 255) / 255
    hue = colorsys.rgb_to_hsv(red, green, blue)[0]
    return round(hue * 12) % 12


class DiscourseImport:
    def __init__(self, source: DiscourseSource, *, source_key: str, progress=None, staff=()):
        self.source = source
        # Lower-case Discourse usernames the operator named with --staff: only they keep an
        # admin or moderator role. A Discourse admin's mailbox is not proof enough to be ours.
        self.staff = {name.lower() for name in staff}
        self.source_key = source_key
        self.report = Report()
        self.progress = progress or (lambda iterable, **kwargs: iterable)
        self.users: dict[str, object] = {}  # Discourse username (lower case) -> our member
        self.renamed: dict[str, str] = {}  # Discourse username (lower case) -> our username
        self.categories: dict[int, Category] = {}
        self.skipped_categories: set[int] = set()
        self.renamed_tags: set[str] = set()
        # Discourse topic id -> digest of its row in the latest list, kept in the topic's record
        # (its source_raw, unused for topics otherwise) to tell next time whether it moved.
        self.listed: dict[int, str] = {}
        self.last_listed: dict[str, str] = {}  # the same as the last run kept it, for a page of the list
        self.full = False
        self.made_now: set[str] = set()  # members made in this run (lower-case Discourse usernames)
        self.tags: dict[str, Tag] = {}  # our tags by name, found or made in this run
        # The topic being written: its Discourse id, its posts so far by Discourse post number, and
        # what is written once for all of them when its last post is (post records, dates).
        self.writing_topic: int | None = None
        self.written: dict[int, Post] = {}
        self.post_records: dict[int, ImportedRecord] = {}
        self.records_to_create: list[ImportedRecord] = []
        self.dates_to_set: list[Post] = []
        self.next_post_number = 1

    def _forget_rolled_back(self) -> None:
        """What a rolled-back topic made is gone with it: members and tags are looked up afresh."""
        self.users.clear()
        self.renamed.clear()
        self.tags.clear()

    # -- records ---------------------------------------------------------------------------

    def _record(self, kind: str, external_id) -> ImportedRecord | None:
        return ImportedRecord.objects.filter(source=self.source_key, kind=kind, external_id=str(external_id)).first()

    def _remember(self, kind: str, external_id, obj, *, fingerprint: str = "", **fields) -> None:
        # An update, and an insert only when there was nothing to update: two queries at most,
        # where update_or_create spends six on savepoints and a locking read. Nothing else writes
        # these rows meanwhile: the run lock keeps every other import of this source out.
        values = {"object_id": obj.pk, "fingerprint": fingerprint, **fields}
        if not ImportedRecord.objects.filter(source=self.source_key, kind=kind, external_id=str(external_id)) \
                .update(imported_at=timezone.now(), **values):
            ImportedRecord.objects.create(source=self.source_key, kind=kind, external_id=str(external_id), **values)

    def _post_records(self, topic_id: int, numbers: list[int]) -> tuple[dict[int, ImportedRecord], dict[int, Post]]:
        """The records of a topic's posts and the posts they name, in two queries for the topic
        rather than two for each post: {Discourse post number: record}, {our post id: post}."""
        records: dict[int, ImportedRecord] = {}
        for start in range(0, len(numbers), RECORDS_PER_QUERY):
            wanted = {f"{topic_id}/{n}": n for n in numbers[start:start + RECORDS_PER_QUERY]}
            for record in ImportedRecord.objects.filter(source=self.source_key, kind=Kind.POST,
                                                        external_id__in=list(wanted)):
                records[wanted[record.external_id]] = record
        return records, Post.objects.in_bulk([record.object_id for record in records.values()])

    # -- the run ---------------------------------------------------------------------------

    def run(self, *, dry_run: bool = False, only_topic: int | None = None, full: bool = False) -> Report:
        self.only_topic = only_topic
        self.full = full
        if dry_run:
            try:
                with transaction.atomic():
                    self._run()
                    raise ImportRolledBack
            except ImportRolledBack:
                pass
        else:
            self._run()
        return self.report

    def _run(self) -> None:
        from .source import SourceUnavailable

        try:
            self.import_categories()
            if self.only_topic is not None:
                try:
                    self._import_topic_guarded(self.only_topic)
                except SourceUnavailable as exc:
                    self.report.failed[self.only_topic] = str(exc)
            else:
                self.import_topics()
            self.relink()
            self.complete_profiles()
            self.grant_staff()
        except SourceUnavailable as exc:
            self.report.interrupted = str(exc)
        except KeyboardInterrupt:
            # The topic being written rolled back; the summary so far is still worth having.
            self.report.interrupted = "stopped with Ctrl-C"
        self.report.quotes = self.quote_summary()
        self.report.citations = Citation.objects.filter(post__in=self._imported_posts()).count()

    # -- categories ------------------------------------------------------------------------

    def import_categories(self) -> None:
        site = self.source.site()
        listed = [c for c in site.get("categories") or [] if isinstance(c, dict) and "id" in c]
        by_id = {c["id"]: c for c in listed}
        for data in self.progress(listed, desc="categories", unit="category"):
            if data.get("read_restricted"):
                # A private category's topics are for its group: never made public by an import.
                self.skipped_categories.add(data["id"])
                self.report.left_behind["restricted categories"] += 1
                continue
            parent = by_id.get(data.get("parent_category_id"))
            name = _one_line(data.get("name"), 60) or f"Category {data['id']}"
            if parent:  # subcategories flattened: ours have no parents
                name = _one_line(f"{parent.get('name', '')} / {name}", 60)
            self.categories[data["id"]] = self._category(data, name)

    def _category(self, data: dict, name: str) -> Category:
        fields = {
            "name": name,
            "description": _one_line(strip_tags(data.get("description_text") or data.get("description") or ""), 300),
            "color": _palette_index(data.get("color")),
            "position": min(max(int(data.get("position") or 0), 0), 32767),
        }
        fingerprint = _fingerprint(fields)
        record = self._record(Kind.CATEGORY, data["id"])
        category = Category.objects.filter(pk=record.object_id).first() if record else None
        if category is None:
            category = Category.objects.filter(name=name).first()  # made by hand before the import
            if category is None:
                slug = self._free_slug(Category, slugify(data.get("slug") or name)[:60] or "category")
                category = Category.objects.create(slug=slug, **fields)
                self.report.created["categories"] += 1
            else:
                self.report.unchanged["categories"] += 1
        elif record.fingerprint != fingerprint:
            Category.objects.filter(pk=category.pk).update(**fields)
            self.report.updated["categories"] += 1
        else:
            self.report.unchanged["categories"] += 1
        self._remember(Kind.CATEGORY, data["id"], category, fingerprint=fingerprint)
        return category

    @staticmethod
    def _free_slug(model, slug: str, field_name: str = "slug") -> str:
        candidate, n = slug, 1
        while model.objects.filter(**{field_name: candidate}).exists():
            n += 1
            candidate = f"{slug[:55]}-{n}"
        return candidate

    def _fallback_category(self) -> Category:
        category, created = Category.objects.get_or_create(
            name=IMPORTED_CATEGORY, defaults={"slug": self._free_slug(Category, "imported")})
        if created:
            self.report.created["categories"] += 1
        return category

    # -- members ---------------------------------------------------------------------------

    def member(self, username: str, *, details: dict | None = None):
        """Our member for a Discourse username, made on first sight: no usable password (it is
        never imported); claimable by resetting the password at the same email address."""
        key = (username or "").lower()
        if key in self.users:
            return self.users[key]
        # Keyed by username rather than Discourse's user id: quotes and mentions name members,
        # and must find the same one.
        user = self._imported_member(key)
        user_id = (details or {}).get("id")
        if user is None and isinstance(user_id, int) and user_id > 0:
            user = self._renamed_member(username, user_id)
        if user is None:
            user = self._create_member(username, details or {})
            self.made_now.add(key)
            # A profile that could not be read is asked for again on the next run.
            self._remember(Kind.MEMBER, key, user, source_raw=username,
                           fingerprint=PROFILE_MISSING if user._profile_missing else "")
        if isinstance(user_id, int) and user_id > 0 and not self._record(Kind.MEMBER, f"id:{user_id}"):
            # Discourse renames keep the user id: the next run finds the member by it.
            self._remember(Kind.MEMBER, f"id:{user_id}", user)
        else:
            self.report.unchanged["members"] += 1
        self.users[key] = user
        if user.username.lower() != key:
            self.renamed[key] = user.username
        return user

    def _renamed_member(self, username: str, user_id: int):
        """The member a Discourse user renamed since the last run was imported as, renamed here
        too when their name here was their old one and the new one is free."""
        record = self._record(Kind.MEMBER, f"id:{user_id}")
        user = get_user_model().objects.filter(pk=record.object_id).first() if record else None
        if user is None:
            return None
        old = ImportedRecord.objects.filter(source=self.source_key, kind=Kind.MEMBER, object_id=user.pk) \
            .exclude(external_id__startswith="id:").values_list("external_id", flat=True)
        new_name = _USERNAME_BAD.sub("_", anyascii(username)).strip("._-")[:30]
        if user.username.lower() in set(old) and new_name and \
                not get_user_model().objects.by_username(new_name).exclude(pk=user.pk).exists():
            self.report.problems.append(f"member {user.username}: renamed {username} at the source; renamed here too")
            type(user).objects.filter(pk=user.pk).update(username=new_name)
            user.username = new_name
        self.report.updated["members"] += 1
        self._remember(Kind.MEMBER, username.lower(), user, source_raw=username)
        return user

    def _create_member(self, username: str, details: dict):
        User = get_user_model()
        profile = self._read_profile(username)
        missing = profile is None
        profile = {**details, **{k: v for k, v in (profile or {}).items() if v not in (None, "")}}
        # Usernames here are ASCII (they go into mentions and quote markup unescaped): a name in
        # another script is transliterated, "مريم" -> "mrym", rather than becoming "member_7".
        base = _USERNAME_BAD.sub("_", anyascii(username or "")).strip("._-")[:30] or "member"
        if base != (username or "")[:30]:
            self.report.problems.append(f"member {username}: not a username here, imported as {base}")
        candidate, n = base, 1
        while User.objects.by_username(candidate).exists():
            n += 1
            candidate = f"{base[:26]}_{n}"
        if candidate != base:
            self.report.problems.append(f"member {username}: that username is taken here, imported as {candidate}")
        email = self._email_for(username, profile)
        user = User(username=candidate, display_name=_one_line(profile.get("name"), 60), email=email,
                    role=Role.MEMBER, bio=str(profile.get("bio_raw") or "")[:5000])
        user.set_unusable_password()
        joined = _when(profile.get("created_at"))
        if joined:
            user.date_joined = joined
        user.save()
        if email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        title = _one_line(profile.get("title"), 120)
        if title:
            # A title is what the old site's staff said about someone; here a credential is
            # shown only once a moderator has checked it, so it waits in their queue.
            CredentialRequest.objects.create(user=user, credential=title,
                                             note="Title on the Discourse site this member was imported from.")
            self.report.created["credential requests"] += 1
        self.report.created["members"] += 1
        user._profile_missing = missing
        key = (username or "").lower()
        if key in self.staff:
            self._grant_staff(user, key, profile)
        elif (profile.get("admin") or profile.get("moderator")) and not self._is_bot(username, profile):
            self.report.problems.append(
                f"member {username}: staff on the Discourse site, imported as a member "
                f"(name them with --staff to keep the role)")
        return user

    def _read_profile(self, username: str) -> dict | None:
        """`/u/{name}.json`'s user ({} when the site has none), or None when it could not be read."""
        try:
            return self.source.member(username) or {}
        except Exception as exc:  # noqa: BLE001 - a profile we cannot read still leaves a member
            self.report.problems.append(
                f"member {username}: profile could not be read ({exc}); imported without email, bio and "
                "join date, filled in on the next run")
            return None

    def complete_profiles(self) -> None:
        """Members whose profile could not be read when they were made: read it again and fill in
        what it holds (their address is how they claim the account)."""
        pending = ImportedRecord.objects.filter(source=self.source_key, kind=Kind.MEMBER, fingerprint=PROFILE_MISSING)
        for record in self.progress(list(pending), desc="profiles", unit="member"):
            if record.external_id in self.made_now:
                continue  # it just failed: a later run asks again
            user = get_user_model().objects.filter(pk=record.object_id).first()
            name = record.source_raw or record.external_id
            profile = self._read_profile(name) if user is not None else {}
            if profile is None:
                continue
            if user is not None:
                with transaction.atomic():
                    self._fill_profile(user, name, profile)
                self.report.updated["members"] += 1
            ImportedRecord.objects.filter(pk=record.pk).update(fingerprint="")

    def _fill_profile(self, user, username: str, profile: dict) -> None:
        changed = {}
        if not user.email:
            email = self._email_for(username, profile)
            if email:
                from allauth.account.models import EmailAddress

                changed["email"] = email
                EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True, "verified": False})
        if not user.bio and profile.get("bio_raw"):
            changed["bio"] = str(profile["bio_raw"])[:5000]
        if not user.display_name and profile.get("name"):
            changed["display_name"] = _one_line(profile["name"], 60)
        joined = _when(profile.get("created_at"))
        if joined:
            changed["date_joined"] = joined
        if changed:
            for name, value in changed.items():
                setattr(user, name, value)
            user.save(update_fields=[*changed, *(["bio_cooked"] if "bio" in changed else [])])
        title = _one_line(profile.get("title"), 120)
        if title and not CredentialRequest.objects.filter(user=user).exists():
            CredentialRequest.objects.create(user=user, credential=title,
                                             note="Title on the Discourse site this member was imported from.")
            self.report.created["credential requests"] += 1

    def grant_staff(self) -> None:
        """--staff on a later run: members imported before get their role now."""
        for key in sorted(self.staff):
            user = self._imported_member(key)
            if user is None:
                self.report.problems.append(f"--staff {key}: no member of that name was imported")
            else:
                self._grant_staff(user, key, {})

    @staticmethod
    def _is_bot(username: str, profile: dict) -> bool:
        user_id = profile.get("id")
        return (username or "").lower() in BOT_USERNAMES or (isinstance(user_id, int) and user_id < 1)

    def _grant_staff(self, user, key: str, profile: dict) -> None:
        """The role the member had at the source, for a username the operator listed. Never a
        bot's; the role works only once they have a second factor (accounts/second_factor.py)."""
        if user.role in (Role.ADMIN, Role.MODERATOR):
            return
        if self._is_bot(key, profile):
            self.report.problems.append(f"member {key}: a Discourse bot, never staff here; --staff ignored")
            return
        if profile.get("admin") is None and profile.get("moderator") is None:
            try:
                # The member's own spelling first: a folder's file names keep Discourse's case.
                name = user.username if user.username.lower() == key else key
                profile = {**profile, **(self.source.member(name) or {})}
            except Exception:  # noqa: BLE001 - judged on what the posts said
                pass
        role = Role.ADMIN if profile.get("admin") else Role.MODERATOR if profile.get("moderator") else None
        if role is None:
            self.report.problems.append(f"member {key}: not staff on the Discourse site; --staff ignored")
            return
        type(user).objects.filter(pk=user.pk).update(role=role)
        user.role = role
        self.report.problems.append(f"member {user.username}: {role.label.lower()} here, as on the Discourse "
                                    "site; must set up a second factor before moderating")

    def _email_for(self, username: str, profile: dict) -> str:
        try:
            email = profile.get("email") or self.source.member_email(username)
        except Exception:  # noqa: BLE001 - addresses are only readable with an admin's key
            email = ""
        email = str(email or "").strip()
        if not email:
            return ""
        from allauth.account.models import EmailAddress

        if get_user_model().objects.filter(email__iexact=email).exists() or \
                EmailAddress.objects.filter(email__iexact=email).exists():
            self.report.problems.append(f"member {username}: {email} already belongs to a member here; "
                                        "imported without an address")
            return ""
        return email

    def _imported_member(self, key: str):
        record = self._record(Kind.MEMBER, key)
        return get_user_model().objects.filter(pk=record.object_id).first() if record else None

    def our_username(self, name: str) -> str | None:
        """Our username for a Discourse member imported under another name, else None."""
        key = (name or "").lower()
        if key not in self.renamed and key not in self.users:
            user = self._imported_member(key)
            if user is not None and user.username.lower() != key:
                self.renamed[key] = user.username
        return self.renamed.get(key)

    # -- topics ----------------------------------------------------------------------------

    def import_topics(self) -> None:
        from .source import SourceUnavailable

        in_a_row, renewed = 0, None
        for summary in self.progress(self._topic_summaries(), desc="topics", unit="topic"):
            if renewed is None or time.monotonic() - renewed >= LOCK_RENEW_EVERY:
                import_lock_renew(source_key=self.source_key)  # this run is alive: keep the others out
                renewed = time.monotonic()
            if summary.get("archetype") == "private_message":
                self.report.left_behind["private messages"] += 1
            elif summary.get("category_id") in self.skipped_categories:
                self.report.left_behind["topics in restricted categories"] += 1
            elif not self.full and self._unchanged_since_last_run(summary):
                self.report.unchanged["topics"] += 1
                in_a_row = 0
            else:
                try:
                    self._import_topic_guarded(summary["id"])
                except SourceUnavailable as exc:
                    self.report.failed[summary["id"]] = str(exc)
                    in_a_row += 1
                    if in_a_row >= FAILURES_IN_A_ROW:
                        raise
                else:
                    in_a_row = 0

    def _unchanged_since_last_run(self, summary: dict) -> bool:
        """Whether the latest list shows the topic as it was when last imported: not bumped, no
        new post, nothing in its listed fields changed. Then it is not fetched again, so a rerun
        of a large site reads its lists and the few topics that moved. A list without dates
        cannot tell, and every topic is read."""
        if not (summary.get("bumped_at") or summary.get("last_posted_at")):
            return False
        listed = _fingerprint({k: summary.get(k) for k in LISTED_FIELDS})
        self.listed[summary["id"]] = listed
        return self.last_listed.get(str(summary["id"])) == listed

    def _last_listed_read(self, topic_ids: list[int]) -> None:
        """What the last run kept of these topics' rows in the latest list, in one query for a
        page of it rather than one a topic. Only a topic's own import writes its row, after
        this is read, so it cannot go stale before the topic is looked at."""
        self.last_listed = {}
        for start in range(0, len(topic_ids), RECORDS_PER_QUERY):
            self.last_listed.update(ImportedRecord.objects.filter(
                source=self.source_key, kind=Kind.TOPIC,
                external_id__in=[str(i) for i in topic_ids[start:start + RECORDS_PER_QUERY]],
            ).values_list("external_id", "source_raw"))

    def _topic_summaries(self):
        seen = set()
        for page in self.source.latest_pages():
            topics = page["topic_list"]["topics"]
            if not self.full:
                self._last_listed_read([summary["id"] for summary in topics
                                        if isinstance(summary, dict) and isinstance(summary.get("id"), int)])
            for summary in topics:
                if not isinstance(summary, dict) or not isinstance(summary.get("id"), int):
                    self.report.problems.append("a topic in the latest list has no id; skipped")
                elif summary["id"] not in seen:  # a topic bumped during the run shows up twice
                    seen.add(summary["id"])
                    yield summary

    def _import_topic_guarded(self, topic_id: int) -> None:
        counted = self.report.snapshot()
        try:
            data = self.source.topic(topic_id)  # SourceUnavailable: the caller decides
            if data is None:
                self.report.problems.append(f"topic {topic_id}: the site has no such topic")
                return
            with transaction.atomic():
                self.import_topic(data)
        except (KeyError, TypeError, ValueError, AttributeError, IntegrityError) as exc:
            # Members made inside the rolled-back transaction are gone with it, and so is
            # everything counted for it.
            self._forget_rolled_back()
            self.report.restore(counted)
            self.report.failed[topic_id] = f"malformed ({exc.__class__.__name__}: {exc})"
        except KeyboardInterrupt:
            self._forget_rolled_back()
            self.report.restore(counted)
            raise
        else:
            self.report.failed.pop(topic_id, None)

    def import_topic(self, data: dict) -> Topic | None:
        topic_id = data["id"]
        if data.get("archetype") == "private_message":
            self.report.left_behind["private messages"] += 1
            return None
        if data.get("category_id") in self.skipped_categories:
            self.report.left_behind["topics in restricted categories"] += 1
            return None
        posts = sorted((p for p in data["post_stream"]["posts"] if isinstance(p, dict)),
                       key=lambda p: int(p.get("post_number") or 0))
        regular = [p for p in posts if p.get("post_type", REGULAR_POST) == REGULAR_POST]
        self.report.left_behind["moderator actions, small actions and whispers"] += len(posts) - len(regular)
        if not regular:
            self.report.problems.append(f"topic {topic_id}: no posts to import")
            return None
        fingerprint = _fingerprint(
            {k: data.get(k) for k in ("title", "category_id", "tags", "closed", "archived", "visible",
                                      "pinned", "pinned_globally", "deleted_at", "accepted_answer")},
            [self._post_fingerprint(p) for p in regular],
        )
        record = self._record(Kind.TOPIC, topic_id)
        topic = Topic.objects.filter(pk=record.object_id).first() if record else None
        if topic is not None and record.fingerprint == fingerprint:
            self.report.unchanged["topics"] += 1
            self.report.unchanged["posts"] += len(regular)
            listed = self.listed.get(topic_id, "")
            if record.source_raw != listed:
                ImportedRecord.objects.filter(pk=record.pk).update(source_raw=listed)
            return topic
        first_author = self.member(regular[0].get("username") or "", details=self._poster(regular[0]))
        fields = self._topic_fields(data)
        created = topic is None
        if created:
            topic = Topic.objects.create(author=first_author, posts_count=0, **fields)
            self.report.created["topics"] += 1
            self.next_post_number = 1
        else:
            Topic.objects.filter(pk=topic.pk).update(**fields)
            topic.refresh_from_db()
            self.report.updated["topics"] += 1
            self.next_post_number = (Post.objects.filter(topic=topic).aggregate(n=Max("post_number"))["n"] or 0) + 1
        Topic.objects.filter(pk=topic.pk).update(created_at=_when(data.get("created_at")) or topic.created_at)
        tags = self._tags(data.get("tags") or [])
        if created:
            topic.tags.add(*tags)  # nothing to take off: one query fewer than set()
        else:
            topic.tags.set(tags)
        # The record first: quotes and links between this topic's own posts resolve through it.
        self._remember(Kind.TOPIC, topic_id, topic, fingerprint=fingerprint, source_raw=self.listed.get(topic_id, ""))

        numbers = [n for n in map(_post_number, regular) if n is not None]
        self.post_records, earlier = self._post_records(topic_id, numbers)
        self.writing_topic, self.written = topic_id, {}
        self.records_to_create, self.dates_to_set = [], []
        ours = self.written
        try:
            for post_data in regular:
                number = int(post_data["post_number"])
                record = self.post_records.get(number)
                # A number seen twice (a broken export) is compared with what the first one wrote.
                post = ours.get(number) or (earlier.get(record.object_id) if record else None)
                post = self._import_post(topic, topic_id, post_data, record=record, post=post)
                if post.topic_id == topic.pk:
                    post.topic = topic  # for its address in the posts after it, without reading it again
                ours[number] = post
        finally:
            self.writing_topic = None
        ImportedRecord.objects.bulk_create(self.records_to_create)
        Post.objects.bulk_update(self.dates_to_set, ["created_at"])
        self._replies(ours, regular)
        self._likes(ours, regular)
        self._accept(topic, data, ours, regular)
        self._counts(topic)
        return topic

    def _topic_fields(self, data: dict) -> dict:
        category = self.categories.get(data.get("category_id"))
        if category is None:
            if data.get("category_id") is not None:
                self.report.problems.append(f"topic {data['id']}: category {data.get('category_id')} was not "
                                            f"imported; put in '{IMPORTED_CATEGORY}'")
            category = self._fallback_category()
        title = _one_line(data.get("title") or data.get("fancy_title"), 10_000) or f"Topic {data['id']}"
        if len(title) > 200:
            self.report.problems.append(f"topic {data['id']}: title longer than 200 characters, shortened")
            title = title[:199].rstrip() + "…"
        state = TopicState.ARCHIVED if data.get("archived") else TopicState.CLOSED if data.get("closed") \
            else TopicState.OPEN
        deleted_at = _when(data.get("deleted_at"))
        return {
            "title": title,
            "slug": (slugify(data.get("slug") or title)[:80].strip("-") or "topic"),
            "category": category,
            "state": state,
            "pinned": bool(data.get("pinned")),
            "pinned_globally": bool(data.get("pinned_globally")),
            "unlisted": data.get("visible") is False,
            "deleted_at": deleted_at,
        }

    def _tags(self, tags: list) -> list[Tag]:
        result = []
        for tag in tags:
            # Newer Discourse sends {"id", "name", "slug"}; older a plain name.
            given = _one_line(tag.get("name") if isinstance(tag, dict) else tag, 100)
            name = tag_name_normalised(given)
            if name != given.lower() and given and given not in self.renamed_tags:
                self.renamed_tags.add(given)
                self.report.problems.append(f"tag {given!r}: not a tag name here, imported as "
                                            f"{name!r}" if name else f"tag {given!r}: nothing usable in it, left off")
            if name and name not in {t.name for t in result}:
                if name not in self.tags:
                    self.tags[name] = Tag.objects.get_or_create(name=name)[0]
                result.append(self.tags[name])
        return result

    @staticmethod
    def _poster(post_data: dict) -> dict:
        return {"id": post_data.get("user_id"), "name": post_data.get("name"),
                "admin": post_data.get("admin"), "moderator": post_data.get("moderator"),
                "title": post_data.get("user_title")}

    @staticmethod
    def _post_fingerprint(post_data: dict) -> str:
        return _fingerprint({k: post_data.get(k) for k in (
            "raw", "username", "hidden", "deleted_at", "reply_to_post_number", "accepted_answer", "version")},
            [a for a in post_data.get("actions_summary") or [] if isinstance(a, dict) and a.get("id") == LIKE])

    # -- posts -----------------------------------------------------------------------------

    def convert(self, raw: str) -> markup.Converted:
        return markup.convert(raw, base_url=self.source.base_url, topic_address=self._topic_address,
                              quote_target=self._quote_target, username=self.our_username)

    def _our_post(self, topic_id: int, post_number: int) -> Post | None:
        if topic_id == self.writing_topic and post_number in self.written:
            return self.written[post_number]  # its record is not written yet
        record = self._record(Kind.POST, f"{topic_id}/{post_number}")
        return Post.objects.select_related("topic").filter(pk=record.object_id).first() if record else None

    def _quote_target(self, topic_id: int, post_number: int) -> tuple[int, int] | None:
        post = self._our_post(topic_id, post_number)
        return (post.topic_id, post.post_number) if post else None

    def _topic_address(self, topic_id: int, post_number: int | None) -> str | None:
        if post_number:
            post = self._our_post(topic_id, post_number)
            if post is not None:
                return post.topic.post_url(post.post_number)
        record = self._record(Kind.TOPIC, topic_id)
        topic = Topic.objects.filter(pk=record.object_id).first() if record else None
        return topic.get_absolute_url() if topic else None

    def _import_post(self, topic: Topic, topic_id: int, data: dict, *, record: ImportedRecord | None,
                     post: Post | None) -> Post:
        """`record` and `post`: what an earlier run made of it, if anything."""
        number = int(data["post_number"])
        raw = data.get("raw")
        if not isinstance(raw, str):
            # Asked for with include_raw; a site or a saved file without it still has the HTML.
            raw = cooked_to_markdown(data.get("cooked") or "", base_url=self.source.base_url)
            self.report.problems.append(f"topic {topic_id} post {number}: no raw text, imported from its HTML")
        author = self.member(data.get("username") or "", details=self._poster(data))
        converted = self.convert(raw)
        fingerprint = self._post_fingerprint(data)
        created_at = _when(data.get("created_at"))
        if post is not None and record.fingerprint == fingerprint:
            self.report.unchanged["posts"] += 1
            return post
        rendered = post_render(raw=converted.raw, topic=topic)
        fields = {
            "raw": converted.raw,
            "cooked": rendered.cooked.html,
            "cooked_version": rendered.cooked.version,
            "edited_at": _when(data.get("updated_at")) if (data.get("version") or 1) > 1 else None,
            "hidden_at": (created_at or timezone.now()) if data.get("hidden") else None,
            "hidden_reason": "Hidden on the forum this topic was imported from." if data.get("hidden") else "",
            "deleted_at": _when(data.get("deleted_at")),
        }
        if post is None:
            # The post it answers, when that came before it (it nearly always does); _replies
            # sets any other afterwards.
            reply_to = self.written.get(data.get("reply_to_post_number") or 0)
            post = Post.objects.create(topic=topic, author=author, post_number=self.next_post_number,
                                       reply_to=reply_to, **fields)
            self.next_post_number += 1
            post_references_record(post=post, rendered=rendered, new=True)
            self.report.created["posts"] += 1
        else:
            if post.raw != converted.raw:
                # The source was edited since the last run: the text it replaces is kept.
                PostRevision.objects.create(post=post, number=post.version, raw=post.raw,
                                            title=topic.title if post.post_number == 1 else "",
                                            edited_by=author, reason="Updated from the Discourse import")
                fields["version"] = post.version + 1
            Post.objects.filter(pk=post.pk).update(**fields)
            post.refresh_from_db()
            post_references_record(post=post, rendered=rendered)
            self.report.updated["posts"] += 1
            # Edited, deleted or hidden at the source: the quotes of it say so, as after an edit
            # made here. Now rather than by the task worker, which may not be running yet.
            quoting_posts_recheck(source_post_id=post.pk)
        if created_at:
            post.created_at = created_at
            self.dates_to_set.append(post)
        values = {"object_id": post.pk, "fingerprint": fingerprint, "source_raw": raw,
                  "needs_relink": bool(converted.unresolved_topics or converted.unresolved_names)}
        if record is None:
            record = ImportedRecord(source=self.source_key, kind=Kind.POST, external_id=f"{topic_id}/{number}",
                                    **values)
            self.records_to_create.append(record)
            self.post_records[number] = record
        else:
            for name, value in values.items():
                setattr(record, name, value)
            if record.pk is not None:  # else it waits in records_to_create
                ImportedRecord.objects.filter(pk=record.pk).update(imported_at=timezone.now(), **values)
        return post

    def _replies(self, ours: dict[int, Post], posts: list[dict]) -> None:
        for data in posts:
            target = ours.get(data.get("reply_to_post_number") or 0)
            post = ours.get(int(data["post_number"]))
            if post is not None and target is not None and post.reply_to_id != target.pk:
                Post.objects.filter(pk=post.pk).update(reply_to=target)

    def _likes(self, ours: dict[int, Post], posts: list[dict]) -> None:
        for data in posts:
            post = ours.get(int(data["post_number"]))
            liked = any(isinstance(a, dict) and a.get("id") == LIKE and (a.get("count") or 0) > 0
                        for a in data.get("actions_summary") or [])
            if post is None or not liked or not isinstance(data.get("id"), int):
                continue
            for liker in self.source.likers(data["id"]):
                if not liker.get("username"):
                    continue
                user = self.member(liker["username"], details=liker)
                if user.pk == post.author_id:
                    continue
                _, created = Vote.objects.get_or_create(post=post, user=user)
                if created:
                    self.report.created["likes"] += 1
                else:
                    self.report.unchanged["likes"] += 1
            Post.objects.filter(pk=post.pk).update(helpful_count=Vote.objects.filter(post=post).count())

    def _accept(self, topic: Topic, data: dict, ours: dict[int, Post], posts: list[dict]) -> None:
        # discourse-solved puts the answer on the topic (`accepted_answer.post_number`) and marks
        # the post itself (`accepted_answer: true`); either will do.
        number = (data.get("accepted_answer") or {}).get("post_number") if isinstance(
            data.get("accepted_answer"), dict) else None
        if number is None:
            number = next((p["post_number"] for p in posts if p.get("accepted_answer") is True), None)
        answer = ours.get(int(number)) if number else None
        if answer is not None and answer.post_number > 1 and topic.accepted_answer_id != answer.pk:
            Topic.objects.filter(pk=topic.pk).update(accepted_answer=answer)
            self.report.created["accepted answers"] += 1

    def _counts(self, topic: Topic) -> None:
        last = Post.objects.filter(topic=topic).order_by("-post_number").first()
        Topic.objects.filter(pk=topic.pk).update(
            posts_count=Post.objects.filter(topic=topic).count(),
            last_posted_at=last.created_at, last_poster_id=last.author_id,
        )
        topic_refresh_expert_answered(topic.pk)

    # -- links to topics imported after the post ---------------------------------------------

    def relink(self) -> None:
        """Posts that quoted or linked a topic not imported when they were: convert them again now
        that every topic is in, and check their quotes."""
        pending = ImportedRecord.objects.filter(source=self.source_key, kind=Kind.POST, needs_relink=True)
        for record in self.progress(list(pending), desc="links", unit="post"):
            post = Post.objects.select_related("topic").filter(pk=record.object_id).first()
            if post is None:
                continue
            converted = self.convert(record.source_raw)
            with transaction.atomic():
                if converted.raw != post.raw:
                    rendered = post_render(raw=converted.raw, topic=post.topic)
                    Post.objects.filter(pk=post.pk).update(raw=converted.raw, cooked=rendered.cooked.html,
                                                           cooked_version=rendered.cooked.version)
                    post_references_record(post=post, rendered=rendered)
                    self.report.updated["links"] += 1
                ImportedRecord.objects.filter(pk=record.pk).update(needs_relink=bool(converted.unresolved_topics))
            for topic_id in sorted(converted.unresolved_topics):
                self.report.problems.append(f"post {record.external_id}: refers to topic {topic_id}, "
                                            "which was not imported; it links to the old site")

    def _imported_posts(self):
        return ImportedRecord.objects.filter(source=self.source_key, kind=Kind.POST).values("object_id")

    def quote_summary(self) -> Counter:
        """How the quotes of every post this source brought in stand now."""
        return Counter(Quote.objects.filter(quoting_post__in=self._imported_posts()).values_list("status", flat=True))
