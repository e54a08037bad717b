from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from forum.operations import checks  # noqa: F401  (registers the deployment checks)
        from forum.live import pages as live
        from forum.caching.page_cache import connect_signals
        from forum.operations.sqlite_stats import analyze_after_migrate

        connect_signals()
        from forum.discussion import citing_posts

        citing_posts.connect_signals()
        from django_tasks.signals import task_finished

        from forum.operations.task_queue import retry_after_failure

        task_finished.connect(retry_after_failure, dispatch_uid="forum-task-retry")
        from forum.caching import notification_bell

        notification_bell.connect()  # before live pages: notification_bell.connect says why
        live.connect()
        from forum.search import reuse as search_reuse
        from forum.search import shown as search_shown

        search_reuse.connect()
        search_shown.connect()
        post_migrate.connect(analyze_after_migrate, sender=self, dispatch_uid="forum-sqlite-analyze")
