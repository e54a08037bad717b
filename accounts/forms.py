from allauth.account import forms as allauth_forms
from django import forms

from forum.discussion.forms import LimitedCharField, LimitedOneLineField, too_long_message

from .models import User


class _HoneypotBoundField(forms.BoundField):
    def css_classes(self, extra_classes=None):
        return super().css_classes(extra_classes=f"{extra_classes or ''} signup-trap".strip())


# What a person is told when the honeypot catches their form: nothing about why, so a bot's
# author learns nothing from it either.
SIGNUP_REFUSED = "We could not create an account from that form. Please reload the page and try again."


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth supplies username, email, passwords)."""

    display_name = LimitedOneLineField(
        what="Names are",
        max_length=60,
        required=False,
        help_text="How your name appears beside your posts. Optional.",
    )
    # A honeypot: sign-up bots fill in every field, especially one called "website", while
    # people never see it (the `signup-trap` row is display:none, so screen readers skip it
    # too). A filled-in value refuses the whole sign-up.
    website = forms.CharField(
        required=False,
        label="Website",
        help_text="Leave this empty: it is here to catch automated sign-ups.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        bound_field_class=_HoneypotBoundField,
    )

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get("website"):
            raise forms.ValidationError(SIGNUP_REFUSED, code="honeypot")
        return cleaned_data

    def signup(self, request, user):
        # The adapter already copied display_name; allauth still requires this hook.
        pass


class ProfileForm(forms.ModelForm):
    display_name = LimitedOneLineField(what="Names are", max_length=60, required=False,
                                       help_text="How your name appears beside your posts. Optional.")

    class Meta:
        model = User
        fields = ["display_name", "bio"]
        field_classes = {"bio": LimitedCharField}
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"bio": "Markdown. A few lines about you and your background."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A pasted bio over the limit is refused with its length, never cut by the browser.
        self.fields["bio"].error_messages["max_length"] = too_long_message("Bios are", 5000)


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form, labelled for what it accepts: a username or an email address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = "Username or email"
        field.widget.attrs.update({"autocomplete": "username", "placeholder": ""})
        self.fields["password"].widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Remember me"
