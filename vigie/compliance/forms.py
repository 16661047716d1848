"""Forms of the prevention pages. Choices come from the decision core's vocabulary and from the questionnaire."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.breaches.choices import DataCategory, PersonCategory

from . import questionnaire
from .hds import ACTIVITIES, CLAUSES
from .models import Action, ProcessingActivity, Processor
from .record_templates import TEMPLATES

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=[(t.key, t.label) for t in TEMPLATES])


class ActivityForm(forms.ModelForm):
    data_categories = forms.MultipleChoiceField(
        label=_("Categories of data"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("They pre-fill a breach declaration concerning this activity."),
    )
    person_categories = forms.MultipleChoiceField(
        label=_("Categories of persons"),
        choices=PersonCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ProcessingActivity
        fields = [
            "name",
            "purposes",
            "legal_basis",
            "data_categories",
            "data_details",
            "person_categories",
            "estimated_persons",
            "recipients",
            "transfers",
            "retention",
            "security_measures",
            "processors",
            "concerns_patients",
        ]
        widgets = {
            name: TEXTAREA
            for name in (
                "purposes",
                "legal_basis",
                "data_details",
                "recipients",
                "transfers",
                "retention",
                "security_measures",
                "processors",
            )
        }


ANSWER_CHOICES = list(questionnaire.ANSWER_LABELS.items())


class AssessmentForm(forms.Form):
    """One radio group per question, named by the question's id."""

    def __init__(self, *args: Any, initial_answers: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questionnaire.QUESTIONS:
            self.fields[question.id] = forms.ChoiceField(
                label=question.text,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=(initial_answers or {}).get(question.id),
            )

    def answers(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}


class ActionForm(forms.ModelForm):
    done = forms.BooleanField(label=_("Done"), required=False)

    class Meta:
        model = Action
        fields = ["owner", "due_on"]
        widgets = {"due_on": DATE}


class NewActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": DATE}


class ProcessorForm(forms.ModelForm):
    # Longer than the column: spaces are allowed when typing (« 123 456 789 ») and removed by clean_siren.
    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    clauses = forms.MultipleChoiceField(
        label=_("Clauses present in the contract"),
        choices=list(CLAUSES.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    hds_activities = forms.TypedMultipleChoiceField(
        label=_("Hosting activities it performs for you"),
        choices=[(number, f"{number}. {label}") for number, label in ACTIVITIES.items()],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The six activities of art. R.1111-9 of the public health code."),
    )
    certificate_activities = forms.TypedMultipleChoiceField(
        label=_("Activities covered by its certificate"),
        choices=[(number, f"{number}. {label}") for number, label in ACTIVITIES.items()],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Processor
        fields = [
            "name",
            "siren",
            "service",
            "location",
            "outside_eu",
            "contract_signed_on",
            "clauses",
            "hosts_health_data",
            "hds_activities",
            "certificate_scope",
            "certificate_activities",
            "certificate_body",
            "certificate_valid_from",
            "certificate_valid_until",
            "notes",
        ]
        widgets = {
            "contract_signed_on": DATE,
            "certificate_valid_from": DATE,
            "certificate_valid_until": DATE,
            "notes": TEXTAREA,
        }

    def clean_siren(self) -> str:
        siren = "".join(char for char in self.cleaned_data["siren"] if char.isdigit())
        if siren and len(siren) != 9:
            raise forms.ValidationError(_("A SIREN has 9 digits."))
        return siren


class HdsImportForm(forms.Form):
    file = forms.FileField(label=_("File exported from the ANS list (CSV or XLSX)"))


class HdsSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or SIREN"), required=False, max_length=200)
