"""The evidence summary form: one fieldset per outcome (a formset, so it works without JavaScript),
each with its level, the five GRADE domains and the studies it rests on."""

from django import forms

from forum.common.one_line import OneLineField
from forum.evidence.summaries import OUTCOME_MAX, REASONING_MAX
from forum.models import GRADE_DOMAINS, CertaintyLevel, DomainJudgement
from forum.references.study_labels import study_short_label


class OutcomeForm(forms.Form):
    # Required, yet the blank outcome offered at the end may stay blank: a formset skips an extra
    # form nobody changed.
    outcome = OneLineField(label="Outcome", max_length=OUTCOME_MAX,
                           error_messages={"required": "Name the outcome, or leave this one blank."},
                           help_text="What was measured, and when: “Pain at 12 weeks”.")
    certainty = forms.ChoiceField(label="Certainty", choices=[("", "Choose a level…"), *CertaintyLevel.choices],
                                  error_messages={"required": "Choose the level you judge the evidence to be."})
    study_ids = forms.TypedMultipleChoiceField(label="Studies it rests on", coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, studies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["study_ids"].choices = [
            (study.pk, f"{study_short_label(study)} · {study.design_label}"
                       f"{' · ' + study.status_label if study.effective_status != 'published' else ''}")
            for study in studies
        ]
        for key, label in GRADE_DOMAINS:
            self.fields[f"{key}_judgement"] = forms.ChoiceField(
                label=label, choices=DomainJudgement.choices, initial=DomainJudgement.NO_CONCERN)
            self.fields[f"{key}_reasoning"] = OneLineField(
                label=f"{label}: reasoning", max_length=REASONING_MAX, required=False)

    @property
    def domain_fields(self):
        return [(key, label, self[f"{key}_judgement"], self[f"{key}_reasoning"]) for key, label in GRADE_DOMAINS]

    def clean(self):
        data = super().clean()
        for key, label in GRADE_DOMAINS:
            judgement = data.get(f"{key}_judgement") or DomainJudgement.NO_CONCERN
            if judgement != DomainJudgement.NO_CONCERN and not data.get(f"{key}_reasoning"):
                self.add_error(f"{key}_reasoning", f"Say in a line why {label.lower()} is a concern.")
        return data

    def as_outcome(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"], "certainty": data["certainty"], "study_ids": data.get("study_ids") or [],
            "domains": {key: {"judgement": data.get(f"{key}_judgement") or DomainJudgement.NO_CONCERN,
                              "reasoning": data.get(f"{key}_reasoning", "")} for key, _label in GRADE_DOMAINS},
        }

    @classmethod
    def initial_from(cls, outcome: dict) -> dict:
        initial = {"outcome": outcome["outcome"], "certainty": outcome["certainty"],
                   "study_ids": outcome.get("study_ids", [])}
        for key, _label in GRADE_DOMAINS:
            domain = outcome.get("domains", {}).get(key, {})
            initial[f"{key}_judgement"] = domain.get("judgement", DomainJudgement.NO_CONCERN)
            initial[f"{key}_reasoning"] = domain.get("reasoning", "")
        return initial


class BaseOutcomeFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this outcome"

    def outcomes(self) -> list[dict]:
        """The outcomes written, in order, blank and removed ones left out (after is_valid)."""
        return [form.as_outcome() for form in self.forms
                if form.cleaned_data.get("outcome") and not form.cleaned_data.get("DELETE")]


OutcomeFormSet = forms.formset_factory(OutcomeForm, formset=BaseOutcomeFormSet, extra=1, can_delete=True,
                                       max_num=12, validate_max=True)


class SummaryMetaForm(forms.Form):
    reason = OneLineField(label="What changed, and why", max_length=300, required=False)
    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
