"""Forms of the campaign pages: the upload, the column mapping, the channel rules, the letters deposited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .sms import sms_available

CHANNEL_ORDERS = [
    ("email,letter", _("E-mail when valid, else a postal letter")),
    ("email,sms,letter", _("E-mail, else SMS, else a postal letter")),
    ("sms,email,letter", _("SMS, else e-mail, else a postal letter")),
    ("letter,email", _("Postal letter, else e-mail")),
    ("letter", _("Postal letter only")),
    ("email", _("E-mail only")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("List of the persons concerned"),
        help_text=_("CSV (semicolon, comma or tab), XLSX, or FHIR JSON export from your practice software."),
    )


class MappingForm(forms.Form):
    """One choice per Vigie field among the file's columns, the guessed mapping pre-selected."""

    def __init__(self, *args: Any, fields: list[list[str]], headers: list[str], initial_mapping: dict[str, str],
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in the file)"))] + [(header, header) for header in headers]
        for name, label in fields:
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, required=False, initial=initial_mapping.get(name, "")
            )

    def mapping(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}


class RulesForm(forms.Form):
    order = forms.ChoiceField(label=_("Channel for each person"), choices=CHANNEL_ORDERS)
    rate = forms.FloatField(
        label=_("E-mails per second"),
        min_value=0,
        max_value=1000,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = settings.VIGIE_CAMPAIGN_RATE
        rate = self.fields["rate"]
        rate.widget.attrs["placeholder"] = f"{default:g}" if default else "∞"
        if default:
            rate.help_text = gettext(
                "Leave empty for the installation's setting (%(rate)s per second). Ask your e-mail provider for "
                "its limit."
            ) % {"rate": f"{default:g}"}
        else:
            rate.help_text = gettext("Leave empty for no limit (the installation's setting). Ask your e-mail provider.")
        if not sms_available():
            order = self.fields["order"]
            assert isinstance(order, forms.ChoiceField)  # noqa: S101
            order.choices = [(value, label) for value, label in CHANNEL_ORDERS if "sms" not in value]
            self.fields["order"].help_text = _("SMS becomes available once an SMS provider is configured.")

    def clean_rate(self) -> float:
        """Empty means the installation's setting, stored as 0."""
        return float(self.cleaned_data["rate"] or 0)


class DepositForm(forms.Form):
    """The letters handed to the mail house: the day, and its deposit receipt (checked by ``deposits``)."""

    deposited_on = forms.DateField(
        label=_("Deposited on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    receipt = forms.FileField(
        label=_("Deposit receipt of the mail house"),
        help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
