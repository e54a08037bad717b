"""Where background tasks were defined before they moved beside their services.

A task is queued under its dotted path (`forum.tasks.look_up_study`); rows a worker has not run
yet still name this module, so its names stay here and point at the tasks' new homes. New code
imports a task from its service module. This module imports services; only the schedule imports
it, for forget_sent_mail, which is defined here.
"""

from django_tasks import task

from forum.discussion.citing_posts import recook_member_citations
from forum.discussion.quote_rechecks import recheck_quotes
from forum.evidence.referencing import look_up_study, refresh_study
from forum.evidence.registry_status import look_up_study_extras, look_up_trial
from forum.following.digests import send_email_digests
from forum.following.notifying import send_notification_email
from forum.uploads.storing import remove_unused_uploads


@task()
def forget_sent_mail() -> int:
    """Records of mail sent a week ago and more (enqueued daily by forum/operations/schedule.py)."""
    from accounts.tasks import sent_mail_forget_old

    return sent_mail_forget_old()


__all__ = [
    "forget_sent_mail", "look_up_study", "look_up_study_extras", "look_up_trial", "recheck_quotes",
    "recook_member_citations", "refresh_study", "remove_unused_uploads", "send_email_digests",
    "send_notification_email",
]
