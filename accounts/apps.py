from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, social  # noqa: F401 - registers the deploy check, connects ORCID's receivers
