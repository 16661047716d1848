"""Forms of sign-in, second factor, organisations and members. Every message a person may see is in French."""

from __future__ import annotations

import math
import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.models import Device

from .models import Organisation, Role, User
from .services import SecondFactorThrottled, check_code
from .validators import compact, validate_finess, validate_postcode, validate_rpps, validate_siren, validate_siret


class SignInForm(AuthenticationForm):
    """E-mail and password. The e-mail field keeps the name ``username``: django-axes counts failures by it."""

    error_messages = {
        "invalid_login": _(
            "This e-mail address and this password do not match. After several failures, signing in is "
            "blocked for a while."
        ),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "email"})
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        # Addresses are stored in lower case; people type them as they like.
        return str(self.cleaned_data["username"]).strip().lower()


def _throttled_message(until: Any) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    return ngettext(
        "Too many wrong codes in a row. Wait %(seconds)d second before trying again.",
        "Too many wrong codes in a row. Wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, checked against ``device`` (with throttling)."""

    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        help_text=_("Open your authenticator app and type the code it shows for Vigie. It changes every 30 seconds."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def __init__(self, device: Device, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("Type the 6 digits shown by your app, without anything else."), code="format")
        try:
            verified = check_code(self.device, code)
        except SecondFactorThrottled as throttled:
            raise ValidationError(_throttled_message(throttled.until), code="throttled") from None
        if not verified:
            raise ValidationError(
                _(
                    "This code is not right. Check that you use the code for Vigie and that your phone's clock is on time."
                ),
                code="wrong",
            )
        return code


class RecoveryCodeForm(forms.Form):
    """One of the ten single-use recovery codes, for when the phone is not at hand."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        help_text=_("One of the codes you saved when you set up the second factor, for example abcd-efgh."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}),
    )

    def __init__(self, device: Device | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = re.sub(r"[^a-z0-9]", "", self.cleaned_data["code"].lower())
        if self.device is None:
            raise ValidationError(_("You have no recovery codes. Ask an owner of your organisation for help."))
        try:
            verified = check_code(self.device, code)
        except SecondFactorThrottled as throttled:
            raise ValidationError(_throttled_message(throttled.until), code="throttled") from None
        if not verified:
            raise ValidationError(_("This recovery code is not valid, or it has already been used."), code="wrong")
        return code


class OrganisationCreateForm(forms.ModelForm):
    """The little needed to start; the rest of the legal identity is filled in later, in the settings."""

    class Meta:
        model = Organisation
        fields = ["name", "kind", "profession"]
        labels = {"name": _("Name of the organisation"), "kind": _("Kind of organisation")}
        help_texts = {
            "name": _("As it should appear on the notifications, e.g. “Cabinet du Dr Martin”."),
            "profession": _(
                "If your profession has an Ordre, Vigie prepares the letter to its departmental council after "
                "a serious breach."
            ),
        }


class OrganisationForm(forms.ModelForm):
    """The organisation's legal identity, as it appears on the notifications and in the register."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    # The documents print the address: at most what the dossier schema takes (its "line", 1000 characters;
    # vigie/documents/tests/test_form_limits.py holds them equal).
    address = forms.CharField(
        label=capfirst(Organisation._meta.get_field("address").verbose_name),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Street and number; the postcode and city go below."),
    )
    # Longer than the stored number, so that the spaces people type to read it are accepted, then removed.
    siret = forms.CharField(
        label="SIRET",
        max_length=24,
        required=False,
        help_text=_("14 digits, on your Kbis or INSEE notice. Spaces are fine."),
    )
    finess = forms.CharField(
        label="FINESS",
        max_length=16,
        required=False,
        help_text=_("9 characters, for health and medico-social establishments. Leave empty if you have none."),
    )

    siren = forms.CharField(
        label="SIREN",
        max_length=16,
        required=False,
        help_text=_("9 digits; taken from the SIRET when left empty."),
    )
    legal_rep_rpps = forms.CharField(
        label=_("RPPS number"),
        max_length=16,
        required=False,
        help_text=_("11 digits, if the legal representative is a health professional (printed on the Ordre letter)."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "profession",
            "siret",
            "siren",
            "no_siren",
            "finess",
            "address",
            "postcode",
            "city",
            "phone",
            "email",
            "website",
            "dpo_name",
            "dpo_email",
            "dpo_phone",
            "dpo_civility",
            "legal_rep_civility",
            "legal_rep_name",
            "legal_rep_function",
            "legal_rep_email",
            "legal_rep_phone",
            "legal_rep_rpps",
            "legal_rep_ordre_member",
            "contact_civility",
            "contact_name",
            "contact_function",
            "contact_phone",
            "contact_email",
            "cyber_insurance",
            "nis2_entity",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "no_siren": _("The organisation has no SIREN number"),
            "dpo_civility": _("Civility"),
            "legal_rep_civility": _("Civility"),
            "legal_rep_name": _("Name"),
            "legal_rep_function": _("Function"),
            "legal_rep_email": _("E-mail"),
            "legal_rep_phone": _("Telephone"),
            "legal_rep_ordre_member": _("The legal representative is registered with the Ordre chosen above"),
            "contact_civility": _("Civility"),
            "contact_name": _("Name"),
            "contact_function": _("Function"),
            "contact_phone": _("Telephone"),
            "contact_email": _("E-mail"),
        }
        help_texts = {
            "name": _("As it should appear on the notifications."),
            "profession": OrganisationCreateForm.Meta.help_texts["profession"],
            "address": _("Street and number; the postcode and city go below."),
            "dpo_name": _(
                "The data protection officer (DPO) if you have one, otherwise the person the CNIL and patients "
                "can contact about this breach (GDPR art. 33(3)(b))."
            ),
            "dpo_civility": _("So that the words of the documents agree with the person's gender."),
            "legal_rep_name": _(
                "The person who represents the organisation in law (manager, president, practitioner in charge): "
                "named in the CNIL notification and the complaint."
            ),
            "legal_rep_function": _("E.g. manager, president, practitioner in charge."),
            "legal_rep_ordre_member": _("The letter to the Ordre then closes with « salutations confraternelles »."),
            "contact_name": _(
                "The person the CNIL or the ARS can call about the breach, if not the DPO (e.g. the practice manager)."
            ),
            "cyber_insurance": _(
                "Insurers usually pay for a cyber attack only if a complaint was filed with the police within 72 hours."
            ),
            "nis2_entity": _(
                "Essential or important entities under the NIS2 directive must also alert ANSSI within 24 hours. "
                "If you do not know, leave unticked."
            ),
        }

    def clean_siret(self) -> str:
        value = self.cleaned_data["siret"]
        if not value:
            return ""
        validate_siret(value)
        return compact(value)

    def clean_siren(self) -> str:
        value = compact(self.cleaned_data["siren"])
        if value:
            validate_siren(value)
        return value

    def clean_legal_rep_rpps(self) -> str:
        value = compact(self.cleaned_data["legal_rep_rpps"])
        if value:
            validate_rpps(value)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        siret, siren = data.get("siret") or "", data.get("siren") or ""
        if siret and not siren:
            data["siren"] = siret[:9]
        elif siret and siren and not siret.startswith(siren):
            self.add_error("siren", _("The SIREN is the first nine digits of the SIRET: they differ here."))
        if data.get("no_siren") and (data.get("siren") or siret):
            self.add_error("no_siren", _("Untick this box, or remove the SIREN and SIRET numbers."))
        return data

    def clean_finess(self) -> str:
        value = self.cleaned_data["finess"]
        if not value:
            return ""
        validate_finess(value)
        return compact(value)

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"].strip()
        if value:
            validate_postcode(value)
        return value


class InviteForm(forms.Form):
    """Invite someone by e-mail to join the organisation with a role."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person receives a link valid for 7 days."),
        error_messages={"invalid": _("This is not an e-mail address; it looks like claire.martin@example.fr.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        initial=Role.MEMBER,
        help_text=_(
            "Read-only: sees everything. Member: also declares and documents breaches. DPO: also takes the "
            "decisions. Owner: also manages the organisation and its members."
        ),
    )

    def __init__(self, org: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.org = org

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if self.org.memberships.filter(user__email__iexact=email).exists():
            raise ValidationError(_("This person is already a member of the organisation."), code="member")
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class NewAccountForm(SetPasswordForm):
    """Create the account of an invited person: a name and a password (with the password rules)."""

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("As your colleagues know you, e.g. “Dr Claire Martin”."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    field_order = ["full_name", "new_password1", "new_password2"]

    def __init__(self, email: str, *args: Any, **kwargs: Any) -> None:
        # An unsaved user, so that the password rules can refuse a password too close to the e-mail or name.
        super().__init__(User(email=email), *args, **kwargs)
        self.fields["new_password1"].label = _("Password")
        self.fields["new_password2"].label = _("Password again")

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        self.user.full_name = name
        return name
