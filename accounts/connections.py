"""allauth's "Connected accounts" page, only where connecting means something.

With no provider configured (settings decide: accounts/social.py) the page is a dead end, so it
is not found and the account page hides its link. A member who linked an account before its
provider was removed can still see and remove it. Its own module, not accounts/views.py: the URL
configuration imports it before allauth's, and accounts/views.py imports the sign-up form, which
allauth's forms import in turn.
"""

from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.views import connections as allauth_connections
from django.http import Http404

from .social import social_sign_in_offered


def connections(request, *args, **kwargs):
    if not social_sign_in_offered(request) and not (
        request.user.is_authenticated and SocialAccount.objects.filter(user=request.user).exists()
    ):
        raise Http404("No sign-in provider is configured on this site.")
    return allauth_connections(request, *args, **kwargs)
