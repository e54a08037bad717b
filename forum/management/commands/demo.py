from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CredentialRequest
from forum.demo import chart, content
from forum.demo.studies import DEMO_STUDIES
from forum.discussion.answers import answer_accept
from forum.discussion.posting import reply_create, topic_create
from forum.evidence.referencing import schedule_study_extras, studies_import
from forum.evidence.summaries import evidence_summary_save
from forum.models import Category, EvidenceSummary, Flag, FlagReason, StaffNote, Study, Topic
from forum.moderation.actions import staff_note_add
from forum.moderation.experts import credential_request
from forum.moderation.flagging import flag_create
from forum.uploads.storing import upload_store


class Command(BaseCommand):
    help = "Load the demo community (idempotent: running it again changes nothing but passwords)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--look-up", action="store_true",
            help="Queue the demo studies' registry status (ClinicalTrials.gov) and open-access (Unpaywall) "
                 "look-ups for the task worker; `make run` does. Offline they wait and retry.")

    def handle(self, *args, **options):
        with transaction.atomic():
            users = {spec["username"]: self._user(spec) for spec in content.USERS}
            categories = {spec["slug"]: self._category(spec) for spec in content.CATEGORIES}
            # Before the posts that cite them, so the citations resolve offline at once.
            studies = studies_import(records=DEMO_STUDIES)
            if options["look_up"]:
                # What a trial's registry or Unpaywall says is theirs to say: the demo carries no
                # status of its own, it asks (after commit, in the worker) like any cited study.
                for study in studies:
                    schedule_study_extras(study)
            self._ldn_thread(users, categories)
            self._ldn_evidence_summary(users)
            for spec in content.OTHER_TOPICS:
                self._topic(users, categories, spec)
            self._moderation_work(users)
            self._training_chart(users)
            second_factors = {name: self._second_factor(user) for name, user in users.items() if user.is_moderator}
            # Moderators act only with a second factor, so the staff note comes after theirs.
            if not StaffNote.objects.filter(member=users["priya"]).exists():
                staff_note_add(moderator=users["theo"], member=users["priya"],
                               text="Physiotherapist; credential request pending. Helpful, cites well.")

        self.stdout.write(self.style.SUCCESS("Demo community ready. Sign in with:"))
        for spec in content.USERS:
            self.stdout.write(f"  {spec['username']:<10} {spec['password']:<18} ({spec['role']})")
        for username, codes in second_factors.items():
            self.stdout.write(f"  {username} also needs a second factor: authenticator app key "
                              f"{content.DEMO_TOTP_SECRET}, or a recovery code: {', '.join(codes[:3])}")
        self.stdout.write(content.PASSWORDS_NOTE)

    def _user(self, spec):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=spec["username"])
        user.display_name = spec["display_name"]
        user.email = spec["email"]
        user.role = spec["role"]
        user.expert_credential = spec["expert_credential"]
        user.bio = spec["bio"]
        user.is_staff = spec["role"] == "moderator"
        # Only ever moved back, so running the demo again changes nothing, and a demo loaded
        # before members had a history gets one.
        joined = timezone.now() - timedelta(days=spec["joined_days_ago"])
        if user.date_joined > joined:
            user.date_joined = joined
        user.set_password(spec["password"])
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=spec["email"], defaults={"verified": True, "primary": True}
        )
        return user

    @staticmethod
    def _second_factor(user) -> list[str]:
        """A fresh authenticator for a demo moderator; returns unused recovery codes."""
        Authenticator.objects.filter(user=user).delete()
        TOTP.activate(user, content.DEMO_TOTP_SECRET)
        return RecoveryCodes.activate(user).get_unused_codes()

    def _category(self, spec):
        category, _ = Category.objects.update_or_create(
            slug=spec["slug"],
            defaults={k: spec[k] for k in ("name", "color", "position", "description")},
        )
        return category

    def _ldn_thread(self, users, categories):
        title = "Does low-dose naltrexone help fibromyalgia pain?"
        if Topic.objects.filter(title=title, author=users["lena"]).exists():
            return
        topic = topic_create(
            author=users["lena"], category=categories["pain-medicine"], title=title,
            raw=content.LDN_QUESTION, tag_names=["fibromyalgia", "naltrexone", "chronic-pain"],
        )
        first = topic.posts.get(post_number=1)
        answer = reply_create(
            author=users["dr_rivera"], topic=topic,
            raw=content.LDN_EXPERT_REPLY.format(topic_id=topic.pk), reply_to=first,
        )
        reply_create(author=users["lena"], topic=topic, raw=content.LDN_THANKS, reply_to=answer)
        answer_accept(user=users["lena"], post=answer)

    def _ldn_evidence_summary(self, users):
        """The expert's low-certainty summary for pain; added to a demo loaded before it existed."""
        topic = Topic.objects.filter(title="Does low-dose naltrexone help fibromyalgia pain?",
                                     author=users["lena"]).first()
        if topic is None or EvidenceSummary.objects.filter(topic=topic).exists():
            return
        spec = content.LDN_EVIDENCE_SUMMARY
        outcomes = []
        for given in spec["outcomes"]:
            ids = dict(Study.objects.filter(doi__in=given["study_dois"]).values_list("doi", "pk"))
            outcomes.append({
                "outcome": given["outcome"], "certainty": given["certainty"],
                "study_ids": [ids[doi] for doi in given["study_dois"]],
                "domains": {key: {"judgement": judgement, "reasoning": reasoning}
                            for key, (judgement, reasoning) in given["domains"].items()},
            })
        evidence_summary_save(writer=users[spec["writer"]], topic=topic, outcomes=outcomes, reason=spec["reason"])

    def _moderation_work(self, users):
        """Something for the demo moderator to do: a flag to review and a credential to verify."""
        magnesium = Topic.objects.filter(title=content.FLAGGED_TOPIC_TITLE).first()
        flagged = magnesium and magnesium.posts.filter(post_number=2).first()
        if flagged and not Flag.objects.filter(post=flagged).exists():
            flag_create(flagger=users["lena"], post=flagged, reason=FlagReason.NEEDS_SOURCE,
                        note="Which studies? It would help to link them.")
        if not CredentialRequest.objects.filter(user=users["priya"]).exists():
            credential_request(user=users["priya"], credential=content.PRIYA_CREDENTIAL,
                               note="Registered with the national physiotherapy board; happy to share the number.")

    def _training_chart(self, users):
        """An uploaded picture in the demo: Priya reports back with a chart of her log."""
        topic = Topic.objects.filter(title=content.CHART_TOPIC_TITLE, author=users["priya"]).first()
        if topic is None or topic.posts.filter(author=users["priya"], raw__contains="upload://").exists():
            return
        upload = upload_store(uploader=users["priya"],
                              file=SimpleUploadedFile("training-log.png", chart.training_chart_png()))
        reply_create(author=users["priya"], topic=topic,
                     raw=content.CHART_REPLY.format(alt=chart.ALT, name=upload.name))

    def _topic(self, users, categories, spec):
        author = users[spec["author"]]
        if Topic.objects.filter(title=spec["title"], author=author).exists():
            return
        topic = topic_create(
            author=author, category=categories[spec["category"]], title=spec["title"],
            raw=spec["raw"], tag_names=spec.get("tags", []),
        )
        if spec.get("pinned"):
            Topic.objects.filter(pk=topic.pk).update(pinned=True, pinned_globally=True)
        for username, raw in spec["replies"]:
            reply_create(author=users[username], topic=topic, raw=raw)
