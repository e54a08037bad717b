from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.core.exceptions import PermissionDenied

from config.client_address import client_ip
from config.site_links import current_site_identity, site_url

from forum.common.one_line import one_line

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
        # Rendered here, where the request and objects are at hand; delivered by a task. The
        # templates greet from `current_site`: the configured name and address, never the empty
        # name of an unconfigured sites framework ("Hello from !").
        context = {"request": allauth_context.request, "current_site": current_site_identity(),
                   "site_url": site_url("/"), **context}
        # Any other link allauth put in (e.g. "signup_url", built from the request's host).
        for name, value in list(context.items()):
            if name.endswith("_url") and isinstance(value, str) and value.startswith(("http://", "https://")):
                context[name] = site_url(value)
        enqueue_email(self.render_mail(template_prefix, email, context))

    # Links in allauth's mails come from SITE_URL, like every other mail link, not from the host
    # the request that triggered the mail arrived on.
    def get_email_confirmation_url(self, request, emailconfirmation):
        return site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key):
        return site_url(super().get_reset_password_from_key_url(key))

    def get_client_ip(self, request) -> str:
        # allauth's sign-in, sign-up and reset limits, and the addresses under "Where you are
        # signed in", take the client's address from the same function as the posting limits.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def can_delete_email(self, email_address) -> bool:
        # allauth lets a member who can log in by username delete their last address, but here
        # posting needs a verified address and password resets go by mail: removing the last one
        # would leave an account that can neither post nor recover its password.
        if email_address.pk and not EmailAddress.objects.filter(user_id=email_address.user_id).exclude(
            pk=email_address.pk
        ).exists():
            return False
        return super().can_delete_email(email_address)
