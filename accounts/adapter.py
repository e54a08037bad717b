from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress

from forum.one_line import one_line

from .tasks import enqueue_email


class AccountAdapter(DefaultAccountAdapter):
    """Site-specific hooks into allauth's flows."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.display_name = one_line(form.cleaned_data.get("display_name", ""))
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        # Rendered here, where the request and objects are at hand; delivered by a task.
        enqueue_email(self.render_mail(template_prefix, email, context))

    def can_delete_email(self, email_address) -> bool:
        # allauth lets a member who can log in by username delete their last address, but here
        # posting needs a verified address and password resets go by mail: removing the last one
        # would leave an account that can neither post nor recover its password.
        if email_address.pk and not EmailAddress.objects.filter(user_id=email_address.user_id).exclude(
            pk=email_address.pk
        ).exists():
            return False
        return super().can_delete_email(email_address)
