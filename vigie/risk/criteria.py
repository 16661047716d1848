"""The two axes of the assessment: the likelihood that the breach harms the persons, and the severity of that harm.

Sources: EDPB Guidelines 9/2022 (v2.0, 28 March 2023, formerly WP250 rev.01), part IV.B: "the risk is
assessed by its likelihood and its severity", with the factors type of breach; nature, sensitivity and volume
of data; ease of identification; severity and permanence of consequences; special characteristics of the
individuals and of the controller; number of individuals. The CNIL's PIA method gives the four levels
(négligeable, limitée, importante, maximale) and assesses each *feared event* on its own: unlawful access to the
data (confidentiality), their unwanted alteration (integrity), their disappearance (availability).

For each feared event that the breach realises, two ladders: the likelihood starts from how far the data went
and who holds them, then each mitigating fact lowers it (state-of-the-art encryption or salted hashing with the
key or salt safe, a recipient bound by secrecy who deleted the data, a letter returned unopened, data already
lawfully public) and each aggravating one raises it; the severity starts from the nature of the data, then the
persons (patients, minors, vulnerable people), the volume and the ease of identification move it. ``MATRIX``
turns the two levels into unlikely / risk / high; the breach's risk is that of its worst feared event.

Every move is a ``Reason``: which event, which axis, raises or lowers, why (a ``Message``) and on what basis.
Every move is monotone, so more sensitive data or more exposure never lowers the risk, and a mitigation never
raises it (``tests/test_properties.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .messages import Message
from .reading import MISDIRECTED_ORIGINS, STOLEN_ORIGINS, Reading
from .vocabulary import AXIS_LEVELS, RISK_LEVELS

NEGLIGIBLE, LIMITED, SIGNIFICANT, MAXIMUM = range(4)

# Likelihood (rows) × severity (columns) → unlikely / risk / high. Read it as the EDPB does: where harm is
# practically impossible nothing is notified whatever the data (encrypted data: 01/2021 cases 1 and 10); a
# maximal harm is high risk as soon as it is merely possible (health data before an unknown finder); a likely
# harm is high from a limited severity (applicants' files in a criminal's hands, 01/2021 case 5), but never
# for data whose loss barely matters (a former employee keeping clients' contact details: case 8, "risk").
MATRIX: tuple[tuple[str, str, str, str], ...] = (
    ("unlikely", "unlikely", "unlikely", "unlikely"),  # negligible likelihood
    ("unlikely", "risk", "risk", "high"),  # limited
    ("risk", "risk", "high", "high"),  # significant
    ("risk", "high", "high", "high"),  # maximum
)

# Severity of the data by their nature alone (CNIL PIA method; ENISA 2013 data processing context): what
# their disclosure can do to a person. Special categories are set by their extent, below.
CATEGORY_SEVERITY: dict[str, int] = {
    "identity": NEGLIGIBLE,
    "contact": NEGLIGIBLE,
    "other": NEGLIGIBLE,
    "birth_date": LIMITED,
    "professional": LIMITED,
    "location": LIMITED,
    "communications": LIMITED,
    "behavioural": LIMITED,
    # Data that let a third party pass as the person or reach their money or rights (01/2021 cases 4, 7, 14, 17).
    "national_id": SIGNIFICANT,
    "official_id": SIGNIFICANT,
    "financial": SIGNIFICANT,
    "payment_card": SIGNIFICANT,
    "credentials": SIGNIFICANT,
    "social_welfare": SIGNIFICANT,
}
# GDPR art. 9 and 10 data, by the extent of what is exposed (the ``special_extent`` fact).
SPECIAL_SEVERITY: dict[str, int] = {"minor": NEGLIGIBLE, "substantial": SIGNIFICANT, "highly_sensitive": MAXIMUM}
# Genetic data and sex life reveal, once substantial, what cannot be changed or taken back.
INTIMATE = frozenset({"genetic", "sexual_life"})


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor behind the decision: what it is, whether it raises or lowers the risk, which feared event and
    which axis it moves, why (a message) and on what basis (a message)."""

    factor: str
    effect: str  # raises | lowers
    message: Message
    source: Message
    axis: str | None = None  # likelihood | severity, or None for the decision itself
    event: str | None = None  # confidentiality | integrity | availability, or None

    @property
    def text(self) -> str:
        """The reason in French (the language of the record)."""
        return self.message.render("fr")

    @property
    def basis(self) -> str:
        return self.source.render("fr")

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "factor": self.factor,
            "effect": self.effect,
            "axis": self.axis,
            "event": self.event,
            "text": self.message.render(lang),
            "basis": self.source.render(lang),
            "i18n": {"text": self.message.to_dict(), "basis": self.source.to_dict()},
        }


def reason(effect: str, factor: str, message_id: str, **params: Any) -> Reason:
    """A reason of the decision itself (no axis); its basis is the message ``<message_id>.basis``. An ``event``
    parameter also ties the reason to that feared event."""
    event = params.get("event")
    return Reason(factor, effect, Message(message_id, params), Message(f"{message_id}.basis"), None, event)


class Ladder:
    """One axis of one feared event: a level from 0 (negligible) to 3 (maximum), and the reasons that set it."""

    def __init__(self, event: str, axis: str) -> None:
        self.event, self.axis = event, axis
        self.level = NEGLIGIBLE
        self.reasons: list[Reason] = []

    def _note(self, effect: str, factor: str, message_id: str, params: dict[str, Any]) -> None:
        params = {**params, "level": AXIS_LEVELS[self.level]}
        self.reasons.append(
            Reason(factor, effect, Message(message_id, params), Message(f"{message_id}.basis"), self.axis, self.event)
        )

    def start(self, level: int, factor: str, message_id: str, **params: Any) -> None:
        self.level = level
        self._note("raises" if level >= SIGNIFICANT else "lowers", factor, message_id, params)

    def up(self, factor: str, message_id: str, steps: int = 1, **params: Any) -> None:
        self.level = min(MAXIMUM, self.level + steps)
        self._note("raises", factor, message_id, params)

    def down(self, factor: str, message_id: str, floor: int = NEGLIGIBLE, **params: Any) -> None:
        if self.level > floor:
            self.level = max(floor, self.level - 1)
        self._note("lowers", factor, message_id, params)

    def at_most(self, level: int, factor: str, message_id: str, **params: Any) -> None:
        self.level = min(self.level, level)
        self._note("lowers", factor, message_id, params)

    def at_least(self, level: int, factor: str, message_id: str, **params: Any) -> None:
        if self.level < level:
            self.level = level
            self._note("raises", factor, message_id, params)

    def note(self, effect: str, factor: str, message_id: str, **params: Any) -> None:
        """A fact that weighs without moving the level (it explains why a protection does not apply, say)."""
        self._note(effect, factor, message_id, params)

    @property
    def name(self) -> str:
        return AXIS_LEVELS[self.level]


@dataclass(frozen=True, slots=True)
class EventAssessment:
    """One feared event of the breach on the two axes, and the risk the matrix gives it."""

    event: str  # confidentiality | integrity | availability
    likelihood: str  # negligible | limited | significant | maximum
    severity: str
    risk: str  # unlikely | risk | high
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, str]:
        return {"event": self.event, "likelihood": self.likelihood, "severity": self.severity, "risk": self.risk}


def matrix(likelihood: str, severity: str) -> str:
    """The risk for a likelihood and a severity (``MATRIX``)."""
    return MATRIX[AXIS_LEVELS.index(likelihood)][AXIS_LEVELS.index(severity)]


def _event(event: str, likelihood: Ladder, severity: Ladder) -> EventAssessment:
    return EventAssessment(
        event,
        likelihood.name,
        severity.name,
        matrix(likelihood.name, severity.name),
        (*likelihood.reasons, *severity.reasons),
    )


# --- Confidentiality: unlawful access to the data -------------------------------------------------------------


def confidentiality_likelihood(r: Reading, *, counting_protection: bool = True) -> Ladder:
    """How likely the exposed data are read or misused (9/2022 § IV.B type of breach, ease of identification,
    severity: trusted recipient, malice; 01/2021 cases 1, 5, 6, 8, 9, 10, 13, 15).

    ``counting_protection=False`` leaves encryption and salted hashing out, to tell whether art. 34(3)(a) is
    what keeps the risk below high."""
    facts = r.facts
    conf, origin = facts.confidentiality, facts.nature.origin
    ladder = Ladder("confidentiality", "likelihood")
    holder_unknown = conf.recipient in (None, "unknown", "malicious")
    if r.published:
        ladder.start(MAXIMUM, "publication", "c.l.published")
    elif conf.recipient == "malicious" or (
        r.exfiltration in ("confirmed", "likely") and holder_unknown and (r.malicious or r.intrusion)
    ):
        ladder.start(MAXIMUM, "malicious_holder", "c.l.malicious_holder", origin=origin)
    elif r.exfiltration in ("confirmed", "likely"):
        ladder.start(SIGNIFICANT, "taken_out", "c.l.taken_out")
    elif r.exfiltration == "possible":
        ladder.start(SIGNIFICANT, "possible_exfiltration", "c.l.possible_exfiltration", origin=origin)
    elif origin in STOLEN_ORIGINS:
        ladder.start(SIGNIFICANT, "stolen", "c.l.stolen", origin=origin)
    elif conf.recipient == "trusted":
        ladder.start(LIMITED, "trusted_recipient", "c.l.trusted_recipient")
    elif r.exfiltration == "excluded" and origin not in MISDIRECTED_ORIGINS and conf.recipient is None:
        ladder.start(NEGLIGIBLE, "exfiltration_excluded", "c.l.exfiltration_excluded")
    else:
        ladder.start(LIMITED, "out_of_hands", "c.l.out_of_hands", origin=origin)

    # Aggravating facts.
    if conf.accessed is True:
        ladder.up("accessed", "c.l.accessed")
    if facts.nature.ongoing is True:
        ladder.up("ongoing", "c.l.ongoing")
    protection = facts.data.protection
    if protection in ("encrypted", "hashed_salted") and facts.data.key_compromised is True:
        ladder.note("raises", "key_compromised", "c.l.key_compromised")
    elif protection in ("encrypted_key_compromised", "hashed_weak"):
        ladder.note("raises", "protection_defeated", f"c.l.{protection}")

    # Mitigating facts: each can only lower the level.
    if counting_protection and r.unintelligible:
        kind = "encrypted" if protection == "encrypted" else "hashed"
        ladder.at_most(NEGLIGIBLE, "unintelligible_data", f"c.l.unintelligible_{kind}")
    if facts.data.already_public is True:
        ladder.at_most(NEGLIGIBLE, "already_public", "c.l.already_public")
    if conf.accessed is False:
        ladder.at_most(NEGLIGIBLE, "not_accessed", "c.l.not_accessed")
    secrecy = conf.recipient_bound_by_secrecy is True
    if secrecy and conf.recovered_or_deleted is True:
        ladder.at_most(NEGLIGIBLE, "secrecy_and_deletion", "c.l.secrecy_deleted")
    elif secrecy:
        ladder.down("secrecy", "c.l.secrecy")
    elif conf.recovered_or_deleted is True and not r.published:
        # Deleted by someone who may have read the data: the copy is gone, not what was read.
        floor = NEGLIGIBLE if conf.accessed is False or conf.recipient == "trusted" else LIMITED
        ladder.down("recovered", "c.l.recovered", floor=floor)
    return ladder


def data_severity(r: Reading, event: str) -> Ladder:
    """How serious the harm from these data is (9/2022 § IV.B nature, sensitivity and volume; the individuals;
    the controller; ease of identification; GDPR art. 9 and recital 85; CNIL PIA method)."""
    facts = r.facts
    ladder = Ladder(event, "severity")
    levels = {category: CATEGORY_SEVERITY.get(category, NEGLIGIBLE) for category in facts.data.categories}
    for category in r.special:
        intimate = category in INTIMATE and r.special_extent == "substantial"
        levels[category] = MAXIMUM if intimate else SPECIAL_SEVERITY[r.special_extent]
    top = max(levels.values())
    heaviest = sorted(category for category, level in levels.items() if level == top)
    ladder.start(top, "data_sensitivity", "c.s.data", categories=heaviest)
    if r.special and r.special_extent == "minor":
        ladder.note("lowers", "special_minor", "c.s.special_minor", categories=sorted(r.special))
    elif r.special and r.special_extent == "highly_sensitive":
        ladder.note("raises", "special_highly_sensitive", "c.s.special_highly_sensitive")
    if r.patients and r.health_controller:
        # Being a patient of a named care provider already says something about one's health.
        ladder.at_least(LIMITED, "controller_characteristics", "c.s.patients")
    if r.vulnerable_persons:
        ladder.up("persons_characteristics", "c.s.vulnerable", persons=sorted(r.vulnerable_persons))
    if r.many and ladder.level >= LIMITED:
        ladder.up("number_of_persons", "c.s.volume", count=facts.persons.count)
    if r.hard_to_identify:
        ladder.down("ease_of_identification", "c.s.hard_to_identify")
    return ladder


def confidentiality_event(r: Reading) -> EventAssessment | None:
    if not r.exposed:
        return None
    return _event("confidentiality", confidentiality_likelihood(r), data_severity(r, "confidentiality"))


# --- Availability: loss of the data or of access to them ------------------------------------------------------


def availability_event(r: Reading) -> EventAssessment | None:
    """Loss of access, backups, permanence and impact on care (01/2021 cases 1, 2, 3; 9/2022 annex B ex. 3, 4,
    8; CNIL after the OVH fire: permanent loss of health data is likely high risk)."""
    if r.outage == "none":
        return None
    facts, avail = r.facts, r.facts.availability
    likelihood = Ladder("availability", "likelihood")
    severity = Ladder("availability", "severity")
    hours = avail.restored_within_hours
    if r.care_affected and not r.care_presumed:
        likelihood.start(MAXIMUM, "impact_on_care", "a.l.care")
    elif r.outage == "permanent":
        likelihood.start(MAXIMUM, "permanent_loss", "a.l.permanent")
    elif r.care_presumed:
        likelihood.start(SIGNIFICANT, "impact_on_care", "a.l.care_presumed")
    elif r.outage == "long":
        if hours is None:
            likelihood.start(SIGNIFICANT, "availability", "a.l.long_unknown")
        else:
            likelihood.start(SIGNIFICANT, "availability", "a.l.long", hours=hours)
    elif hours is None:
        likelihood.start(NEGLIGIBLE, "availability", "a.l.backup")
    else:
        likelihood.start(NEGLIGIBLE, "availability", "a.l.short", hours=hours)
    if facts.nature.ongoing is True:
        likelihood.up("ongoing", "a.l.ongoing")

    special = bool(r.special) and r.special_extent != "minor"
    records = special or (r.patients and r.health_controller)
    if r.care_affected:
        severity.start(MAXIMUM, "impact_on_care", "a.s.care")
    elif r.outage == "permanent":
        if records:
            severity.start(MAXIMUM, "permanent_loss", "a.s.permanent_health")
        elif r.fraud_prone or "social_welfare" in facts.data.categories:
            severity.start(SIGNIFICANT, "permanent_loss", "a.s.permanent_rights")
        else:
            severity.start(NEGLIGIBLE, "permanent_loss", "a.s.permanent_ordinary")
    elif records or r.fraud_prone:
        severity.start(LIMITED, "availability", "a.s.records")
    else:
        severity.start(NEGLIGIBLE, "availability", "a.s.ordinary")
    return _event("availability", likelihood, severity)


# --- Integrity: unwanted alteration -----------------------------------------------------------------------------


def integrity_event(r: Reading) -> EventAssessment | None:
    """Altered data not known to be restored (9/2022 § I.B integrity breach; ENISA 2013 CB integrity)."""
    if "integrity" not in r.facts.nature.types:
        return None
    likelihood = Ladder("integrity", "likelihood")
    severity = Ladder("integrity", "severity")
    if not r.altered_unrecovered:
        likelihood.start(NEGLIGIBLE, "integrity", "i.l.restored")
    elif r.malicious:
        likelihood.start(SIGNIFICANT, "integrity", "i.l.altered_malicious")
    else:
        likelihood.start(LIMITED, "integrity", "i.l.altered")
    if r.facts.nature.ongoing is True:
        likelihood.up("ongoing", "i.l.ongoing")
    if r.patients and r.health_controller:
        severity.start(SIGNIFICANT, "integrity", "i.s.care_records")
    elif r.fraud_prone or (r.special and r.special_extent != "minor"):
        severity.start(LIMITED, "integrity", "i.s.records")
    else:
        severity.start(NEGLIGIBLE, "integrity", "i.s.ordinary")
    return _event("integrity", likelihood, severity)


def events(r: Reading) -> tuple[EventAssessment, ...]:
    """The feared events the breach realises, each on the two axes, in the order of ``EVENTS``."""
    found = (confidentiality_event(r), integrity_event(r), availability_event(r))
    return tuple(event for event in found if event is not None)


def worst(assessed: tuple[EventAssessment, ...]) -> EventAssessment | None:
    """The event that sets the risk: the highest risk, then the highest severity, then likelihood."""
    if not assessed:
        return None
    return max(
        assessed,
        key=lambda e: (RISK_LEVELS.index(e.risk), AXIS_LEVELS.index(e.severity), AXIS_LEVELS.index(e.likelihood)),
    )
