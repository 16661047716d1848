"""Forms of the documents pages: the CNIL receipt, an organisation's own text, the letterhead logo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import MAX_LOGO_BYTES, clean_logo
from .templating import unknown_placeholders


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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the notification comes more than 72 hours after you became aware (GDPR art. 33(1))."
        ),
    )


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
