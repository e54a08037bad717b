"""Forms for adding and correcting studies by hand."""

from django import forms

from forum.common.one_line import OneLineField
from forum.markup.url_policy import url_allowed
from forum.models.study import DesignChoices, StatusChoices
from forum.references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from forum.references.metadata import StudyMetadata

PASTE_MAX_LENGTH = 200_000


class ReferencePasteForm(forms.Form):
    text = forms.CharField(
        label="DOI, PMID, BibTeX or RIS",
        max_length=PASTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Paste a DOI (10.…), a PubMed ID, or one or more BibTeX, RIS or CSL-JSON entries.",
        error_messages={"required": "Paste an identifier or a reference first."},
    )


def _authors_from_lines(text: str) -> list[dict[str, str]]:
    authors = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if "," in line:
            family, given = (part.strip() for part in line.split(",", 1))
            authors.append({"family": family, "given": given})
        else:
            authors.append({"literal": line})
    return authors


def _authors_to_lines(authors: list[dict]) -> str:
    lines = []
    for author in authors:
        if author.get("family"):
            lines.append(f"{author['family']}, {author.get('given', '')}".strip().rstrip(","))
        elif author.get("literal"):
            lines.append(author["literal"])
    return "\n".join(lines)


class StudyForm(forms.Form):
    # A long title wraps in the box, but it is one line: line breaks become spaces.
    title = OneLineField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    authors = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: “Family, Given”, or a group name.",
    )
    container_title = forms.CharField(label="Journal", max_length=500, required=False)
    year = forms.IntegerField(min_value=1600, max_value=2100, required=False)
    volume = forms.CharField(max_length=40, required=False)
    issue = forms.CharField(max_length=40, required=False)
    pages = forms.CharField(max_length=60, required=False)
    doi = forms.CharField(label="DOI", max_length=255, required=False)
    pmid = forms.CharField(label="PMID", max_length=20, required=False)
    registrations = forms.CharField(
        required=False, max_length=500, help_text="Trial registrations (NCT…, EudraCT), separated by commas.",
    )
    url = forms.URLField(label="URL", required=False, assume_scheme="https")
    abstract = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 6}))

    def clean_url(self):
        value = self.cleaned_data["url"]
        if value and not url_allowed(value):
            raise forms.ValidationError("Give a web address starting with http:// or https://.")
        return value

    def clean_doi(self):
        value = self.cleaned_data["doi"]
        if not value:
            return ""
        try:
            normalize_doi(value)
        except InvalidIdentifier:
            raise forms.ValidationError("That is not a DOI: DOIs look like 10.1097/PR9.0000000000001080.")
        return value.strip()

    def clean_pmid(self):
        value = self.cleaned_data["pmid"]
        if not value:
            return ""
        try:
            return normalize_pmid(value)
        except InvalidIdentifier:
            raise forms.ValidationError("A PubMed ID is a number, such as 38226027.")

    def to_metadata(self, *, base: StudyMetadata | None = None) -> StudyMetadata:
        data = self.cleaned_data
        metadata = StudyMetadata.from_dict(base.to_dict()) if base else StudyMetadata(source="manual")
        metadata.title = data["title"].strip()
        metadata.authors = _authors_from_lines(data["authors"])
        metadata.container_title = data["container_title"].strip()
        metadata.year = data["year"]
        for name in ("volume", "issue", "pages", "doi", "pmid", "url", "abstract"):
            setattr(metadata, name, (data[name] or "").strip())
        metadata.registrations = [r.strip() for r in data["registrations"].split(",") if r.strip()]
        return metadata

    @classmethod
    def initial_from(cls, metadata: StudyMetadata) -> dict:
        return {
            "title": metadata.title, "authors": _authors_to_lines(metadata.authors),
            "container_title": metadata.container_title, "year": metadata.year, "volume": metadata.volume,
            "issue": metadata.issue, "pages": metadata.pages, "doi": metadata.doi, "pmid": metadata.pmid,
            "registrations": ", ".join(metadata.registrations), "url": metadata.url, "abstract": metadata.abstract,
        }


class StudyEditForm(StudyForm):
    design_override = forms.ChoiceField(
        label="Design (override)", required=False,
        choices=[("", "As classified automatically")] + list(DesignChoices.choices),
    )
    status_override = forms.ChoiceField(
        label="Status (override)", required=False,
        choices=[("", "As classified automatically")] + list(StatusChoices.choices),
    )
    reason = OneLineField(max_length=200, required=False, help_text="Shown in the study's history.")
