from allauth.account import forms as allauth_forms
from django import forms

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth supplies username, email, passwords)."""

    display_name = forms.CharField(
        max_length=60,
        required=False,
        help_text="How your name appears beside your posts. Optional.",
    )

    def signup(self, request, user):
        # The adapter already copied display_name; allauth still requires this hook.
        pass


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"bio": "Markdown. A few lines about you and your background."}


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form, labelled for what it accepts: a username or an email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = "Username or email"
        field.widget.attrs.update({"autocomplete": "username", "placeholder": ""})
        self.fields["password"].widget.attrs["placeholder"] = ""
