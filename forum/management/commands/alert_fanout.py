from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from forum.evidence.alerts import evidence_alert_recipients
from forum.evidence.referencing import study_find
from forum.following.notifying import wants
from forum.markup.citations import CitationRef
from forum.models import NotificationKind, Topic


class Command(BaseCommand):
    help = ("Who would be told if a study were retracted, corrected or put under an expression of concern "
            "(changes nothing): give its DOI, PMID or BibTeX key.")

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="e.g. 10.1097/PR9.0000000000001080, pmid:38226027, bested2023naltrexone")

    def handle(self, *args, identifier, **options):
        kind, _, value = identifier.partition(":") if identifier.lower().startswith(("doi:", "pmid:")) else (
            "doi" if identifier.startswith("10.") else ("pmid" if identifier.isdigit() else "key"), "", identifier)
        study = study_find(CitationRef(kind.lower() if kind != "key" else "key", value))
        if study is None:
            raise CommandError(f"No stored study has the identifier {identifier!r}.")
        recipients = evidence_alert_recipients(study)
        users = get_user_model().objects.in_bulk([r.user_id for r in recipients])
        topics = Topic.objects.in_bulk({r.topic_id for r in recipients})
        self.stdout.write(f"{study} ({study.identifier_label}): {len(recipients)} "
                          f"{'person' if len(recipients) == 1 else 'people'} would be told, once each.")
        for recipient in recipients:
            web, email = wants(recipient.user_id, NotificationKind.EVIDENCE_CHANGED)
            channels = " + ".join(name for name, on in (("in-app", web), ("email", email)) if on) or "nothing (opted out)"
            self.stdout.write(f"  {users[recipient.user_id].username:<12} {recipient.why}, "
                              f"in “{topics[recipient.topic_id].title}” ({channels})")
