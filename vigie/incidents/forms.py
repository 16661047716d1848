"""Forms of the incident pages: the processor's declaration (the facts asked as the breach intake asks them), the
leaked file and its key column, the controller's acknowledgement."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.breaches.forms import DataForm, EventForm, MomentField, NarrativeForm, PersonsForm, TypesForm

# The processor's facts, asked by the very fields of the breach intake's questions.
INTAKE_FIELDS: dict[str, type[forms.Form]] = {
    "description": EventForm,
    "origin": EventForm,
    "malicious": EventForm,
    "occurred_at": EventForm,
    "breach_types": TypesForm,
    "data_categories": DataForm,
    "persons_count": PersonsForm,
    "person_categories": PersonsForm,
    "measures_taken": NarrativeForm,
}


class DeclareIncidentForm(forms.Form):
    """The incident, its facts, and its controllers: organisations the member also belongs to (each with its code
    in the leaked file), and controllers not on Vigie, one per line « name ; e-mail ; code »."""

    title = forms.CharField(label=_("Title of the incident"), max_length=200)

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, form in INTAKE_FIELDS.items():
            self.fields[name] = copy.deepcopy(form.base_fields[name])
            self.fields[name].required = False
        self.organisations = organisations
        for org in organisations:
            self.fields[f"code_{org.pk}"] = forms.CharField(
                label=org.name, max_length=100, required=False,
                help_text=_("Its code in the leaked file; leave empty if it is not concerned."),
            )  # fmt: skip
        self.fields["external"] = forms.CharField(
            label=_("Controllers not on Vigie"),
            required=False,
            max_length=20_000,
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Laboratoire du Port ; dpo@labo-port.fr ; PORT"}),
            help_text=_("One per line: name ; e-mail address of its contact or DPO ; code in the leaked file. "
                        "Each gets your notice as a PDF by e-mail."),
        )  # fmt: skip

    def clean_external(self) -> list[tuple[str, str, str]]:
        out = []
        for number, line in enumerate(self.cleaned_data["external"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) != 3:
                raise forms.ValidationError(gettext("Line %(n)d: name ; e-mail ; code expected.") % {"n": number})
            out.append((parts[0], parts[1], parts[2]))
        return out

    def controllers(self) -> list[tuple[Organisation, str]]:
        return [(org, code) for org in self.organisations if (code := self.cleaned_data[f"code_{org.pk}"].strip())]

    def facts(self) -> dict[str, Any]:
        """The facts given, as the JSON ``facts.check_facts`` takes; an unanswered one is left out."""
        out: dict[str, Any] = {}
        for name in INTAKE_FIELDS:
            value = self.cleaned_data.get(name)
            if value is None or value == "" or value == []:
                continue
            out[name] = value.isoformat() if isinstance(value, datetime) else value
        return out


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("The leaked file"),
        help_text=_("CSV (semicolon, comma or tab) or XLSX, with a column that names each row's controller."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )


class KeyColumnForm(forms.Form):
    key_column = forms.ChoiceField(label=_("Column of the controller's code"))

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_column = self.fields["key_column"]
        assert isinstance(key_column, forms.ChoiceField)  # noqa: S101
        key_column.choices = [(header, header) for header in headers]


class AcknowledgeForm(forms.Form):
    aware_at = MomentField(
        label=_("Became aware at"),
        required=False,
        help_text=_("Leave empty to record now. Give an earlier moment if you knew of the breach before."),
    )
