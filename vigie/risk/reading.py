"""How the reasoning reads the facts: derived notions, with unknown facts taken the prudent way.

The two axes (``criteria.py``), the ENISA score (``severity.py``) and the formalities (``obligations.py``) all
start from one ``Reading``, so that an unknown fact is resolved once, the same way for all, and the prudent
assumption is written down once, as a message id (EDPB Guidelines 9/2022, part II.A.2 and IV: assess on
becoming aware, with what is known, and complete later; CNIL: in doubt, notify).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .facts import BreachFacts
from .messages import Message
from .vocabulary import FRAUD_PRONE_CATEGORIES, HEALTH_KINDS, SPECIAL_CATEGORIES

# Attacks and misuse: data may have left even when nothing shows it (EDPB 01/2021, case 5).
INTRUSION_ORIGINS = frozenset(
    {"ransomware", "malware", "hacking", "credential_stuffing", "phishing", "social_engineering", "insider_misuse"}
)
# Attacks on an information system (Code pénal 323-1 s.), the only ones Code des assurances L.12-10-1 ties to
# a complaint within 72 hours: not a stolen paper list, not an impostor on the phone.
IS_ATTACK_ORIGINS = frozenset({"ransomware", "malware", "hacking", "credential_stuffing", "phishing"})
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
STOLEN_ORIGINS = frozenset({"stolen_device", "stolen_paper"})
MISDIRECTED_ORIGINS = frozenset({"misdirected_email", "misdirected_post", "wrong_recipient_other"})
PAPER_MEDIA = frozenset({"paper", "postal_mail"})

# Where an outage stops being "recovered without difficulty" (ENISA 2013, CB availability). The EDPB's
# examples judged unlikely were restored within minutes (WP250 annex B, ex. 3) or a few hours (01/2021,
# case 1); those judged high lasted 30 hours (annex B, ex. 8) and two days (01/2021, case 3). We draw the
# line at one working shift: beyond it, a loss of access is no longer a mere annoyance.
SHORT_OUTAGE_HOURS = 8.0
# A care provider that lost access to patient records for more than a few hours is presumed, when the facts
# do not say, to have disrupted care (01/2021 case 3; annex B ex. 8); "a few hours" is 01/2021 case 1.
CARE_GRACE_HOURS = 4.0

# From this number of people the scale itself aggravates the harm (EDPB 9/2022 § IV.B "number of affected
# individuals"; 01/2021 cases 11 and 14, over 60,000 and 100,000 persons). Below it the count weighs through
# the nature of the data: the EDPB's high-risk cases also include 213 applicants (case 5) and one customer
# (case 17).
MANY_PERSONS = 10_000


@dataclass(frozen=True, slots=True)
class Reading:
    """The facts as read for the assessment; every field is a plain, already-resolved notion."""

    facts: BreachFacts
    malicious: bool
    intrusion: bool
    is_attack: bool  # an attack on an information system (Code des assurances L.12-10-1)
    offence_likely: bool  # a complaint makes sense: an attack, a theft, an impostor, a third party helping itself
    it_incident: bool
    readable: bool
    unintelligible: bool
    hard_to_identify: bool
    exposed: bool
    exposure_presumed: bool  # exposed only on the prudent reading of an attack
    published: bool
    exfiltration: str  # confirmed | likely | possible | excluded | none
    special: frozenset[str]
    special_extent: str  # none | minor | substantial | highly_sensitive
    fraud_prone: frozenset[str]
    vulnerable_persons: frozenset[str]
    patients: bool
    health_controller: bool
    outage: str  # none | short | long | permanent
    care_affected: bool
    care_presumed: bool  # care_affected only on the prudent reading of an unknown effect on care
    altered_unrecovered: bool
    many: bool
    assumptions: tuple[Message, ...]

    @property
    def processor(self) -> bool:
        return self.facts.controller.role == "processor"

    @property
    def detected_at(self) -> datetime:
        """When the incident was detected: the start of the insurance, ARS and NIS2 clocks."""
        return self.facts.incident_detected_at or self.facts.became_aware_at

    @property
    def contained(self) -> bool:
        """Recovered, deleted or held by a trusted recipient, and not public."""
        conf = self.facts.confidentiality
        return not self.published and (conf.recovered_or_deleted is True or conf.recipient == "trusted")


def read(facts: BreachFacts) -> Reading:
    """Resolve the facts into a ``Reading``, recording each prudent assumption as a message."""
    assumptions: list[Message] = []

    def assume(message_id: str) -> None:
        assumptions.append(Message(message_id))

    nature, data, conf, avail = facts.nature, facts.data, facts.confidentiality, facts.availability
    categories = frozenset(data.categories)
    persons = frozenset(facts.persons.categories or ())

    if nature.certainty == "suspected":
        assume("assumption.suspected")
    if nature.malicious is not None:
        malicious = nature.malicious
    elif nature.origin in ACCIDENTAL_ORIGINS:
        malicious = False
    else:
        malicious = True
        if nature.origin in UNCERTAIN_ORIGINS:
            assume("assumption.malicious")

    intrusion = nature.origin in INTRUSION_ORIGINS or (nature.origin in UNCERTAIN_ORIGINS and malicious)
    on_paper = bool(data.media) and set(data.media or ()) <= PAPER_MEDIA
    is_attack = not on_paper and (
        nature.origin in IS_ATTACK_ORIGINS or (nature.origin in UNCERTAIN_ORIGINS and malicious)
    )
    # Unintelligible: state-of-the-art encryption whose key is safe (what "encrypted" means unless said
    # otherwise), or a salted hash whose salt is known to be safe (EDPB 01/2021 cases 1, 6, 10; art. 34(3)(a)).
    unintelligible = (data.protection == "encrypted" and data.key_compromised is not True) or (
        data.protection == "hashed_salted" and data.key_compromised is False
    )
    readable = not unintelligible
    hard_to_identify = data.identifiability in ("difficult", "negligible") or (
        data.identifiability is None
        and data.protection in ("pseudonymised", "hashed_salted")
        and data.key_compromised is not True
    )
    it_incident = not on_paper and (
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
        assume("assumption.exfiltration_possible")
    else:
        exfiltration = "none"

    published = conf.published is True
    known_exposure = (
        "confidentiality" in nature.types
        or nature.origin in CARRIER_ORIGINS
        or exfiltration in ("confirmed", "likely")
        or published
        or conf.recipient in ("malicious", "untrusted")
        or conf.accessed is True
    )
    exposed = known_exposure or exfiltration == "possible"
    # Someone not entitled helped themselves: an attack, a theft, or a third party downloading what was left
    # open (an unprotected server): a complaint makes sense (Code pénal 323-1, 311-1, 226-4-1).
    taken_by_a_third_party = exfiltration in ("confirmed", "likely") and conf.recipient in (
        None,
        "unknown",
        "malicious",
    )
    offence_likely = malicious or taken_by_a_third_party or conf.recipient == "malicious"

    special = categories & SPECIAL_CATEGORIES
    if not special:
        special_extent = "none"
    elif data.special_extent is not None:
        special_extent = data.special_extent
    else:
        special_extent = "substantial"
        if exposed:
            assume("assumption.special_extent")
    if exposed and data.protection is None:
        assume("assumption.protection")
    if exposed and data.protection == "hashed_salted" and data.key_compromised is None:
        assume("assumption.salt")
    if exposed and readable and data.identifiability is None and not hard_to_identify:
        assume("assumption.identifiability")
    if (
        exposed
        and readable
        and conf.recovered_or_deleted is not True
        and conf.recipient in (None, "unknown")
        and exfiltration == "none"
    ):
        assume("assumption.recipient")
    if exposed and readable and conf.accessed is None and nature.origin in CARRIER_ORIGINS:
        assume("assumption.accessed")

    outage = _outage(facts, assumptions)
    health_data = "health" in categories or "genetic" in categories
    patients = "patients" in persons or health_data
    health_controller = facts.controller.kind in HEALTH_KINDS
    care_presumed = False
    if avail.impact_on_care is not None:
        care_affected = avail.impact_on_care
    else:
        hours = avail.restored_within_hours
        beyond_grace = outage in ("long", "permanent") or (
            outage == "short" and hours is not None and hours > CARE_GRACE_HOURS
        )
        care_affected = care_presumed = health_controller and patients and beyond_grace
        if care_affected:
            assume("assumption.care")

    restored = avail.permanent_loss is not True and (avail.restored_within_hours is not None or avail.backup is True)
    return Reading(
        facts=facts,
        malicious=malicious,
        intrusion=intrusion,
        is_attack=is_attack,
        offence_likely=offence_likely,
        it_incident=it_incident,
        readable=readable,
        unintelligible=unintelligible,
        hard_to_identify=hard_to_identify,
        exposed=exposed,
        exposure_presumed=exposed and not known_exposure,
        published=published,
        exfiltration=exfiltration,
        special=special,
        special_extent=special_extent,
        fraud_prone=categories & FRAUD_PRONE_CATEGORIES,
        vulnerable_persons=persons & {"minors", "vulnerable"},
        patients=patients,
        health_controller=health_controller,
        outage=outage,
        care_affected=care_affected,
        care_presumed=care_presumed,
        altered_unrecovered="integrity" in nature.types and not restored,
        many=facts.persons.count >= MANY_PERSONS,
        assumptions=tuple(assumptions),
    )


def _outage(facts: BreachFacts, assumptions: list[Message]) -> str:
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
        assumptions.append(Message("assumption.permanent"))
        return "permanent"
    assumptions.append(Message("assumption.outage_long"))
    return "long"
