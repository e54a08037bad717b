from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forum import checks  # noqa: F401  (registers the deployment checks)
        from forum.page_cache import connect_signals

        connect_signals()
