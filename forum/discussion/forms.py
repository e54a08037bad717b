import re

from django import forms

from forum.common.one_line import OneLineField
from forum.discussion.submissions import TOKEN_FIELD, submission_token_new
from forum.models import Category
from forum.models.tag import TAG_NAME

TITLE_MIN_LENGTH = 8
TITLE_MAX_LENGTH = 200
BODY_MIN_LENGTH = 2
BODY_MAX_LENGTH = 32_000
MAX_TAGS = 5
_TAG_NAME = TAG_NAME


class VisibleLimit:
    """A length limit the writer sees, never one that cuts.

    Django renders `max_length` as the HTML `maxlength` attribute, and a browser silently drops
    whatever is pasted beyond it, so a 40,000-character answer would be published ending
    mid-sentence. Here the limit becomes `data-limit` (static/js/limits.js shows a live counter)
    and the server refuses an over-long text, saying by how much (`what` names the text in that
    message: "Tags are limited to ..."), with the text kept.
    """

    def __init__(self, *args, what: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if what and self.max_length is not None:
            self.error_messages["max_length"] = too_long_message(what, self.max_length)

    def run_validators(self, value):
        # Django's validator gives the length as a bare number; the live counter (limits.js)
        # writes 40,000, and the refusal says it the same way.
        if self.max_length is not None and value not in self.empty_values and len(value) > self.max_length:
            raise forms.ValidationError(self.error_messages["max_length"], code="max_length",
                                  params={"limit_value": self.max_length, "show_value": f"{len(value):,}",
                                          "value": value})
        super().run_validators(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if attrs.pop("maxlength", None) is not None:
            attrs["data-limit"] = str(self.max_length)
        return attrs


def too_long_message(what: str, limit: int) -> str:
    return f"{what} limited to {limit:,} characters (this one has %(show_value)s)."


class LimitedCharField(VisibleLimit, forms.CharField):
    pass


class LimitedOneLineField(VisibleLimit, OneLineField):
    pass


class OneTimeTokenForm(forms.Form):
    """A form whose every rendering carries a fresh one-time token (forum/discussion/submissions.py).

    A form that comes back with errors keeps the token it was sent with: nothing was written under
    it, and the writer's next try is still the same submit.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial.setdefault(TOKEN_FIELD, submission_token_new())

    @property
    def submit_token(self) -> str:
        return self.cleaned_data.get(TOKEN_FIELD, "")


def _clean_body(value: str) -> str:
    # Keep the text exactly as typed (markdown is whitespace-sensitive); only refuse blanks.
    if len(value.strip()) < BODY_MIN_LENGTH:
        raise forms.ValidationError(f"Write at least {BODY_MIN_LENGTH} characters.")
    return value


class BodyField(VisibleLimit, forms.CharField):
    widget = forms.Textarea

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Your post")
        kwargs.setdefault("strip", False)
        kwargs.setdefault(
            "error_messages",
            {"required": "Write something before posting.",
             "max_length": too_long_message("Posts are", BODY_MAX_LENGTH)},
        )
        super().__init__(max_length=BODY_MAX_LENGTH, **kwargs)
        self.widget.attrs.update({"rows": 8})

    def clean(self, value):
        return _clean_body(super().clean(value))


class TitleField(VisibleLimit, OneLineField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=TITLE_MAX_LENGTH,
            min_length=TITLE_MIN_LENGTH,
            error_messages={
                "required": "Give your topic a title.",
                "min_length": f"Titles need at least {TITLE_MIN_LENGTH} characters, so others know what it is about.",
                "max_length": too_long_message("Titles are", TITLE_MAX_LENGTH),
            },
            **kwargs,
        )


def competing_interests_field() -> forms.CharField:
    # Asked for when the post cites a study its author wrote (the composer says so); optional.
    return LimitedOneLineField(
        what="Competing-interests statements are", required=False, max_length=300, label="Competing interests",
        help_text="One line, shown with your post: funding, roles or ties to the studies you wrote.",
    )


class TopicForm(OneTimeTokenForm):
    title = TitleField()
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        empty_label="Choose a category",
        error_messages={"invalid_choice": "Choose one of the listed categories.",
                        "required": "Choose a category."},
    )
    tags = LimitedOneLineField(
        what="Tags are",
        required=False,
        max_length=300,
        help_text=f"Up to {MAX_TAGS}, separated by commas, e.g. fibromyalgia, naltrexone.",
    )
    raw = BodyField()
    competing_interests = competing_interests_field()

    def clean_tags(self) -> list[str]:
        names = []
        for part in self.cleaned_data["tags"].split(","):
            name = re.sub(r"\s+", "-", part.strip().lower())
            if not name:
                continue
            if not _TAG_NAME.match(name):
                raise forms.ValidationError(
                    f"“{name[:40]}” is not a valid tag: use lowercase letters, digits and hyphens."
                )
            if name not in names:
                names.append(name)
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        return names


class ReplyForm(OneTimeTokenForm):
    raw = BodyField()
    reply_to = forms.CharField(required=False, widget=forms.HiddenInput)
    competing_interests = competing_interests_field()

    def clean_reply_to(self) -> int | None:
        # A hidden field the user never sees: a mangled value means "no particular post", not
        # an error they could not find or fix.
        value = self.cleaned_data["reply_to"].strip()
        return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


class EditPostForm(OneTimeTokenForm):
    title = TitleField(required=False)
    raw = BodyField()
    reason = LimitedOneLineField(
        what="Reasons are", required=False, max_length=200, label="Reason for editing",
        help_text="Shown in the revision history.",
    )
    competing_interests = competing_interests_field()

    def __init__(self, *args, is_first_post: bool = False, is_author: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_author:
            del self.fields["competing_interests"]  # the author's own statement: a moderator leaves it be
        if is_first_post:
            self.fields["title"].required = True
        else:
            del self.fields["title"]


class PreviewForm(forms.Form):
    raw = forms.CharField(required=False, strip=False, max_length=BODY_MAX_LENGTH)
