"""Background work for the forum (run by the django-tasks backend configured in settings)."""

from django_tasks import task


@task()
def recheck_quotes(*, source_post_id: int) -> int:
    # Imported here so the task module stays importable before the app registry is ready.
    from forum.services.quoting import quoting_posts_recheck

    return quoting_posts_recheck(source_post_id=source_post_id)


@task()
def look_up_study(*, study_id: int, retry: bool = False) -> None:
    """`retry`: queued after the registry could not be reached (see forum.services.lookup_retries)."""
    from forum.services.referencing import study_look_up

    study_look_up(study_id=study_id, retry=retry)


@task()
def send_notification_email(*, notification_id: int | None, recipient_id: int, kind: str) -> None:
    from forum.services.notifying import notification_email_send

    notification_email_send(notification_id=notification_id, recipient_id=recipient_id, kind=kind)


@task()
def send_email_digests() -> int:
    """Daily and weekly notification digests that are due (queued by `manage.py send_digests`)."""
    from forum.services.digests import digests_send_due

    return digests_send_due()


@task()
def refresh_study(*, study_id: int) -> None:
    """A scheduled re-check (manage.py refresh_studies --due): fresh from the registry, not the
    cache; a newly found retraction or correction tells the people who relied on the study."""
    from forum.services.referencing import study_look_up

    study_look_up(study_id=study_id, use_cache=False)


@task()
def look_up_study_extras(*, study_id: int, use_cache: bool = True) -> None:
    """Registry status of a study's trials and its open-access copy, after its look-up."""
    from forum.services.registry_status import study_extras_look_up

    study_extras_look_up(study_id=study_id, use_cache=use_cache)


@task()
def look_up_trial(*, nct_id: str, retry: bool = False) -> None:
    """A queued retry of a trial the registry could not be asked about (registry_status)."""
    from forum.services.registry_status import trial_look_up

    trial_look_up(nct_id=nct_id, retry=retry)


@task()
def remove_unused_uploads() -> int:
    """Uploads no post shows, a day after upload (enqueued hourly by forum/schedule.py)."""
    from forum.services.uploads import uploads_remove_unused

    return len(uploads_remove_unused())


@task()
def recook_member_citations(*, user_id: int) -> int:
    from forum.services.referencing import member_citations_recook

    return member_citations_recook(user_id=user_id)


@task()
def forget_sent_mail() -> int:
    """Records of mail sent a week ago and more (enqueued daily by forum/schedule.py)."""
    from accounts.tasks import sent_mail_forget_old

    return sent_mail_forget_old()
