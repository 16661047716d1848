"""Forms of the API pages: a new token, a webhook."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scope, event_choices

VALIDITY_CHOICES = [("30", _("30 days")), ("90", _("90 days")), ("180", _("180 days")), ("365", _("One year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What it is for, e.g. « SIEM of the lab group ».")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ, widget=forms.RadioSelect)
    days = forms.TypedChoiceField(label=_("Valid for"), choices=VALIDITY_CHOICES, coerce=int, initial="90")


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https", help_text=_("An https address of your own tools.")
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple)


class WebhookUpdateForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(label=_("Events"), choices=event_choices, widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active"), required=False)
