"""Forms of the leak pages: the two files (or a campaign), the columns and the data category of each column."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vigie.breaches.choices import DataCategory
from vigie.campaigns.forms import MappingForm
from vigie.campaigns.importing import MAX_BYTES
from vigie.campaigns.models import Campaign

__all__ = ["CategoriesForm", "MappingForm", "NewMatchingForm", "VerdictForm"]


class NewMatchingForm(forms.Form):
    leak = forms.FileField(
        label=_("Leaked file"),
        help_text=_("The file published or sent by the attackers, as found: CSV or XLSX, any columns."),
    )
    patients = forms.FileField(
        label=_("Your patient base"),
        required=False,
        help_text=_("An export of your practice software (CSV, XLSX or FHIR), with names and birth dates."),
    )
    campaign = forms.ModelChoiceField(
        label=_("Or the persons of a campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("(no campaign: use the file above)"),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["campaign"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = campaigns
        field.label_from_instance = lambda campaign: f"{campaign} · {campaign.source_name} ({campaign.persons_count})"  # type: ignore[method-assign, assignment]

    def _not_too_large(self, name: str) -> Any:
        upload = self.cleaned_data.get(name)
        limit = MAX_BYTES
        if upload is not None and upload.size > limit:  # refused before it is read into memory
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB; at most %(limit)s MB).")
                % {"size": round(upload.size / 1e6, 1), "limit": round(limit / 1e6)}
            )
        return upload

    def clean_leak(self) -> Any:
        return self._not_too_large("leak")

    def clean_patients(self) -> Any:
        return self._not_too_large("patients")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("patients")) == bool(data.get("campaign")):
            raise forms.ValidationError(_("Give your patient base: either a file, or the persons of a campaign."))
        return data


class CategoriesForm(forms.Form):
    """For each column of the leaked file, the data category it exposes (what the persons will be told)."""

    def __init__(self, *args: Any, headers: list[str], initial_categories: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("(nothing about the person)")), *DataCategory.choices]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=initial_categories.get(header, "")
            )

    def categories(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"column_{index}", "") for index, header in enumerate(self.headers)}


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("accept", _("Same person")), ("reject", _("Not the same person"))])
