from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("For cron (say hourly): queue the task that mails daily and weekly notification digests "
            "that are due; the worker sends them, one mail per member and period.")

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Send in this process instead of queueing.")

    def handle(self, *args, now=False, **options):
        if now:
            from forum.following.digests import digests_send_due

            self.stdout.write(f"{digests_send_due()} digests sent.")
            return
        from forum.following.digests import send_email_digests

        send_email_digests.enqueue()
        self.stdout.write("Digest task queued.")
