"""Forms of the breach pages: declaring, the intake questions, obligations, overruling, notes.

Every question that the decision core treats as optional offers "I don't know": an unknown fact is left out
of the facts, and the core takes the prudent reading and says so. Forms only validate; the writes are the
verbs of :mod:`vigie.breaches.services`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    ActingAs,
    BreachType,
    Certainty,
    DataCategory,
    DataRecipient,
    Exfiltration,
    Identifiability,
    Medium,
    Origin,
    PersonCategory,
    Protection,
    SpecialExtent,
)
from .models import MIN_JUSTIFICATION, Breach, ObligationRow

YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don't know"))]
_TRI = {"yes": True, "no": False}

AWARENESS_HELP = _(
    "You become aware when you are reasonably certain that a security incident has compromised personal "
    "data — not when you first suspect it, nor when the investigation is over. A short check to confirm may "
    "come first. The 72-hour period for notifying the CNIL starts at this moment."
)


class TriStateField(forms.TypedChoiceField):
    """Yes / No / I don't know, stored as a nullable boolean."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=YES_NO_UNKNOWN, coerce=_TRI.get, empty_value=None, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "yes"
        if value is False:
            return "no"
        if value is None:
            return "unknown"
        return value


class MomentField(forms.DateTimeField):
    """A date and time typed in Paris time (``datetime-local``), refused when in the future."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def validate(self, value: datetime | None) -> None:
        super().validate(value)
        if value is not None and value > timezone.now():
            raise forms.ValidationError(_("This moment is in the future."), code="future")


class HoursField(forms.FloatField):
    """A number of hours; a decimal comma is accepted, as French users type it (« 1,5 »)."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # the stubs type FloatField as an IntegerField
        if isinstance(value, str):
            value = value.replace(",", ".").strip()
        return super().to_python(value)


def _unknown_or(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("I don't know")), *choices]


def _checkboxes(choices: list[tuple[str, Any]], **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


def _radios(choices: list[tuple[str, Any]], **kwargs: Any) -> forms.ChoiceField:
    kwargs.setdefault("required", False)
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **kwargs)


def _count(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0,
        error_messages={"min_value": _("A number of persons or records cannot be negative.")},
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        **kwargs,
    )


# The dossier schema's limit of a text (vigie/documents/schema/dossier.schema.json, "$defs/text"): a longer one
# could be saved but no document made from it. vigie/documents/tests/test_form_limits.py holds them equal.
TEXT_MAX = 20_000
# A text that the timeline also quotes, after a sentence of its own (“Reasons for the delay: …”), leaves room for
# that sentence within the limit of a timeline entry.
QUOTED_TEXT = TEXT_MAX - 1000


class DeclareForm(forms.Form):
    """The first minute: a name for the breach and the moment you became aware (the clock starts)."""

    title = forms.CharField(
        label=_("In a few words, what happened?"),
        max_length=200,
        help_text=_("For example: “Ransomware on the practice server” or “Letter sent to the wrong patient”."),
    )
    became_aware_at = MomentField(label=_("When did you become aware of it?"), help_text=AWARENESS_HELP)
    awareness_note = forms.CharField(
        label=_("How did you become aware of it?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who noticed what, who told you, what check confirmed it."),
    )


class StepForm(forms.Form):
    """One question of the intake; its fields are named after the ``Breach`` fields they fill."""

    def __init__(self, *args: Any, breach: Breach, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(breach, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.breach = breach

    def changes(self) -> dict[str, Any]:
        """The cleaned answers as ``Breach`` field values."""
        return {name: self.cleaned_data[name] for name in self.fields}


class AwarenessForm(StepForm):
    became_aware_at = MomentField(label=_("When did you become aware of the breach?"), help_text=AWARENESS_HELP)
    awareness_note = forms.CharField(
        label=_("How did you become aware of it?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who noticed what, who told you, what check confirmed it. A processor's alert counts."),
    )
    incident_detected_at = MomentField(
        label=_("When was the attack or incident first detected?"),
        required=False,
        help_text=_(
            "The moment someone first noticed the attack or the failure (a ransom note, an alert), even before you "
            "knew that personal data were affected. The 72 hours for the police complaint that your cyber "
            "insurance requires, and the report to the ARS, run from it. Leave empty if it is the moment you "
            "became aware."
        ),
    )
    processor_informed_at = MomentField(
        label=_("If a processor told you of the breach, when?"),
        required=False,
        help_text=_("Your software vendor, host or other processor must alert you without undue delay."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        aware, occurred = data.get("became_aware_at"), self.breach.occurred_at
        if aware and occurred and occurred > aware:
            self.add_error("became_aware_at", _("The breach cannot have started after you became aware of it."))
        return data


class EventForm(StepForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Describe the facts as you know them today; you can complete them later."),
    )
    origin = forms.ChoiceField(
        label=_("What was the cause?"),
        choices=[("", _("Choose…")), *Origin.choices],
        help_text=_("If no answer fits or you do not know yet, choose “Other”."),
    )
    malicious = TriStateField(
        label=_("Was it a deliberate act?"),
        help_text=_("An attack, a theft, a misuse: yes. An error or a failure: no."),
    )
    certainty = _radios(
        _unknown_or(Certainty.choices),
        label=_("Is the breach established or only suspected?"),
        help_text=_("A suspected breach is assessed as if established: in doubt, the CNIL advises notifying."),
    )
    # Asked here, the first step after « Declare » (which answers the awareness step): the CNIL form wants it.
    occurred_at = MomentField(
        label=_("When did the breach itself start?"),
        required=False,
        help_text=_("Leave empty if you do not know yet."),
    )
    ongoing = TriStateField(label=_("Is the breach still going on?"))
    ended_at = MomentField(label=_("When did it end?"), required=False, help_text=_("Leave empty if unknown."))
    acting_as = forms.ChoiceField(
        label=_("For these data, you are…"),
        choices=ActingAs.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A processor (software vendor, host, secretariat service) handles data on behalf of a client, "
            "who is the controller."
        ),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        occurred, ended = data.get("occurred_at"), data.get("ended_at")
        if occurred and occurred > self.breach.became_aware_at:
            self.add_error("occurred_at", _("The breach cannot have started after you became aware of it."))
        if ended and occurred and ended < occurred:
            self.add_error("ended_at", _("The breach cannot have ended before it started."))
        if ended and data.get("ongoing") is True:
            self.add_error("ongoing", _("You gave an end date: the breach is no longer going on."))
        return data


class TypesForm(StepForm):
    breach_types = _checkboxes(
        BreachType.choices,
        label=_("What did the breach do to the data?"),
        help_text=_(
            "Confidentiality: someone who should not have seen the data saw it or could have. Integrity: the "
            "data were changed. Availability: you could no longer use the data, even for a while (a ransomware "
            "attack usually does all three). Tick every one that applies."
        ),
        error_messages={"required": _("Tick at least one type of breach.")},
    )


class DataForm(StepForm):
    data_categories = _checkboxes(
        DataCategory.choices,
        label=_("Which kinds of data are concerned?"),
        help_text=_("Tick everything that may be concerned; when in doubt, tick it."),
        error_messages={"required": _("Tick at least one kind of data.")},
    )
    special_extent = _radios(
        _unknown_or(SpecialExtent.choices),
        label=_("If health or other sensitive data are concerned, how much do they reveal?"),
        help_text=_(
            "One dietary preference on a list is not a medical record; an HIV test result is especially sensitive. "
            "Leave “I don't know” if no sensitive data are concerned."
        ),
    )
    media = _checkboxes(  # type: ignore[assignment]  # a field named like Form.media: declared fields win
        Medium.choices,
        label=_("Where were the data?"),
        required=False,
        help_text=_("Tick every medium concerned: server, laptop, USB key, paper, e-mail…"),
    )
    records_count = _count(
        label=_("How many records (files, documents, lines)?"),
        required=False,
        help_text=_("Leave empty if you do not know."),
    )


class ProtectionForm(StepForm):
    protection = _radios(
        _unknown_or(Protection.choices),
        label=_("Were the data protected?"),
        help_text=_(
            "Encrypted data whose key is safe are unreadable to whoever took them: this often avoids having to "
            "inform the persons. Say “I don't know” if you are not sure."
        ),
    )
    key_compromised = TriStateField(
        label=_("Could the encryption key, or the salt of the hashed passwords, have been compromised too?"),
        help_text=_("Answer only if the data were encrypted or hashed."),
    )
    identifiability = _radios(
        _unknown_or(Identifiability.choices),
        label=_("Can the persons be identified from these data?"),
    )
    already_public = TriStateField(
        label=_("Were all the exposed data already lawfully public?"),
        help_text=_("For example the names and addresses of a published professional directory."),
    )


class PersonsForm(StepForm):
    persons_count = _count(
        label=_("How many persons are concerned?"),
        help_text=_("An estimate is enough at this stage; you can correct it later."),
    )
    persons_count_is_estimate = TriStateField(label=_("Is this number an estimate?"))
    person_categories = _checkboxes(PersonCategory.choices, label=_("Who are they?"), required=False)


class ConfidentialityForm(StepForm):
    exfiltration = _radios(
        Exfiltration.choices,
        label=_("Were data taken out of your systems or premises?"),
        help_text=_("“Excluded” only if complete logs or facts show that nothing left."),
    )
    published = TriStateField(label=_("Were the data made public (posted online, sold, widely shared)?"))
    recipient = _radios(
        DataRecipient.choices,
        label=_("Who received or saw the data?"),
        help_text=_("Trusted: an identified person bound by secrecy, such as another health professional."),
    )
    recipient_bound_by_secrecy = TriStateField(
        label=_("Is the person who received or saw the data bound by professional secrecy?"),
        help_text=_("A doctor, a nurse, a lawyer, an insurance agent under contract…"),
    )
    accessed = TriStateField(
        label=_("Were the data opened or read by someone not entitled?"),
        help_text=_("No: for example a letter or an e-mail that came back unopened, or a device recovered before use."),
    )
    recovered_or_deleted = TriStateField(
        label=_("Were the data recovered, or their deletion reliably confirmed, before any misuse?")
    )


class AvailabilityForm(StepForm):
    backup = TriStateField(label=_("Is there a usable backup of the data?"))
    restored_within_hours = HoursField(
        label=_("Within how many hours were the data available again?"),
        min_value=0,
        required=False,
        error_messages={"min_value": _("A duration cannot be negative.")},
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
        help_text=_("Leave empty if the data are not available yet or if you do not know."),
    )
    permanent_loss = TriStateField(label=_("Are some data lost for good?"))
    impact_on_care = TriStateField(label=_("Was the care of patients delayed or disrupted?"))


class MitigationForm(StepForm):
    high_risk_neutralised = TriStateField(
        label=_("Do the measures you have taken since make any serious harm to the persons unlikely?"),
        help_text=_("For example: the stolen data were wiped remotely before anyone could read them."),
    )
    individual_contact_disproportionate = TriStateField(
        label=_("Would informing each person individually take a disproportionate effort?"),
        help_text=_("For example: no contact details for most of them. A public notice is then needed instead."),
    )


class NarrativeForm(StepForm):
    consequences = forms.CharField(
        label=_("What consequences may the breach have for the persons?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Disclosure of medical secrets, identity theft, phishing, care delayed…"),
    )
    measures_taken = forms.CharField(
        label=_("What have you done so far?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    measures_planned = forms.CharField(
        label=_("What do you plan to do?"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    processor_name = forms.CharField(
        label=_("Processor involved, if any"),
        max_length=200,
        required=False,
        help_text=_("Software vendor, host, maintenance company…"),
    )


class ObligationDoneForm(forms.Form):
    """When an obligation was done, its reference, and the reasons for a late CNIL notification."""

    done_at = MomentField(label=_("Done on"))
    reference = forms.CharField(
        label=_("Reference"), max_length=200, required=False, help_text=_("E.g. the CNIL receipt number.")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=QUOTED_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    delay_reasons = forms.CharField(
        label=_("Reasons for the delay"),
        required=False,
        max_length=QUOTED_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when the CNIL is notified more than 72 hours after you became aware (art. 33(1))."),
    )

    def __init__(self, *args: Any, breach: Breach, row: ObligationRow, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_at": timezone.now()})
        super().__init__(*args, **kwargs)
        self.breach, self.row = breach, row

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        done_at, deadline = data.get("done_at"), self.breach.cnil_deadline
        late = self.row.id == "notify_cnil" and done_at and deadline and done_at > deadline
        if late and not data.get("delay_reasons", "").strip():
            self.add_error(
                "delay_reasons",
                _("The notification comes more than 72 hours after you became aware: give the reasons for the delay."),
            )
        return data


class OverruleForm(forms.Form):
    """The DPO's own decision, with the reasons; the computed one stays on record."""

    notify_authority = forms.TypedChoiceField(
        label=_("Notify the CNIL?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_TRI.get,
        widget=forms.RadioSelect,
    )
    notify_data_subjects = forms.TypedChoiceField(
        label=_("Inform the persons concerned?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_TRI.get,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"),
        min_length=MIN_JUSTIFICATION,
        max_length=QUOTED_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Explain why you depart from the computed decision; it is kept in the register."),
        error_messages={
            "required": _("A written justification is required to overrule the decision."),
            "min_length": _("Write a real justification (at least %(limit_value)d characters)."),
        },
    )

    def __init__(self, *args: Any, breach: Breach, **kwargs: Any) -> None:
        def tri(value: bool | None) -> str | None:
            return None if value is None else ("yes" if value else "no")

        kwargs.setdefault(
            "initial",
            {
                "notify_authority": tri(breach.notify_authority),
                "notify_data_subjects": tri(breach.notify_data_subjects),
                "justification": breach.override_justification,
            },
        )
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note before adding it.")},
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        max_length=QUOTED_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was settled; the breach stays in the register."),
    )
    justification = forms.CharField(
        label=_("Why close it with obligations still open"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only when a required obligation is not done: the journal keeps this justification."),
    )
