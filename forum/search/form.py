"""The search page's parameters: what users can type into the URL, checked."""

from django import forms

from forum.references.identifiers import normalize_doi

from .posts import PostSearch
from .query import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    # Not limited by max_length: a long query is cut by the parser rather than refused.
    q = forms.CharField(label="Search", required=False, strip=True)
    category = forms.SlugField(label="Category", required=False)
    author = forms.CharField(label="Author (username)", required=False, max_length=30, strip=True)
    experts = forms.BooleanField(label="Answers by experts only", required=False)
    doi = forms.CharField(label="Cites DOI", required=False, max_length=300, strip=True)
    titles = forms.BooleanField(label="Search titles only", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"] = forms.ChoiceField(
            label="Category", required=False,
            choices=[("", "All categories")] + [(c.slug, c.name) for c in categories],
        )

    def clean_q(self):
        return self.cleaned_data["q"][:MAX_QUERY_CHARS * 2]

    def clean_doi(self):
        doi = self.cleaned_data["doi"]
        if not doi:
            return ""
        try:
            return normalize_doi(doi)
        except ValueError:
            raise forms.ValidationError("That is not a DOI (it looks like 10.1000/xyz123).")

    def to_search(self) -> PostSearch:
        data = self.cleaned_data
        return PostSearch(
            text=data["q"], category=data["category"], author=data["author"],
            experts_only=data["experts"], doi=data["doi"], titles_only=data["titles"],
        )
