"""Titles and names stored before one-line fields were normalised (forum.common.one_line) are put on one
line, and nothing is lost: a topic's old title is kept as a revision of its first post, as any
retitle is, and a member's old display name or credential in the audit log.

Nobody made these changes, so the revision and the log entry are in the member's own name (the
topic's author, the member renamed) with a reason saying the site did it. Reversing leaves the
repaired values: the old ones are in those records.
"""

from django.db import migrations
from django.utils import timezone

from forum.common.one_line import one_line

REASON = "Line breaks and invisible characters removed by the site"


def repair(apps, schema_editor):
    Topic = apps.get_model("forum", "Topic")
    Post = apps.get_model("forum", "Post")
    PostRevision = apps.get_model("forum", "PostRevision")
    ModerationAction = apps.get_model("forum", "ModerationAction")
    User = apps.get_model("accounts", "User")
    CredentialRequest = apps.get_model("accounts", "CredentialRequest")
    now = timezone.now()

    for pk, title in Topic.objects.values_list("pk", "title").iterator():
        repaired = one_line(title) or "Untitled topic"
        if repaired == title:
            continue
        first = Post.objects.filter(topic_id=pk, post_number=1).first()
        if first is not None:
            PostRevision.objects.create(post=first, number=first.version, raw=first.raw, title=title,
                                        edited_by_id=first.author_id, reason=REASON)
            Post.objects.filter(pk=first.pk).update(version=first.version + 1, edited_at=now)
        Topic.objects.filter(pk=pk).update(title=repaired)

    for pk, name, credential in User.objects.values_list("pk", "display_name", "expert_credential").iterator():
        changes = {field: [old, one_line(old)] for field, old in (("display_name", name), ("expert_credential", credential))
                   if one_line(old) != old}
        if not changes:
            continue
        User.objects.filter(pk=pk).update(**{field: new for field, (_, new) in changes.items()})
        ModerationAction.objects.create(actor_id=pk, target_user_id=pk, action="repair_one_line", reason=REASON,
                                        details=changes)

    for pk, credential in CredentialRequest.objects.values_list("pk", "credential").iterator():
        if one_line(credential) != credential:
            CredentialRequest.objects.filter(pk=pk).update(credential=one_line(credential) or "-")


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0009_cache_epoch"),
        ("accounts", "0003_member_manager"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
