"""Where background tasks were defined before they moved beside their services.

A task is queued under its dotted path (`forum.tasks.look_up_study`); rows a worker has not run
yet still name this module, so its names stay here and point at the tasks' new homes. New code
imports a task from its service module. This module imports services and nothing imports it.
"""

from forum.services.citing_posts import recook_member_citations
from forum.services.digests import send_email_digests
from forum.services.notifying import send_notification_email
from forum.services.quote_rechecks import recheck_quotes
from forum.services.referencing import look_up_study, refresh_study
from forum.services.registry_status import look_up_study_extras, look_up_trial
from forum.services.uploads import remove_unused_uploads

__all__ = [
    "look_up_study", "look_up_study_extras", "look_up_trial", "recheck_quotes", "recook_member_citations",
    "refresh_study", "remove_unused_uploads", "send_email_digests", "send_notification_email",
]
