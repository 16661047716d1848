"""Breaches, the state of their obligations, and the journal of everything that happened to them.

The facts of a breach are stored as plain columns (so that the register can filter and count them) and turned
into the decision core's input in exactly one place, :meth:`Breach.to_facts`. The assessment is stored as the
core's JSON result, so that what was decided stays on record even when the reasoning evolves. Its texts are kept
both in French (the record) and as message ids with parameters, rendered at display time in the user's language
(:meth:`Breach.assessment_shown`, :meth:`Breach.obligation_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet
from vigie.risk import Message, localise, localise_obligations, render

from .choices import (
    ActingAs,
    Certainty,
    DataRecipient,
    Exfiltration,
    Identifiability,
    Origin,
    Protection,
    SpecialExtent,
)

# A justification shorter than this is a formality, not a reason (the CNIL may ask for it): overruling the
# decision, closing a breach with an obligation still open.
MIN_JUSTIFICATION = 30


class Status(models.TextChoices):
    DRAFT = "draft", _("Being declared")
    ASSESSED = "assessed", _("Assessed")
    CLOSED = "closed", _("Closed")


class BreachQuerySet(OrgQuerySet["Breach"]):
    def open(self) -> BreachQuerySet:
        return self.exclude(status=Status.CLOSED)

    def closed(self) -> BreachQuerySet:
        return self.filter(status=Status.CLOSED)

    def assessed(self) -> BreachQuerySet:
        return self.exclude(assessment=None)


# The facts the intake may change (everything the core reads, plus the narrative for the register).
FACT_FIELDS = (
    "title",
    "became_aware_at",
    "awareness_note",
    "incident_detected_at",
    "processor_informed_at",
    "occurred_at",
    "ended_at",
    "ongoing",
    "certainty",
    "breach_types",
    "origin",
    "malicious",
    "acting_as",
    "data_categories",
    "special_extent",
    "media",
    "protection",
    "key_compromised",
    "identifiability",
    "already_public",
    "persons_count",
    "persons_count_is_estimate",
    "person_categories",
    "records_count",
    "exfiltration",
    "published",
    "recipient",
    "recipient_bound_by_secrecy",
    "accessed",
    "recovered_or_deleted",
    "backup",
    "restored_within_hours",
    "permanent_loss",
    "impact_on_care",
    "high_risk_neutralised",
    "individual_contact_disproportionate",
    "description",
    "consequences",
    "measures_taken",
    "measures_planned",
    "processor_name",
)

# The least the core needs to decide: without these, ``to_facts()`` cannot satisfy the schema.
MINIMUM_FACTS = ("became_aware_at", "breach_types", "origin", "data_categories", "persons_count")

# Obligation states the DPO may settle; anything else is shown but not tracked.
OPEN_STATUSES = ("required", "recommended")


@dataclass
class ObligationRow:
    """One obligation as shown and tracked: the core's verdict, the DPO's overruling, and what was done."""

    id: str
    title: str
    status: str  # required | recommended | not_applicable
    due: datetime | None
    basis: str
    why: str
    state: ObligationState | None = None
    overruled: bool = False

    @property
    def done(self) -> bool:
        return self.state is not None and self.state.done_at is not None

    @property
    def applies(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_open(self) -> bool:
        return self.applies and not self.done

    def overdue(self, now: datetime) -> bool:
        return self.is_open and self.due is not None and now > self.due


class Breach(models.Model):
    """A personal-data breach of one organisation, from its declaration to its closure (art. 33(5) register)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="breaches")
    reference = models.CharField(_("reference"), max_length=20, help_text=_("Number in the breach register."))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)

    # When: the 72-hour clock starts at awareness, not at the incident (EDPB 9/2022 §2.1).
    became_aware_at = models.DateTimeField(_("became aware at"))
    awareness_note = models.TextField(_("how you became aware"), blank=True)
    # The incident on the information system may be detected before it is known to touch personal data: the
    # insurance complaint, ARS and NIS2 clocks run from it (C. assur. L.12-10-1; CSP L.1111-8-2; NIS2 art. 23).
    incident_detected_at = models.DateTimeField(_("incident detected at"), null=True, blank=True)
    processor_informed_at = models.DateTimeField(_("informed by the processor at"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ongoing = models.BooleanField(_("still ongoing"), null=True, blank=True)
    certainty = models.CharField(_("established or suspected"), max_length=16, choices=Certainty.choices, blank=True)

    # Nature.
    breach_types = models.JSONField(_("types of breach"), default=list, blank=True)
    origin = models.CharField(_("origin"), max_length=32, choices=Origin.choices, blank=True)
    malicious = models.BooleanField(_("malicious act"), null=True, blank=True)
    acting_as = models.CharField(_("acting as"), max_length=16, choices=ActingAs.choices, default=ActingAs.CONTROLLER)

    # Data and persons.
    data_categories = models.JSONField(_("categories of data"), default=list, blank=True)
    special_extent = models.CharField(
        _("extent of the sensitive data"), max_length=20, choices=SpecialExtent.choices, blank=True
    )
    media = models.JSONField(_("media of the data"), default=list, blank=True)
    protection = models.CharField(_("protection of the data"), max_length=32, choices=Protection.choices, blank=True)
    key_compromised = models.BooleanField(_("key or salt compromised"), null=True, blank=True)
    identifiability = models.CharField(
        _("ease of identification"), max_length=16, choices=Identifiability.choices, blank=True
    )
    already_public = models.BooleanField(_("data already lawfully public"), null=True, blank=True)
    persons_count = models.PositiveIntegerField(_("number of persons concerned"), null=True, blank=True)
    persons_count_is_estimate = models.BooleanField(_("the number is an estimate"), null=True, blank=True)
    person_categories = models.JSONField(_("categories of persons"), default=list, blank=True)
    records_count = models.PositiveIntegerField(_("number of records concerned"), null=True, blank=True)

    # Confidentiality.
    exfiltration = models.CharField(_("data taken out"), max_length=16, choices=Exfiltration.choices, blank=True)
    published = models.BooleanField(_("data made public"), null=True, blank=True)
    recipient = models.CharField(_("recipient of the data"), max_length=16, choices=DataRecipient.choices, blank=True)
    recipient_bound_by_secrecy = models.BooleanField(
        _("recipient bound by professional secrecy"), null=True, blank=True
    )
    accessed = models.BooleanField(_("data opened or accessed"), null=True, blank=True)
    recovered_or_deleted = models.BooleanField(_("data recovered or deleted"), null=True, blank=True)

    # Availability.
    backup = models.BooleanField(_("a backup exists"), null=True, blank=True)
    restored_within_hours = models.FloatField(_("restored within (hours)"), null=True, blank=True)
    permanent_loss = models.BooleanField(_("data permanently lost"), null=True, blank=True)
    impact_on_care = models.BooleanField(_("care disrupted"), null=True, blank=True)

    # Mitigation (GDPR art. 34(3)(b) and (c)).
    high_risk_neutralised = models.BooleanField(_("high risk neutralised by later measures"), null=True, blank=True)
    individual_contact_disproportionate = models.BooleanField(
        _("informing each person would take disproportionate effort"), null=True, blank=True
    )

    # Narrative, for the register and the documents (art. 33(3)).
    description = models.TextField(_("what happened"), blank=True)
    consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_planned = models.TextField(_("measures planned"), blank=True)
    processor_name = models.CharField(_("processor involved"), max_length=200, blank=True)

    # Decision: the core's result as computed, and the DPO's overruling if any (both kept).
    assessment = models.JSONField(_("assessment"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    override_notify_authority = models.BooleanField(null=True, blank=True)
    override_notify_data_subjects = models.BooleanField(null=True, blank=True)
    override_justification = models.TextField(_("justification of the overruling"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    intake_step = models.CharField(max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = BreachQuerySet.as_manager()

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["-became_aware_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="breach_reference_unique_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "became_aware_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        if self.became_aware_at and self.became_aware_at > timezone.now():
            raise ValidationError({"became_aware_at": _("The moment you became aware cannot be in the future.")})
        if self.occurred_at and self.became_aware_at and self.occurred_at > self.became_aware_at:
            raise ValidationError({"occurred_at": _("The breach cannot have occurred after you became aware of it.")})

    def missing_facts(self) -> list[str]:
        """The minimum facts still unknown, as field names (see ``MINIMUM_FACTS``)."""
        return [name for name in MINIMUM_FACTS if getattr(self, name) in (None, "", [])]

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    def to_facts(self) -> dict[str, Any]:
        """The breach as the decision core's input (``breach-facts.schema.json``): the single place where ORM
        rows become core facts. Unknown facts are left out, so that the core takes the prudent reading."""
        org = self.organisation
        controller: dict[str, Any] = {"kind": org.kind, "role": self.acting_as}
        controller["cyber_insurance"] = org.cyber_insurance
        controller["nis2_entity"] = org.nis2_entity

        def present(pairs: dict[str, Any]) -> dict[str, Any]:
            return {key: value for key, value in pairs.items() if value not in (None, "", [])}

        facts: dict[str, Any] = {
            "became_aware_at": _iso(self.became_aware_at),
            "controller": controller,
            "nature": present(
                {
                    "types": list(self.breach_types),
                    "origin": self.origin,
                    "malicious": self.malicious,
                    "ongoing": self.ongoing,
                    "certainty": self.certainty,
                }
            ),
            "data": present(
                {
                    "categories": list(self.data_categories),
                    "special_extent": self.special_extent,
                    "media": list(self.media or []),
                    "protection": self.protection,
                    "key_compromised": self.key_compromised,
                    "identifiability": self.identifiability,
                    "already_public": self.already_public,
                }
            ),
            "persons": present(
                {
                    "count": self.persons_count,
                    "count_is_estimate": self.persons_count_is_estimate,
                    "categories": list(self.person_categories),
                }
            ),
        }
        for name in ("occurred_at", "incident_detected_at", "processor_informed_at"):
            moment = getattr(self, name)
            if moment:
                facts[name] = _iso(moment)
        optional = {
            "confidentiality": present(
                {
                    "exfiltration": self.exfiltration,
                    "published": self.published,
                    "recipient": self.recipient,
                    "recipient_bound_by_secrecy": self.recipient_bound_by_secrecy,
                    "accessed": self.accessed,
                    "recovered_or_deleted": self.recovered_or_deleted,
                }
            ),
            "availability": present(
                {
                    "backup": self.backup,
                    "restored_within_hours": self.restored_within_hours,
                    "permanent_loss": self.permanent_loss,
                    "impact_on_care": self.impact_on_care,
                }
            ),
            "mitigation": present(
                {
                    "high_risk_neutralised": self.high_risk_neutralised,
                    "individual_contact_disproportionate": self.individual_contact_disproportionate,
                }
            ),
        }
        facts.update({key: value for key, value in optional.items() if value})
        return facts

    # --- Decision as it stands (the DPO's overruling wins, the computed result stays on record) ---------------

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def notify_authority(self) -> bool | None:
        if self.override_notify_authority is not None:
            return self.override_notify_authority
        return None if self.assessment is None else bool(self.assessment["notify_authority"])

    @property
    def notify_data_subjects(self) -> bool | None:
        if self.override_notify_data_subjects is not None:
            return self.override_notify_data_subjects
        return None if self.assessment is None else bool(self.assessment["notify_data_subjects"])

    def assessment_shown(self, lang: str | None = None) -> dict[str, Any] | None:
        """The stored assessment with its texts in ``lang`` (the active language by default); an assessment
        stored before texts were messages keeps its French wording."""
        return localise(self.assessment, lang or get_language())

    @property
    def cnil_deadline(self) -> datetime | None:
        """72 hours of absolute time after awareness (GDPR art. 33(1))."""
        if not self.became_aware_at:
            return None
        return self.became_aware_at.astimezone(UTC) + timedelta(hours=72)

    def obligation_rows(self, lang: str | None = None) -> list[ObligationRow]:
        """The assessment's obligations as they stand: the DPO's overruling applied, with what was done; titles
        and texts in ``lang`` (the active language by default).

        An overruling turns the CNIL notification or the information of persons on or off; the computed
        verdict stays in ``assessment`` and in the journal.
        """
        if not self.assessment:
            return []
        states = {state.obligation: state for state in self.obligation_states.all()}
        rows = []
        for item in localise_obligations(self.assessment.get("obligations", []), lang or get_language()):
            due = datetime.fromisoformat(item["due"]) if item.get("due") else None
            row = ObligationRow(
                id=item["id"],
                title=item["title"],
                status=item["status"],
                due=due,
                basis=item.get("basis", ""),
                why=item.get("why", ""),
                state=states.get(item["id"]),
            )
            override = {
                "notify_cnil": self.override_notify_authority,
                "inform_persons": self.override_notify_data_subjects,
            }.get(row.id)
            if override is not None and override != row.applies:
                row.overruled = True
                row.status = "required" if override else "not_applicable"
                row.due = self.cnil_deadline if override and row.id == "notify_cnil" else None
            rows.append(row)
        return rows

    def obligation(self, obligation_id: str, lang: str | None = None) -> ObligationRow | None:
        return next((row for row in self.obligation_rows(lang) if row.id == obligation_id), None)


def obligation_title(obligation_id: str, lang: str | None = None) -> str:
    """The title of an obligation in ``lang`` (the active language by default), from its stable id."""
    return render(Message(f"obligation.{obligation_id}.title"), lang or get_language())


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


class ObligationStateQuerySet(OrgQuerySet["ObligationState"]):
    org_path = "breach__organisation"


class ObligationState(models.Model):
    """What has been done about one obligation of a breach (the obligation itself comes from the assessment)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="obligation_states")
    obligation = models.CharField(max_length=32)  # the core's stable id: notify_cnil, inform_persons…
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("E.g. the CNIL receipt number.")
    )
    note = models.TextField(_("note"), blank=True)
    delay_reasons = models.TextField(_("reasons for the delay"), blank=True)

    objects = ObligationStateQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["breach", "obligation"], name="one_state_per_obligation")]

    def __str__(self) -> str:
        return f"{self.breach.reference} {self.obligation}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ReminderSent(models.Model):
    """One reminder e-mail sent before a deadline; the unique key makes the reminder task idempotent."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="reminders_sent")
    obligation = models.CharField(max_length=32)
    hours_before = models.PositiveSmallIntegerField()
    # The deadline reminded of: when the facts move a deadline, its reminders are due again.
    due = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "obligation", "due", "hours_before"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"{self.breach_id} {self.obligation} T-{self.hours_before} h"


class OverdueReminderSent(models.Model):
    """One e-mail about a breach's overdue obligations; the unique key sends at most one per breach and day."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="overdue_reminders")
    day = models.DateField()
    obligations = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["breach", "day"], name="one_overdue_reminder_per_day")]

    def __str__(self) -> str:
        return f"{self.breach_id} overdue {self.day}"


class EventKind(models.TextChoices):
    DECLARED = "declared", _("Breach declared")
    FACTS_CHANGED = "facts_changed", _("Facts changed")
    ASSESSED = "assessed", _("Assessed")
    OVERRULED = "overruled", _("Decision overruled")
    OBLIGATION_DONE = "obligation_done", _("Obligation done")
    OBLIGATION_REOPENED = "obligation_reopened", _("Obligation reopened")
    DOCUMENT_GENERATED = "document_generated", _("Document generated")
    DETAILS_RECORDED = "details_recorded", _("Incident details recorded")
    NOTE = "note", _("Note added")
    REMINDER_SENT = "reminder_sent", _("Reminder sent")
    CLOSED = "closed", _("Breach closed")
    REOPENED = "reopened", _("Breach reopened")
    CAMPAIGN_PAUSED = "campaign_paused", _("Campaign paused by a mail server failure")
    # Written by ``vigie.incidents``: the breach of a controller alerted by its processor (GDPR art. 33(2)).
    PROCESSOR_ALERT = "processor_alert", _("Alert received from the processor")
    ALERT_ACKNOWLEDGED = "alert_acknowledged", _("Processor's alert acknowledged")
    PERSONS_RECEIVED = "persons_received", _("Persons received from the processor's file")


class TimelineEventQuerySet(OrgQuerySet["TimelineEvent"]):
    org_path = "breach__organisation"


class JournalEntry(models.Model):
    """An entry of a journal (a breach's, an incident's). Append-only: never changed or deleted once written.

    The concrete journal adds what the entry belongs to, its ``kind`` (its own choices) and ``at``.
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # The sentence in French as written: the record, quoted by the documents.
    summary = models.TextField()
    # The same sentence as message ids and parameters (``breaches.journal``), shown in the reader's language;
    # null for an entry written before.
    message = models.JSONField(null=True, blank=True, default=None)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``_state.adding`` rather than ``pk``: a new entry may be given its primary key (fixtures, imports).
        if not self._state.adding:
            raise ValidationError("Journal entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Journal entries are append-only.")

    @classmethod
    def write(cls, message: list[dict[str, Any]], **fields: Any) -> Any:
        """Append an entry saying ``message`` (``breaches.journal`` pieces); its ``summary`` is the French text."""
        from .journal import render

        return cls._default_manager.create(summary=render(message, settings.LANGUAGE_CODE), message=message, **fields)

    @property
    def text(self) -> str:
        """What the entry says, in the active language (its recorded French ``summary`` for an older entry)."""
        from .journal import shown

        return shown(self.message, self.summary)


class TimelineEvent(JournalEntry):
    """One entry of a breach's journal."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta(JournalEntry.Meta):
        pass
