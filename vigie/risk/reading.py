"""How the reasoning reads the facts: derived notions, with unknown facts taken the prudent way.

Both the EDPB criteria (``criteria.py``) and the ENISA score (``severity.py``) start from one ``Reading``,
so that an unknown fact is resolved once, the same way for both, and the prudent assumption is written down
once (EDPB Guidelines 9/2022, part II.A.2 and IV: assess on becoming aware, with what is known, and
complete later; CNIL: in doubt, notify).
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import BreachFacts
from .vocabulary import FRAUD_PRONE_CATEGORIES, HEALTH_KINDS, SPECIAL_CATEGORIES

# Attacks on information systems: data may have left even when nothing shows it (EDPB 01/2021, case 5).
INTRUSION_ORIGINS = frozenset(
    {"ransomware", "malware", "hacking", "credential_stuffing", "phishing", "social_engineering", "insider_misuse"}
)
# Origins that are accidental by nature; the others are deliberate by nature, or uncertain.
ACCIDENTAL_ORIGINS = frozenset(
    {
        "lost_device",
        "lost_paper",
        "misdirected_email",
        "misdirected_post",
        "wrong_recipient_other",
        "accidental_publication",
        "improper_disposal",
        "system_failure",
    }
)
UNCERTAIN_ORIGINS = frozenset({"processor_incident", "other"})
# Origins where the data itself went out of the controller's hands: confidentiality is at stake by nature.
CARRIER_ORIGINS = frozenset(
    {
        "lost_device",
        "stolen_device",
        "lost_paper",
        "stolen_paper",
        "misdirected_email",
        "misdirected_post",
        "wrong_recipient_other",
        "accidental_publication",
        "improper_disposal",
    }
)
DEVICE_ORIGINS = frozenset({"lost_device", "stolen_device"})

# Where an outage stops being "recovered without difficulty" (ENISA 2013, CB availability). The EDPB's
# examples judged unlikely were restored within minutes (WP250 annex B, ex. 3) or a few hours (01/2021,
# case 1); those judged high lasted 30 hours (annex B, ex. 8) and two days (01/2021, case 3). We draw the
# line at one working shift: beyond it, a loss of access is no longer a mere annoyance.
SHORT_OUTAGE_HOURS = 8.0
# A care provider that lost access to patient records for more than a few hours is presumed, when the facts
# do not say, to have disrupted care (01/2021 case 3; annex B ex. 8); "a few hours" is 01/2021 case 1.
CARE_GRACE_HOURS = 4.0

# From this number of people, readable data in unknown hands is high risk by its scale alone (EDPB
# 01/2021, cases 11 and 14). 300 is the upper bound of the CNIL form's "51 to 300 persons" band.
MANY_PERSONS = 300


@dataclass(frozen=True, slots=True)
class Reading:
    """The facts as read for the assessment; every field is a plain, already-resolved notion."""

    facts: BreachFacts
    malicious: bool
    intrusion: bool
    it_incident: bool
    readable: bool
    hard_to_identify: bool
    exposed: bool
    exposure_presumed: bool  # exposed only on the prudent reading of an attack
    contained: bool
    published: bool
    exfiltration: str  # confirmed | likely | possible | excluded | none
    special: frozenset[str]
    fraud_prone: frozenset[str]
    vulnerable_persons: frozenset[str]
    patients: bool
    health_controller: bool
    outage: str  # none | short | long | permanent
    care_affected: bool
    altered_unrecovered: bool
    many: bool
    assumptions: tuple[str, ...]

    @property
    def processor(self) -> bool:
        return self.facts.controller.role == "processor"


def read(facts: BreachFacts) -> Reading:
    """Resolve the facts into a ``Reading``, recording each prudent assumption in French."""
    assumptions: list[str] = []
    nature, data, conf, avail = facts.nature, facts.data, facts.confidentiality, facts.availability
    categories = frozenset(data.categories)
    persons = frozenset(facts.persons.categories or ())

    if nature.malicious is not None:
        malicious = nature.malicious
    elif nature.origin in ACCIDENTAL_ORIGINS:
        malicious = False
    else:
        malicious = True
        if nature.origin in UNCERTAIN_ORIGINS:
            assumptions.append("Le caractère malveillant de l'incident n'est pas établi : il est retenu par prudence.")

    intrusion = nature.origin in INTRUSION_ORIGINS or (nature.origin in UNCERTAIN_ORIGINS and malicious)
    readable = data.protection != "encrypted"
    hard_to_identify = data.identifiability in ("difficult", "negligible") or (
        data.identifiability is None and data.protection in ("pseudonymised", "hashed_salted")
    )
    it_incident = (
        intrusion
        or nature.origin in ("system_failure", "processor_incident", "accidental_publication")
        or (nature.origin in DEVICE_ORIGINS and readable)
    )

    if conf.exfiltration in ("confirmed", "likely", "excluded"):
        exfiltration = conf.exfiltration
    elif conf.recipient == "malicious":
        exfiltration = "likely"
    elif intrusion:
        exfiltration = "possible"
        assumptions.append(
            "Après une attaque, l'exfiltration des données n'est pas exclue : elle est traitée comme possible."
        )
    else:
        exfiltration = "none"

    published = conf.published is True
    known_exposure = (
        "confidentiality" in nature.types
        or nature.origin in CARRIER_ORIGINS
        or exfiltration in ("confirmed", "likely")
        or published
        or conf.recipient in ("malicious", "untrusted")
    )
    exposed = known_exposure or exfiltration == "possible"
    contained = not published and (conf.recovered_or_deleted is True or conf.recipient == "trusted")
    if exposed and data.protection is None:
        assumptions.append("La protection des données n'est pas renseignée : elles sont considérées comme lisibles.")
    if exposed and readable and data.identifiability is None and not hard_to_identify:
        assumptions.append(
            "La facilité d'identification n'est pas renseignée : elle est déduite des catégories de données, "
            "au plus haut niveau plausible."
        )
    if exposed and readable and not contained and conf.recipient in (None, "unknown") and exfiltration == "none":
        assumptions.append("Le destinataire des données est inconnu : il est considéré comme non fiable.")

    outage = _outage(facts, assumptions)
    health_data = "health" in categories or "genetic" in categories
    patients = "patients" in persons or health_data
    health_controller = facts.controller.kind in HEALTH_KINDS
    if avail.impact_on_care is not None:
        care_affected = avail.impact_on_care
    else:
        hours = avail.restored_within_hours
        beyond_grace = outage in ("long", "permanent") or (
            outage == "short" and hours is not None and hours > CARE_GRACE_HOURS
        )
        care_affected = health_controller and patients and beyond_grace
        if care_affected:
            assumptions.append(
                "L'effet sur les soins n'est pas renseigné : chez un acteur de santé, une indisponibilité de "
                "plus de quelques heures est considérée comme ayant perturbé la prise en charge des patients."
            )

    restored = avail.permanent_loss is not True and (avail.restored_within_hours is not None or avail.backup is True)
    return Reading(
        facts=facts,
        malicious=malicious,
        intrusion=intrusion,
        it_incident=it_incident,
        readable=readable,
        hard_to_identify=hard_to_identify,
        exposed=exposed,
        exposure_presumed=exposed and not known_exposure,
        contained=contained,
        published=published,
        exfiltration=exfiltration,
        special=categories & SPECIAL_CATEGORIES,
        fraud_prone=categories & FRAUD_PRONE_CATEGORIES,
        vulnerable_persons=persons & {"minors", "vulnerable"},
        patients=patients,
        health_controller=health_controller,
        outage=outage,
        care_affected=care_affected,
        altered_unrecovered="integrity" in nature.types and not restored,
        many=facts.persons.count >= MANY_PERSONS,
        assumptions=tuple(assumptions),
    )


def _outage(facts: BreachFacts, assumptions: list[str]) -> str:
    """How long the data were out of reach: ``none``, ``short``, ``long`` or ``permanent``."""
    avail = facts.availability
    if avail.permanent_loss is True:
        return "permanent"
    if "availability" not in facts.nature.types:
        return "none"
    if avail.restored_within_hours is not None:
        return "short" if avail.restored_within_hours <= SHORT_OUTAGE_HOURS else "long"
    if avail.backup is True:
        return "short"
    if avail.backup is False and avail.permanent_loss is None:
        assumptions.append(
            "Sans sauvegarde ni restauration connue, la perte des données est considérée comme définitive."
        )
        return "permanent"
    assumptions.append("La durée de l'indisponibilité n'est pas connue : elle est considérée comme longue.")
    return "long"
