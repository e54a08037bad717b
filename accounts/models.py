import re
import unicodedata

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models, router
from django.db.models.functions import Lower

from forum.common.one_line import one_line
from forum.common.prepared import Prepared
from forum.common.url_patterns import fast_reverse
from forum.markup import cook

# Usernames appear in @mentions and quote markup (`[quote="name, post:1, topic:2"]`), so they
# are kept to characters that survive both without escaping.
username_validator = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z",
    "Use letters, digits, underscores, dots and hyphens only, not starting with a dot or hyphen.",
)

class MemberManager(UserManager):
    def get(self, *args, **kwargs):
        # Every signed-in request reads its member by primary key (django.contrib.auth's
        # backends call `_default_manager.get(pk=...)`): that read is composed once per process
        # (forum/common/prepared.py), which cost a fifth of a member's page served from the cache.
        if not args and kwargs.keys() == {"pk"} and type(kwargs["pk"]) is int and self._db is None:
            found = _MEMBER_BY_ID.fetch(kwargs["pk"], using=router.db_for_read(self.model))
            if not found:
                raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
            return found[0]
        return super().get(*args, **kwargs)

    def by_username(self, name: str):
        """Members whose username is `name` in any case. Through the unique index on
        LOWER(username): `username__iexact` is UPPER(...) LIKE UPPER(...) on PostgreSQL, which
        no index serves (a mention cost 20 ms among 50,000 members)."""
        return self.get_queryset().alias(username_lower=Lower("username")).filter(username_lower=name.lower())


# A run of letters or digits in any script (\w without the underscore).
_INITIALS_WORD = re.compile(r"[^\W_]+")


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    EXPERT = "expert", "Expert"
    MODERATOR = "moderator", "Moderator"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    # What a byline shows of a member, beside a post or a topic in a list (name, role badge,
    # credential, ORCID iD, avatar): pages that show many members read these alone.
    BYLINE_FIELDS = ("username", "display_name", "role", "expert_credential", "orcid", "is_superuser")

    @classmethod
    def beyond_byline(cls, *relations: str) -> list[str]:
        """For `defer()`: every field of the members at `relations` (select_related paths) that a
        byline does not show."""
        return [f"{relation}__{field.name}" for relation in relations for field in cls._meta.concrete_fields
                if field.name not in {"id", *cls.BYLINE_FIELDS}]

    username = models.CharField(
        max_length=30,
        unique=True,
        validators=[username_validator],
        help_text="3 to 30 characters: letters, digits, _ . - (shown in mentions and quotes).",
        error_messages={"unique": "That username is taken."},
    )
    display_name = models.CharField(max_length=60, blank=True)
    email = models.EmailField("email address", blank=True)
    bio = models.TextField(blank=True, max_length=5000)
    bio_cooked = models.TextField(blank=True, editable=False)
    # A role is a single field rather than groups because every post shows it: reading a
    # column on the already-joined author row costs no query on the topic page.
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    expert_credential = models.CharField(max_length=120, blank=True)
    credential_verified_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credential_verified_at = models.DateTimeField(null=True, blank=True)
    # Set only when the member signed in with ORCID as this iD (accounts/social.py).
    orcid = models.CharField("ORCID iD", max_length=19, blank=True)
    # Suspended members can read but not write until this moment; the reason is shown to them.
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)
    # How notification mail arrives: one mail each, or one digest a day or a week grouping
    # everything since the last (sent by the task worker; forum/following/digests.py), or none.
    email_digest = models.CharField(max_length=12, default="immediately", choices=[
        ("immediately", "As it happens, one mail each"), ("daily", "A daily digest"),
        ("weekly", "A weekly digest"), ("never", "Never"),
    ])
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    objects = MemberManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            # "Maria" and "maria" would be one person in a mention or a quote.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def save(self, *args, **kwargs):
        # Names and credentials are shown on one line beside every post and go into mail headers;
        # the forms already did this, and this catches every other way in (admin, imports).
        self.display_name, self.expert_credential = one_line(self.display_name), one_line(self.expert_credential)
        self.bio_cooked = cook(self.bio).html if self.bio else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self, url=fast_reverse) -> str:
        # `url`: a page's own (forum/common/url_patterns.py, page_reverse) when it links many.
        return url("accounts:profile", self.username)

    @property
    def is_deleted_account(self) -> bool:
        # member_delete renames the account this way; an account an administrator only
        # deactivated is not "deleted" and still answers 404.
        return not self.is_active and self.username == f"deleted-{self.pk}"

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def initials(self) -> str:
        # Only letters and digits count: "(Ann) Lee" is "AL" and "Dr. J. Smith" is "DS", not
        # brackets or dots. A name with none falls back to the username, then to "?".
        for source in (self.display_name, self.username):
            words = _INITIALS_WORD.findall(unicodedata.normalize("NFC", source or ""))
            if len(words) >= 2:
                return (words[0][0] + words[-1][0]).upper()[:2]
            if words:
                return words[0][:2].upper()[:2]  # "ß".upper() is "SS"
        return "?"

    @property
    def avatar_hue(self) -> int:
        # A stable colour per username, from a fixed palette in CSS (no inline styles).
        return sum(self.username.encode()) % 12

    @property
    def has_moderator_role(self) -> bool:
        """The role alone: what a badge shows. Power needs `is_moderator`."""
        return self.is_superuser or self.role in {Role.MODERATOR, Role.ADMIN}

    @property
    def is_moderator(self) -> bool:
        """May moderate now: the role, used from a sign-in that passed the second factor
        (accounts/second_factor.py has the one rule and why)."""
        from .second_factor import acting_with_second_factor

        return self.has_moderator_role and acting_with_second_factor(self)

    @property
    def moderation_step(self) -> str:
        """For someone with the role who may not moderate now: "set_up" (no second factor yet) or
        "confirm" (this sign-in has not used it); "" otherwise. Templates show it where the
        moderation controls would be."""
        from .second_factor import has_second_factor

        if not self.has_moderator_role or self.is_moderator:
            return ""
        return "confirm" if has_second_factor(self) else "set_up"

    @property
    def is_suspended(self) -> bool:
        from django.utils import timezone

        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def role_badge(self) -> str:
        if self.role == Role.MEMBER:
            return ""
        return self.get_role_display()


class CredentialRequest(models.Model):
    """A member asks moderators to verify an expert credential ("MD, sports medicine physician")."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="credential_requests")
    credential = models.CharField(max_length=120)
    note = models.TextField(max_length=2000, blank=True, help_text="How a moderator can check it.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(state="pending"),
                                    name="one_pending_credential_request_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.credential} ({self.state})"


_MEMBER_BY_ID = Prepared(lambda pk: User._base_manager.filter(pk=pk))
