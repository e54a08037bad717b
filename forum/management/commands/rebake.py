from django.core.management.base import BaseCommand
from tqdm import tqdm

from accounts.models import User
from forum.discussion.rendering import post_recook
from forum.markup import COOKED_VERSION, cook
from forum.models import Post


class Command(BaseCommand):
    help = ("Re-render posts whose stored HTML was made by an older version of the markup pipeline, "
            "and members' bios whose stored HTML differs from what the pipeline now makes.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Re-render every post, whatever its version.")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, all=False, batch_size=500, **options):
        self._rebake_bios()
        posts = Post.objects.all() if all else Post.objects.filter(cooked_version__lt=COOKED_VERSION)
        total = posts.count()
        if not total:
            self.stdout.write("Every post is up to date.")
            return
        done = 0
        last_pk = 0
        with tqdm(total=total, unit="post", file=self.stderr, disable=options["verbosity"] == 0) as progress:
            while True:
                # Keyset batches: each batch is a fresh, small query, safe while people post.
                batch = list(posts.filter(pk__gt=last_pk).select_related("topic").order_by("pk")[:batch_size])
                if not batch:
                    break
                for post in batch:
                    post_recook(post=post)
                last_pk = batch[-1].pk
                done += len(batch)
                progress.update(len(batch))
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {done} post{'s' if done != 1 else ''}."))

    def _rebake_bios(self):
        # Bios carry no version: there are few, so each is rendered again and stored if it changed.
        changed = 0
        for pk, bio, stored in User.objects.exclude(bio="").values_list("pk", "bio", "bio_cooked").iterator():
            html = cook(bio).html
            if html != stored:
                User.objects.filter(pk=pk).update(bio_cooked=html)
                changed += 1
        if changed:
            self.stdout.write(f"Re-rendered {changed} bio{'s' if changed != 1 else ''}.")
