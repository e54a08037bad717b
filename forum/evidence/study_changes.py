"""A study changed in a way readers see: announced here, acted on elsewhere.

Evidence code (look-ups, registry status, open access, imports, moderators' edits and
restores) announces the change with `study_changed_announce`; the discussion side re-renders
the posts citing the study (forum/discussion/citing_posts.py, connected in ForumConfig.ready).
So the code that keeps studies never imports the code that renders posts. Receivers run at
once, in the caller's transaction, as the direct call they replace did.
"""

from django.dispatch import Signal

from forum.models import Study

# sender: Study; study: the study whose chips, cards or quotes may now read differently.
study_changed = Signal()


def study_changed_announce(*, study: Study) -> None:
    study_changed.send(sender=Study, study=study)
