"""Deployment checks for accounts, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def moderators_need_a_second_factor(app_configs, **kwargs):
    if getattr(settings, "FORUM_MODERATOR_SECOND_FACTOR", True):
        return []
    return [Warning(
        "Moderators can moderate without a second factor: a stolen password is enough to hide posts, "
        "suspend members and verify clinicians.",
        hint="Unset FORUM_MODERATOR_SECOND_FACTOR (it is on by default); it is meant to be off only for a local demo.",
        id="evident.W010",
    )]
