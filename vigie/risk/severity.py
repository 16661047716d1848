"""ENISA severity score: SE = DPC × EI + CB.

Source: ENISA, *Recommendations for a methodology of the assessment of severity of personal data
breaches*, v1.0, December 2013 (brief §4). DPC (data processing context, 1–4) is the core; EI (ease of
identification, 0.25–1) multiplies and only lowers; CB (circumstances of the breach) is added and only
raises. The score is an aid: the GDPR decision follows the EDPB reasoning (``criteria.py``) and the
assessment says so when the two disagree.

All values are multiples of 0.25, exact in binary floating point, so ``score == dpc * ei + cb`` holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .messages import Message, render
from .reading import Reading
from .vocabulary import DIRECT_IDENTIFIERS

# DPC base per data category (ENISA 2013, §4.1 of the brief): simple 1, behavioural 2, financial 3,
# sensitive 4, with the adjustments the method allows written into the base where they always apply.
CATEGORY_DPC: dict[str, int] = {
    "identity": 1,
    "contact": 1,
    "birth_date": 1,
    "professional": 1,
    "other": 1,
    # Simple data +1: the NIR encodes sex, birth month and place and opens health-insurance files;
    # identity documents let a fraudster pass as the person.
    "national_id": 2,
    "official_id": 2,
    "location": 2,
    "communications": 2,
    "behavioural": 2,
    # Credentials score as what they unlock: see ``dpc`` below; 2 is their floor.
    "credentials": 2,
    "financial": 3,
    "social_welfare": 3,
    # Financial +1: full card data enables fraud directly.
    "payment_card": 4,
    "health": 4,
    "genetic": 4,
    "biometric": 4,
    "sexual_life": 4,
    "racial_ethnic": 4,
    "political_religious": 4,
    "criminal": 4,
}

EI_BY_IDENTIFIABILITY: dict[str, float] = {"direct": 1.0, "indirect": 0.75, "difficult": 0.5, "negligible": 0.25}

LEVEL_BANDS: tuple[tuple[float, str], ...] = ((2.0, "low"), (3.0, "medium"), (4.0, "high"))


@dataclass(frozen=True, slots=True)
class Severity:
    """The ENISA score, its three criteria and, for CB, its four elements; ``explanation`` as messages."""

    dpc: int
    ei: float
    cb: float
    score: float
    level: str
    cb_parts: tuple[tuple[str, float], ...]
    explanation_messages: tuple[Message, ...]

    @property
    def explanation(self) -> tuple[str, ...]:
        """The explanation in French."""
        return tuple(render(message, "fr") for message in self.explanation_messages)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "dpc": self.dpc,
            "ei": self.ei,
            "cb": self.cb,
            "score": self.score,
            "level": self.level,
            "cb_parts": dict(self.cb_parts),
            "explanation": [render(message, lang) for message in self.explanation_messages],
            "i18n": {"explanation": [message.to_dict() for message in self.explanation_messages]},
        }


def level_for(score: float) -> str:
    """ENISA 2013 bands: < 2 low, 2 to < 3 medium, 3 to < 4 high, ≥ 4 very high."""
    for bound, level in LEVEL_BANDS:
        if score < bound:
            return level
    return "very_high"


def dpc(reading: Reading) -> tuple[int, list[Message]]:
    """Data processing context, 1–4 (ENISA 2013): the highest data category, adjusted for context."""
    categories = reading.facts.data.categories
    top = max(categories, key=lambda category: CATEGORY_DPC[category])
    score = CATEGORY_DPC[top]
    why = [Message("enisa.dpc.category", {"dpc": score, "category": top})]
    if "credentials" in categories:
        # Credentials score as what they unlock; at a health actor, patient records.
        unlocked = 4 if reading.health_controller else max(CATEGORY_DPC[c] for c in categories)
        if unlocked > score:
            score, why = unlocked, [Message("enisa.dpc.credentials", {"dpc": unlocked})]
    if reading.health_controller and reading.patients and score < 3:
        # Simple data +2: being a patient of a care provider already says something about one's health.
        score, why = 3, [Message("enisa.dpc.patients", {"dpc": 3})]
    if reading.vulnerable_persons and score < 4:
        # The people concerned raise the context (ENISA: minors, vulnerable persons).
        score += 1
        why.append(Message("enisa.dpc.vulnerable", {"dpc": score}))
    return score, why


def ei(reading: Reading) -> tuple[float, Message]:
    """Ease of identification, 0.25–1 (ENISA 2013); protection of the data can only lower it."""
    data = reading.facts.data
    if data.identifiability is not None:
        value = EI_BY_IDENTIFIABILITY[data.identifiability]
        why = Message("enisa.ei.given", {"ei": value, "identifiability": data.identifiability})
    elif set(data.categories) & DIRECT_IDENTIFIERS:
        value, why = 1.0, Message("enisa.ei.direct", {"ei": 1.0})
    else:
        value, why = 0.75, Message("enisa.ei.indirect", {"ei": 0.75})
    if reading.unintelligible and value > 0.25:
        value, why = 0.25, Message("enisa.ei.unintelligible", {"ei": 0.25})
    elif data.protection in ("pseudonymised", "hashed_salted") and data.key_compromised is not True and value > 0.5:
        value, why = 0.5, Message("enisa.ei.pseudonymised", {"ei": 0.5})
    return value, why


def cb_parts(reading: Reading) -> tuple[tuple[str, float], ...]:
    """Circumstances of the breach (ENISA 2013): four elements, summed."""
    conf = 0.0
    if reading.published:
        conf = 0.5  # unknown number of recipients
    elif reading.exposed and not reading.contained and reading.exfiltration != "excluded":
        conf = 0.25  # data in the hands of identified or limited recipients, or possibly taken

    integrity = 0.0
    if reading.altered_unrecovered and reading.malicious:
        integrity = 0.5 if reading.outage == "permanent" else 0.25

    availability = {"none": 0.0, "short": 0.0, "long": 0.25, "permanent": 0.5}[reading.outage]
    if reading.care_affected and availability == 0.0:
        availability = 0.25

    malicious = 0.5 if reading.malicious else 0.0
    return (
        ("confidentiality", conf),
        ("integrity", integrity),
        ("availability", availability),
        ("malicious_intent", malicious),
    )


def score(reading: Reading) -> Severity:
    """SE = DPC × EI + CB, with its level and an explanation of each criterion."""
    dpc_value, dpc_why = dpc(reading)
    ei_value, ei_why = ei(reading)
    parts = cb_parts(reading)
    cb_value = sum(value for _, value in parts)
    total = dpc_value * ei_value + cb_value
    counted = [[name, value] for name, value in parts if value]
    cb_why = Message("enisa.cb", {"cb": cb_value, "parts": counted}) if counted else Message("enisa.cb.none")
    return Severity(
        dpc=dpc_value,
        ei=ei_value,
        cb=cb_value,
        score=total,
        level=level_for(total),
        cb_parts=parts,
        explanation_messages=(*dpc_why, ei_why, cb_why),
    )
