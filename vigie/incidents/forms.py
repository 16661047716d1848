from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.breaches.forms import MomentField


class AcknowledgeForm(forms.Form):
    aware_at = MomentField(
        label=_("Became aware at"),
        required=False,
        help_text=_("Leave empty to record now. Give an earlier moment if you knew of the breach before."),
    )
