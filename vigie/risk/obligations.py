"""Every formality considered after a breach, applicable or not, with its deadline, its clock and why.

One function per obligation id (the ids and their order are part of the output contract). Each returns its
status, its deadline in hours (or ``None``), the moment its clock starts from, and why, as messages;
``obligations`` adds titles, legal bases, due dates in absolute time and lateness relative to ``now``.

Clocks: the CNIL's 72 hours run from the awareness of the personal-data breach (GDPR art. 33(1)); the insurance
complaint (C. assur. L.12-10-1), the ARS report (« sans délai », CSP L.1111-8-2) and the NIS2 early warning
(art. 23(4)(a)) run from the detection of the incident (``incident_detected_at``, else the awareness).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .french import deadline, elapsed, paris_iso
from .messages import Message, render, render_all
from .reading import DEVICE_ORIGINS, Reading


@dataclass(frozen=True, slots=True)
class Verdict:
    """The GDPR reading the formalities depend on (see ``decision.assess``)."""

    risk: str
    notify_authority: bool
    notify_data_subjects: bool
    channel: str | None
    exceptions: tuple[str, ...]
    confidentiality_risk: str = "unlikely"  # the risk of the unlawful-access event alone


@dataclass(frozen=True, slots=True)
class Obligation:
    """One formality: what to do, whether it applies, by when (Paris time) and from which moment, on what basis,
    and why. Texts are messages, rendered in French by ``title``, ``basis`` and ``why``."""

    id: str
    status: str  # required | recommended | not_applicable
    due: datetime | None
    title_message: Message
    basis_message: Message
    why_messages: tuple[Message, ...]
    overdue: bool = False
    clock: str | None = None  # became_aware_at | incident_detected_at: what ``due`` counts from

    @property
    def title(self) -> str:
        return render(self.title_message, "fr")

    @property
    def basis(self) -> str:
        return render(self.basis_message, "fr")

    @property
    def why(self) -> str:
        return render_all(self.why_messages, "fr")

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "id": self.id,
            "title": render(self.title_message, lang),
            "status": self.status,
            "due": None if self.due is None else paris_iso(self.due),
            "clock": self.clock,
            "basis": render(self.basis_message, lang),
            "why": render_all(self.why_messages, lang),
            "overdue": self.overdue,
            "i18n": {
                "title": self.title_message.to_dict(),
                "basis": self.basis_message.to_dict(),
                "why": [message.to_dict() for message in self.why_messages],
            },
        }


@dataclass(frozen=True, slots=True)
class Rule:
    """What one obligation function decides."""

    status: str
    why: tuple[str, ...]  # message ids, in order
    hours: int | None = None
    clock: str | None = None
    basis: str | None = None  # a basis message id other than ``obligation.<id>.basis``
    params: dict[str, Any] | None = None


def rule(
    status: str,
    *why: str,
    hours: int | None = None,
    clock: str | None = None,
    basis: str | None = None,
    **params: Any,
) -> Rule:
    """A ``Rule``: the why as message ids (sharing ``params``), and the clock of ``hours`` if any."""
    return Rule(status, why, hours, clock, basis, params or None)


def detection_clock(r: Reading) -> str:
    """The clock of a deadline that runs from the incident: its detection when known, else the awareness."""
    return "incident_detected_at" if r.facts.incident_detected_at else "became_aware_at"


ARS_REQUIRED_KINDS = frozenset({"etablissement_sante", "laboratoire", "centre_sante", "medico_social"})
ARS_RECOMMENDED_KINDS = frozenset({"cabinet_medical", "pharmacie", "other_health"})
ORDRE_KINDS = frozenset({"cabinet_medical", "centre_sante", "pharmacie", "laboratoire", "other_health"})
ORDRE_ORIGINS = DEVICE_ORIGINS | {"lost_paper", "stolen_paper", "improper_disposal", "processor_incident"}
# Appended to ``why`` once the deadline has passed.
LATE = frozenset({"notify_cnil", "police_complaint", "nis2_early_warning"})


def significant_incident(r: Reading, v: Verdict) -> bool:
    """A « significant or serious » incident (CSP D.1111-16-2; arrêté du 30 octobre 2017): actual or potential
    effects on the safety of care, on the confidentiality or integrity of health data, or on the running of the
    structure. Unknown effects are taken the prudent way; a short outage without effect on care is not one."""
    health_data = (bool(r.special) and r.special_extent != "minor") or r.patients
    return r.it_incident and (
        r.care_affected
        or r.outage in ("long", "permanent")
        or r.altered_unrecovered
        or r.facts.nature.ongoing is True
        or (health_data and v.confidentiality_risk != "unlikely")
    )


def register(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(5): the controller documents every breach, notified or not; for a processor it is advice."""
    if r.processor:
        return rule("recommended", "obligation.register.processor")
    return rule("required", "obligation.register.controller")


def notify_cnil(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(1): notify within 72 hours unless the breach is unlikely to result in a risk."""
    if r.processor:
        reading = (
            "obligation.notify_cnil.processor_needed"
            if v.notify_authority
            else "obligation.notify_cnil.processor_not_needed"
        )
        return rule("not_applicable", "obligation.notify_cnil.processor", reading)
    if v.notify_authority:
        level = "obligation.notify_cnil.high" if v.risk == "high" else "obligation.notify_cnil.risk"
        return rule("required", level, hours=72, clock="became_aware_at")
    return rule("not_applicable", "obligation.notify_cnil.unlikely")


def inform_persons(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 34: tell the people without undue delay when the risk is high, save a 34(3) exception."""
    if r.processor:
        reading = (
            "obligation.inform_persons.processor_needed"
            if v.notify_data_subjects
            else "obligation.inform_persons.processor_not_needed"
        )
        return rule("not_applicable", "obligation.inform_persons.processor", reading)
    if v.notify_data_subjects and v.channel == "public":
        return rule("required", "obligation.inform_persons.public")
    if v.notify_data_subjects:
        return rule("required", "obligation.inform_persons.individual")
    if "b" in v.exceptions:
        return rule("not_applicable", "obligation.inform_persons.exception_b")
    if "a" in v.exceptions:
        return rule("not_applicable", "obligation.inform_persons.exception_a")
    return rule("not_applicable", "obligation.inform_persons.not_high")


def processor_to_controller(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(2): a processor alerts each controller without undue delay, without assessing risk."""
    if r.processor:
        return rule("required", "obligation.processor_to_controller.processor")
    return rule("not_applicable", "obligation.processor_to_controller.controller")


def police_complaint(r: Reading, v: Verdict) -> Rule:
    """Code pénal 323-1 s., 311-1, 226-4-1: a complaint whenever an offence is likely. For an attack on an
    information system, Code des assurances L.12-10-1 makes a complaint within 72 hours of its detection the
    condition of cyber-insurance cover: a condition of the contract, not a legal obligation."""
    if not r.offence_likely:
        return rule("not_applicable", "obligation.police_complaint.no_offence")
    insured = r.facts.controller.cyber_insurance
    if r.is_attack and insured is not False:
        clock = detection_clock(r)
        condition = (
            "obligation.police_complaint.insured" if insured else "obligation.police_complaint.insurance_unknown"
        )
        return rule(
            "recommended",
            "obligation.police_complaint.offence",
            condition,
            hours=72,
            clock=clock,
            basis="obligation.police_complaint.basis_insurance",
        )
    why = ["obligation.police_complaint.offence"]
    if insured and not r.is_attack:
        why.append("obligation.police_complaint.not_an_attack")
    return rule("recommended", *why)


def ars_cert_sante(r: Reading, v: Verdict) -> Rule:
    """CSP L.1111-8-2, D.1111-16-2: significant or serious IT security incidents, reported « sans délai » from
    their detection."""
    kind = r.facts.controller.kind
    if kind not in ARS_REQUIRED_KINDS | ARS_RECOMMENDED_KINDS:
        return rule("not_applicable", "obligation.ars_cert_sante.not_health")
    if not r.it_incident:
        return rule("not_applicable", "obligation.ars_cert_sante.not_it")
    if not significant_incident(r, v):
        return rule("not_applicable", "obligation.ars_cert_sante.not_significant")
    since = paris_iso(r.detected_at)
    if kind in ARS_REQUIRED_KINDS:
        return rule("required", "obligation.ars_cert_sante.required", "obligation.ars_cert_sante.since", moment=since)
    return rule("recommended", "obligation.ars_cert_sante.recommended", "obligation.ars_cert_sante.since", moment=since)


def nis2_early_warning(r: Reading, v: Verdict) -> Rule:
    """Directive (EU) 2022/2555 art. 23: for a significant incident of an essential or important entity, an early
    warning within 24 hours of becoming aware of the incident, a notification in 72 hours, a final report in a
    month; the French transposition governs."""
    entity = r.facts.controller.nis2_entity
    if not entity:
        return rule(
            "not_applicable",
            "obligation.nis2_early_warning.unknown" if entity is None else "obligation.nis2_early_warning.not_entity",
        )
    if not r.it_incident:
        return rule("not_applicable", "obligation.nis2_early_warning.not_it")
    if not significant_incident(r, v):
        return rule("not_applicable", "obligation.nis2_early_warning.not_significant")
    return rule("required", "obligation.nis2_early_warning.required", hours=24, clock=detection_clock(r))


def ordre(r: Reading, v: Verdict) -> Rule:
    """Good practice only (no GDPR or CSP rule requires writing to the departmental council)."""
    origin = r.facts.nature.origin
    lost_stolen_hacked = r.intrusion or origin in ORDRE_ORIGINS
    if r.facts.controller.kind in ORDRE_KINDS and r.patients and lost_stolen_hacked:
        return rule("recommended", "obligation.ordre.recommended")
    return rule("not_applicable", "obligation.ordre.not_applicable")


def cybermalveillance(r: Reading, v: Verdict) -> Rule:
    """cybermalveillance.gouv.fr (GIP ACYMA) and 17Cyber: help for victims, not a legal notification."""
    if r.offence_likely and (r.it_incident or r.intrusion):
        return rule("recommended", "obligation.cybermalveillance.recommended")
    return rule("not_applicable", "obligation.cybermalveillance.not_applicable")


def insurer(r: Reading, v: Verdict) -> Rule:
    """The insurance contract sets the claim deadline; L.12-10-1 ties the cover of an attack to a complaint."""
    insured = r.facts.controller.cyber_insurance
    if insured:
        attack = "obligation.insurer.attack" if r.is_attack else "obligation.insurer.not_attack"
        return rule("recommended", "obligation.insurer.insured", attack)
    if insured is None and (r.malicious or r.is_attack):
        return rule("recommended", "obligation.insurer.unknown")
    return rule("not_applicable", "obligation.insurer.not_applicable")


RULES: dict[str, Callable[[Reading, Verdict], Rule]] = {
    "register": register,
    "notify_cnil": notify_cnil,
    "inform_persons": inform_persons,
    "processor_to_controller": processor_to_controller,
    "police_complaint": police_complaint,
    "ars_cert_sante": ars_cert_sante,
    "nis2_early_warning": nis2_early_warning,
    "ordre": ordre,
    "cybermalveillance": cybermalveillance,
    "insurer": insurer,
}


def obligations(r: Reading, v: Verdict, now: datetime | None) -> tuple[Obligation, ...]:
    """All obligations in contract order, due dates counted in absolute time from their clock."""
    out = []
    for oid, decide in RULES.items():
        found = decide(r, v)
        start = r.detected_at if found.clock == "incident_detected_at" else r.facts.became_aware_at
        due = None if found.hours is None else deadline(start, found.hours)
        overdue = due is not None and now is not None and elapsed(due, now) > timedelta(0)
        params = found.params or {}
        why = [Message(message_id, params) for message_id in found.why]
        if overdue and oid in LATE:
            why.append(Message(f"obligation.{oid}.late"))
        out.append(
            Obligation(
                id=oid,
                status=found.status,
                due=due,
                title_message=Message(f"obligation.{oid}.title"),
                basis_message=Message(found.basis or f"obligation.{oid}.basis"),
                why_messages=tuple(why),
                overdue=overdue,
                clock=found.clock,
            )
        )
    return tuple(out)
