"""The assessment, in one place: two axes per feared event → matrix → risk; ENISA as a cross-check; GDPR duties.

1. The facts are read once, unknowns taken the prudent way (``reading.read``).
2. Each feared event the breach realises (unlawful access, alteration, loss) is placed on the two axes,
   likelihood and severity (``criteria.py``, EDPB 9/2022 § IV.B, CNIL PIA method); ``criteria.MATRIX`` gives
   its risk, and the breach's risk is that of its worst event. Mitigations lower the likelihood, so one
   aggravating fact no longer outweighs every mitigating one.
3. The ENISA 2013 score is computed and compared; where it disagrees the two-axis reading prevails and a
   reason says so, and why (the EDPB presents ENISA as one aid among others).
4. GDPR art. 33: notify the authority unless the breach is unlikely to result in a risk. Art. 34: tell the
   people when the risk is high, unless an art. 34(3) exception applies ((c) only changes the channel).
5. The formalities follow (``obligations.py``), their clocks running in absolute time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .criteria import (
    MATRIX,
    EventAssessment,
    Reason,
    confidentiality_likelihood,
    data_severity,
    events,
    matrix,
    reason,
    worst,
)
from .facts import BreachFacts
from .french import deadline, paris_iso
from .messages import Message, render
from .obligations import Obligation, Verdict, obligations
from .reading import Reading, read
from .severity import Severity, score
from .vocabulary import AXIS_LEVELS, RISK_LEVELS

# What the ENISA level would mean if read alone (in practice SE ≥ 2 notify, SE ≥ 3 inform).
ENISA_READING = {"low": "unlikely", "medium": "risk", "high": "high", "very_high": "high"}
# Version of the assessment's JSON: 2 adds the axes, the events and the texts as messages (``i18n``).
VERSION = 2


@dataclass(frozen=True, slots=True)
class Axes:
    """The two axes of the event that sets the risk (CNIL levels; the CNIL form's « gravité » is ``severity``)."""

    likelihood: str  # negligible | limited | significant | maximum
    severity: str
    event: str | None  # confidentiality | integrity | availability

    def to_dict(self) -> dict[str, str | None]:
        return {"likelihood": self.likelihood, "severity": self.severity, "event": self.event}


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of ``assess``: the two axes and their events, the GDPR reading, the ENISA score, the
    formalities and the reasons. Texts are messages; the plain properties render them in French."""

    risk: str
    axes: Axes
    events: tuple[EventAssessment, ...]
    severity: Severity  # the ENISA score (cross-check)
    enisa_agrees: bool
    notify_authority: bool
    notify_data_subjects: bool
    data_subjects_channel: str | None
    obligations: tuple[Obligation, ...]
    reasons: tuple[Reason, ...]
    exceptions: tuple[str, ...]
    assumption_messages: tuple[Message, ...]
    became_aware_at: datetime
    now: datetime | None
    late_notification: bool
    decision_message: Message

    @property
    def decision(self) -> str:
        return render(self.decision_message, "fr")

    @property
    def prudent_assumptions(self) -> tuple[str, ...]:
        return tuple(render(message, "fr") for message in self.assumption_messages)

    def obligation(self, oid: str) -> Obligation:
        """The obligation with id ``oid`` (every id of the contract is always present)."""
        return next(obligation for obligation in self.obligations if obligation.id == oid)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        """The result as JSON data, its texts written in ``lang`` and kept as messages under ``i18n``."""
        return {
            "version": VERSION,
            "risk": self.risk,
            "axes": self.axes.to_dict(),
            "events": [event.to_dict() for event in self.events],
            "severity": self.severity.to_dict(lang),
            "enisa": {"reading": ENISA_READING[self.severity.level], "agrees": self.enisa_agrees},
            "notify_authority": self.notify_authority,
            "notify_data_subjects": self.notify_data_subjects,
            "data_subjects_channel": self.data_subjects_channel,
            "obligations": [obligation.to_dict(lang) for obligation in self.obligations],
            "reasons": [why.to_dict(lang) for why in self.reasons],
            "exceptions": list(self.exceptions),
            "late_notification": self.late_notification,
            "prudent_assumptions": [render(message, lang) for message in self.assumption_messages],
            "decision": render(self.decision_message, lang),
            "became_aware_at": paris_iso(self.became_aware_at),
            "cnil_deadline": paris_iso(deadline(self.became_aware_at, 72)),
            "now": None if self.now is None else paris_iso(self.now),
            "i18n": {
                "decision": self.decision_message.to_dict(),
                "prudent_assumptions": [message.to_dict() for message in self.assumption_messages],
            },
        }


def assess(facts: BreachFacts, now: datetime | None = None) -> Assessment:
    """Assess a breach: its two axes and risk under GDPR arts 33–34, ENISA severity, every formality and clock.

    ``now`` (aware) only serves the lateness fields; the assessment itself does not depend on it.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (with a UTC offset)")
    r = read(facts)

    assessed = events(r)
    top = worst(assessed)
    risk = top.risk if top is not None else "unlikely"
    axes = Axes(top.likelihood, top.severity, top.event) if top else Axes("negligible", "negligible", None)
    reasons: list[Reason] = [why for event in assessed for why in event.reasons]
    for event in assessed:
        reasons.append(
            reason(
                "raises" if event.risk != "unlikely" else "lowers",
                "matrix",
                "decision.matrix",
                event=event.event,
                likelihood=event.likelihood,
                severity=event.severity,
                risk=event.risk,
            )
        )
    if risk == "unlikely":
        reasons.append(reason("lowers", "overall", "decision.unlikely"))

    severity = score(r)
    enisa_risk = ENISA_READING[severity.level]
    reasons.append(enisa_cross_check(severity, risk, top))

    exceptions: list[str] = []
    confidentiality = next((event for event in assessed if event.event == "confidentiality"), None)
    if confidentiality is not None and r.unintelligible and _high_if_readable(r):
        # Encryption is what keeps unlawful access below high risk: art. 34(3)(a). It does nothing for the
        # loss of access, so when the high risk comes from another event the exception does not apply.
        if risk == "high":
            reasons.append(reason("raises", "exception_34_3_a_not_applicable", "decision.exception_a_not_applicable"))
        else:
            exceptions.append("a")
            reasons.append(reason("lowers", "exception_34_3_a", "decision.exception_a"))
    if risk == "high":
        if facts.mitigation.high_risk_neutralised is True:
            exceptions.append("b")
            reasons.append(reason("lowers", "exception_34_3_b", "decision.exception_b"))
        if facts.mitigation.individual_contact_disproportionate is True:
            exceptions.append("c")
            reasons.append(reason("lowers", "exception_34_3_c", "decision.exception_c"))

    notify_authority = risk != "unlikely"
    notify_data_subjects = risk == "high" and not {"a", "b"} & set(exceptions)
    channel = ("public" if "c" in exceptions else "individual") if notify_data_subjects else None
    verdict = Verdict(
        risk,
        notify_authority,
        notify_data_subjects,
        channel,
        tuple(exceptions),
        confidentiality.risk if confidentiality is not None else "unlikely",
    )
    formalities = obligations(r, verdict, now)
    cnil = next(obligation for obligation in formalities if obligation.id == "notify_cnil")
    return Assessment(
        risk=risk,
        axes=axes,
        events=assessed,
        severity=severity,
        enisa_agrees=enisa_risk == risk,
        notify_authority=notify_authority,
        notify_data_subjects=notify_data_subjects,
        data_subjects_channel=channel,
        obligations=formalities,
        reasons=tuple(reasons),
        exceptions=tuple(exceptions),
        assumption_messages=r.assumptions,
        became_aware_at=facts.became_aware_at,
        now=now,
        late_notification=cnil.status == "required" and cnil.overdue,
        decision_message=decision_message(r, verdict),
    )


def _high_if_readable(r: Reading) -> bool:
    """Would unlawful access be high risk if the data were readable (the counterfactual of art. 34(3)(a))?"""
    likelihood = confidentiality_likelihood(r, counting_protection=False)
    return matrix(likelihood.name, data_severity(r, "confidentiality").name) == "high"


def enisa_cross_check(severity: Severity, risk: str, top: EventAssessment | None) -> Reason:
    """ENISA 2013 as an aid; where it disagrees, the two-axis reading prevails and the reason says why."""
    enisa_risk = ENISA_READING[severity.level]
    params: dict[str, Any] = {
        "dpc": severity.dpc,
        "ei": severity.ei,
        "cb": severity.cb,
        "score": severity.score,
        "enisa_level": severity.level,
    }
    if enisa_risk == risk:
        return reason("raises" if risk != "unlikely" else "lowers", "enisa_severity", "decision.enisa_agrees", **params)
    harsher = RISK_LEVELS.index(enisa_risk) > RISK_LEVELS.index(risk)
    # What ENISA does not weigh: the facts that moved the deciding event the other way.
    wanted = "lowers" if harsher else "raises"
    factors: list[str] = []
    for why in top.reasons if top is not None else ():
        if why.effect == wanted and why.factor not in factors and why.factor in ENISA_BLIND_SPOTS:
            factors.append(why.factor)
    message_id = "decision.enisa_harsher" if harsher else "decision.enisa_milder"
    if not factors:
        message_id += "_matrix"
    return reason(
        "lowers" if harsher else "raises",
        "enisa_vs_edpb",
        message_id,
        **params,
        enisa_risk=enisa_risk,
        risk=risk,
        factors=factors[:4],
        likelihood=top.likelihood if top else AXIS_LEVELS[0],
        severity=top.severity if top else AXIS_LEVELS[0],
    )


# Facts the two-axis reading weighs and the ENISA score does not (or not as much): named when they disagree.
ENISA_BLIND_SPOTS = frozenset(
    {
        "publication",
        "malicious_holder",
        "stolen",
        "accessed",
        "ongoing",
        "already_public",
        "not_accessed",
        "secrecy_and_deletion",
        "secrecy",
        "recovered",
        "trusted_recipient",
        "exfiltration_excluded",
        "special_minor",
        "special_highly_sensitive",
        "persons_characteristics",
        "number_of_persons",
        "impact_on_care",
        "permanent_loss",
        "availability",
        "data_sensitivity",
    }
)


def decision_message(r: Reading, v: Verdict) -> Message:
    """The decision in one sentence, for the top of reports and lists."""
    if r.processor:
        if v.notify_authority:
            return Message("decision.processor_persons" if v.notify_data_subjects else "decision.processor_cnil")
        return Message("decision.processor_none")
    if v.notify_data_subjects and v.channel == "public":
        return Message("decision.public")
    if v.notify_data_subjects:
        return Message("decision.individual")
    if v.notify_authority:
        letters = [letter for letter in v.exceptions if letter in ("a", "b")]
        if letters:
            return Message("decision.cnil_exception", {"letters": [f"34(3)({letter})" for letter in letters]})
        return Message("decision.cnil")
    return Message("decision.register")


__all__ = ["MATRIX", "Assessment", "Axes", "assess"]
