"""The assessment, in one place: EDPB criteria → risk; ENISA score as a cross-check; GDPR consequences.

1. The facts are read once, unknowns taken the prudent way (``reading.read``).
2. Each EDPB criterion (``criteria.py``) says which risk level its facts support at least; the risk is the
   highest of them ("risk" when any factor remains, art. 33(1); "high" when one shows serious likely harm).
3. The ENISA 2013 score is computed and compared; where it disagrees, the EDPB reading prevails and a
   reason says so (the EDPB itself presents ENISA as one aid among others).
4. GDPR art. 33: notify the authority unless the breach is unlikely to result in a risk. Art. 34: tell the
   people when the risk is high, unless an art. 34(3) exception applies ((c) only changes the channel).
5. The formalities follow (``obligations.py``), their clocks running from awareness in absolute time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .criteria import (
    Finding,
    Reason,
    availability,
    confidentiality,
    controller_characteristics,
    ease_of_identification,
    exfiltration,
    integrity,
    number_of_persons,
    ongoing,
    persons_characteristics,
    publication,
    reason,
    sensitivity,
    type_of_breach,
)
from .facts import BreachFacts
from .french import deadline, decimal, paris_iso, typo
from .obligations import Obligation, Verdict, obligations
from .reading import Reading, read
from .severity import Severity, score
from .vocabulary import RISK_LABELS_FR, RISK_LEVELS, SEVERITY_LABELS_FR

CRITERIA: tuple[Callable[[Reading], Finding], ...] = (
    type_of_breach,
    sensitivity,
    ease_of_identification,
    confidentiality,
    exfiltration,
    publication,
    availability,
    integrity,
    number_of_persons,
    persons_characteristics,
    controller_characteristics,
    ongoing,
)

# What the ENISA level would mean if read alone (brief §4.4: in practice SE ≥ 2 notify, SE ≥ 3 inform).
ENISA_READING = {"low": "unlikely", "medium": "risk", "high": "high", "very_high": "high"}


@dataclass(frozen=True, slots=True)
class Assessment:
    """The outcome of ``assess``: the GDPR reading, the ENISA score, the formalities and the reasons."""

    risk: str
    severity: Severity
    notify_authority: bool
    notify_data_subjects: bool
    data_subjects_channel: str | None
    obligations: tuple[Obligation, ...]
    reasons: tuple[Reason, ...]
    exceptions: tuple[str, ...]
    prudent_assumptions: tuple[str, ...]
    became_aware_at: datetime
    now: datetime | None
    late_notification: bool
    decision: str

    def obligation(self, oid: str) -> Obligation:
        """The obligation with id ``oid`` (every id of the contract is always present)."""
        return next(obligation for obligation in self.obligations if obligation.id == oid)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON data, following the output contract (``assessment-result.md``)."""
        return {
            "risk": self.risk,
            "severity": self.severity.to_dict(),
            "notify_authority": self.notify_authority,
            "notify_data_subjects": self.notify_data_subjects,
            "data_subjects_channel": self.data_subjects_channel,
            "obligations": [obligation.to_dict() for obligation in self.obligations],
            "reasons": [reason.to_dict() for reason in self.reasons],
            "exceptions": list(self.exceptions),
            "late_notification": self.late_notification,
            "prudent_assumptions": list(self.prudent_assumptions),
            "decision": self.decision,
            "became_aware_at": paris_iso(self.became_aware_at),
            "cnil_deadline": paris_iso(deadline(self.became_aware_at, 72)),
            "now": None if self.now is None else paris_iso(self.now),
        }


def assess(facts: BreachFacts, now: datetime | None = None) -> Assessment:
    """Assess a breach: risk under GDPR arts 33–34, ENISA severity, and every formality with its deadline.

    ``now`` (aware) only serves the lateness fields; the assessment itself does not depend on it.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be an aware datetime (with a UTC offset)")
    reading = read(facts)

    findings = [criterion(reading) for criterion in CRITERIA]
    risk = max((finding.floor for finding in findings), key=RISK_LEVELS.index)
    reasons = [why for finding in findings for why in finding.reasons]
    if risk == "unlikely":
        reasons.append(
            reason(
                "lowers",
                "overall",
                "Aucun des critères ne fait apparaître de risque pour les droits et libertés des personnes : "
                "la violation est seulement inscrite au registre.",
                "RGPD art. 33(1) et 33(5)",
            )
        )

    severity = score(reading)
    reasons.append(enisa_cross_check(severity, risk))

    exceptions: list[str] = []
    if risk == "high":
        # Encryption keeps data unintelligible; it does nothing for patients whose records were out of reach.
        # When the high risk comes from lost availability, art. 34(3)(a) cannot displace it.
        availability_high = findings[CRITERIA.index(availability)].floor == "high"
        for letter, exception in (("a", exception_a), ("b", exception_b), ("c", exception_c)):
            applies = exception(reading)
            if applies is not None and letter == "a" and availability_high:
                reasons.append(
                    reason(
                        "raises",
                        "exception_34_3_a_not_applicable",
                        "Les données sont chiffrées, mais le risque élevé vient de leur indisponibilité : "
                        "le chiffrement ne protège pas de la perte d'accès, l'exception de l'art. 34(3)(a) "
                        "ne s'applique donc pas.",
                        "RGPD art. 34(3)(a)",
                    )
                )
                continue
            if applies is not None:
                exceptions.append(letter)
                reasons.append(applies)

    notify_authority = risk != "unlikely"
    notify_data_subjects = risk == "high" and not {"a", "b"} & set(exceptions)
    channel = ("public" if "c" in exceptions else "individual") if notify_data_subjects else None
    verdict = Verdict(risk, notify_authority, notify_data_subjects, channel, tuple(exceptions))
    formalities = obligations(reading, verdict, now)
    cnil = next(obligation for obligation in formalities if obligation.id == "notify_cnil")
    return Assessment(
        risk=risk,
        severity=severity,
        notify_authority=notify_authority,
        notify_data_subjects=notify_data_subjects,
        data_subjects_channel=channel,
        obligations=formalities,
        reasons=tuple(reasons),
        exceptions=tuple(exceptions),
        prudent_assumptions=reading.assumptions,
        became_aware_at=facts.became_aware_at,
        now=now,
        late_notification=cnil.status == "required" and cnil.overdue,
        decision=decision_sentence(reading, verdict),
    )


def enisa_cross_check(severity: Severity, risk: str) -> Reason:
    """ENISA 2013 as an aid; where it disagrees the EDPB reading prevails (9/2022 IV.B; brief §2.3, §4)."""
    formula = f"SE = {severity.dpc} × {decimal(severity.ei)} + {decimal(severity.cb)} = {decimal(severity.score)}"
    level = SEVERITY_LABELS_FR[severity.level]
    enisa_risk = ENISA_READING[severity.level]
    if enisa_risk == risk:
        return reason(
            "raises" if risk != "unlikely" else "lowers",
            "enisa_severity",
            f"La méthode ENISA concorde : {formula}, gravité {level}.",
            "ENISA 2013, méthode d'évaluation de la gravité",
        )
    return reason(
        "raises" if RISK_LEVELS.index(risk) > RISK_LEVELS.index(enisa_risk) else "lowers",
        "enisa_vs_edpb",
        f"La méthode ENISA donne {formula}, gravité {level}, ce qui correspondrait à « {RISK_LABELS_FR[enisa_risk]} ». "
        f"La décision suit l'analyse des critères du CEPD, qui retient « {RISK_LABELS_FR[risk]} » : "
        "le score ENISA n'est qu'une aide.",
        "Lignes directrices CEPD 9/2022, partie IV.B ; ENISA 2013",
    )


def exception_a(r: Reading) -> Reason | None:
    """GDPR art. 34(3)(a): data unintelligible to unauthorised persons (state-of-the-art encryption, key safe)."""
    if r.readable:
        return None
    return reason(
        "lowers",
        "exception_34_3_a",
        "Exception de l'art. 34(3)(a) : les données sont chiffrées selon l'état de l'art et la clé est sûre, "
        "l'information des personnes n'est donc pas obligatoire.",
        "RGPD art. 34(3)(a)",
    )


def exception_b(r: Reading) -> Reason | None:
    """GDPR art. 34(3)(b): later measures ensure the high risk is no longer likely to materialise."""
    if r.facts.mitigation.high_risk_neutralised is not True:
        return None
    return reason(
        "lowers",
        "exception_34_3_b",
        "Exception de l'art. 34(3)(b) : les mesures prises après la violation empêchent le risque élevé de se "
        "réaliser, l'information des personnes n'est donc pas obligatoire.",
        "RGPD art. 34(3)(b)",
    )


def exception_c(r: Reading) -> Reason | None:
    """GDPR art. 34(3)(c): disproportionate effort; a public communication is due instead."""
    if r.facts.mitigation.individual_contact_disproportionate is not True:
        return None
    return reason(
        "lowers",
        "exception_34_3_c",
        "Exception de l'art. 34(3)(c) : joindre chaque personne demanderait des efforts disproportionnés ; "
        "une communication publique tout aussi efficace la remplace.",
        "RGPD art. 34(3)(c)",
    )


def decision_sentence(r: Reading, v: Verdict) -> str:
    """The decision in one French sentence, for the top of reports and lists."""
    if r.processor:
        if v.notify_authority:
            duties = "notifier la CNIL" + (" et d'informer les personnes" if v.notify_data_subjects else "")
            return typo(f"Décision : alerter sans délai le responsable de traitement, à qui il revient de {duties}.")
        return typo(
            "Décision : alerter sans délai le responsable de traitement ; une notification à la CNIL ne paraît "
            "pas nécessaire."
        )
    if v.notify_data_subjects and v.channel == "public":
        return typo("Décision : notifier la CNIL et informer les personnes par une communication publique.")
    if v.notify_data_subjects:
        return typo("Décision : notifier la CNIL et informer chaque personne concernée.")
    if v.notify_authority:
        letters = [f"({letter})" for letter in v.exceptions if letter in ("a", "b")]
        exception = f" (art. 34(3){' et '.join(letters)})" if letters else ""
        return typo(f"Décision : notifier la CNIL ; l'information des personnes n'est pas obligatoire{exception}.")
    return typo("Décision : ne pas notifier la CNIL, mais inscrire la violation au registre.")
