"""Forms of the documents pages: the CNIL receipt, the incident details, an organisation's own text, the letterhead
logo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .limits import dossier_max_length
from .models import DETAIL_FIELDS, IncidentDetails
from .services import MAX_LOGO_BYTES, clean_logo
from .templating import unknown_placeholders

QUOTED_TEXT = dossier_max_length("timeline", "summary") - 1000  # as the breach forms'


class ReceiptForm(forms.Form):
    """The CNIL's receipt number closes the notification; past 72 hours, the reasons for the delay are due."""

    reference = forms.CharField(label=_("CNIL receipt number"), max_length=200)
    done_at = forms.DateTimeField(
        label=_("Notified on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    delay_reasons = forms.CharField(
        label=_("Reasons for the delay"),
        required=False,
        max_length=QUOTED_TEXT,  # quoted by the timeline, as the obligation's own form
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the notification comes more than 72 hours after you became aware (GDPR art. 33(1))."
        ),
    )


class IncidentDetailsForm(forms.ModelForm):
    """What the police, the ARS and the CNIL ask beyond the facts: each field optional, quoted as typed."""

    class Meta:
        model = IncidentDetails
        fields = list(DETAIL_FIELDS)
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in DETAIL_FIELDS
                if isinstance(IncidentDetails._meta.get_field(name), models.TextField)
            },
            "ransom_note": forms.Textarea(attrs={"rows": 5}),
            "attacker_ips": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "onion_addresses": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
            "wallet_addresses": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
            "cert_support": forms.NullBooleanSelect,
            "ransom_paid": forms.NullBooleanSelect,
        }
        help_texts = {
            "scope": _("Sites, services and activities touched (ARS report)."),
            "systems_affected": _("Servers, workstations, software: the complaint and the ARS report quote them."),
            "handling_state": _("Where the handling stands: analysis under way, contained, systems restored…"),
            "attack_vector": _("How the attackers got in, if known: phishing e-mail, exposed remote access…"),
            "care_impact": _("Appointments, examinations or operations cancelled or postponed, or « none »."),
            "patient_transfers": _("Patients transferred to another structure, or « none »."),
            "attacker_ips": _("One per line, with the time in UTC, as read in the logs."),
            "ransom_note": _("Copied as it appears; never answer it, never pay."),
            "it_provider": _("The investigators will want to reach them."),
            "losses_estimate": _(
                "A first figure or range: restoration, expertise, informing the persons, lost activity."
            ),
            "complainant": _("Name and function of the person filing the complaint, if not the legal representative."),
            "authority_proof": _("E.g. Kbis extract under three months, statutes, delegation of authority."),
            "persons_channel": _("When the persons were told without Vigie: telephone, letters posted by hand…"),
        }


class LetterTemplateForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}), max_length=20000
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        unknown = unknown_placeholders(body)
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            raise ValidationError(_("Unknown placeholders: %(names)s.") % {"names": names})
        return body


class LogoForm(forms.Form):
    logo = forms.FileField(label=_("Logo (PNG or JPEG, 1 MB at most)"))

    def clean_logo(self) -> bytes:
        upload: Any = self.cleaned_data["logo"]
        if upload.size > MAX_LOGO_BYTES:
            raise ValidationError(_("The logo is too large: 1 MB at most."))
        return clean_logo(upload.read())
