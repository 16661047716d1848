"""The EDPB criteria for "risk" and "high risk", one small function each.

Source of the list: EDPB Guidelines 9/2022 on personal data breach notification (v2.0, 28 March 2023,
formerly WP250 rev.01), part IV.B "Factors to consider when assessing risk": type of breach; nature,
sensitivity and volume of data; ease of identification; severity and permanence of consequences; special
characteristics of the individuals; special characteristics of the controller; number of individuals.
The worked cases of EDPB Guidelines 01/2021 and of annex B of 9/2022 show how they weigh.

Each criterion returns a ``Finding``: the lowest risk level its facts support (``floor``) and the reasons,
raising or lowering, to show the user. ``decision.assess`` combines them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .french import decimal, integer, join, typo
from .reading import SHORT_OUTAGE_HOURS, Reading
from .vocabulary import DATA_CATEGORY_LABELS_FR, ORIGIN_LABELS_FR, PERSON_CATEGORY_LABELS_FR

FACTORS = "Lignes directrices CEPD 9/2022, partie IV.B"


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor behind the decision: what it is, whether it raises or lowers the risk, why, on what basis."""

    factor: str
    effect: str  # raises | lowers
    text: str
    basis: str

    def to_dict(self) -> dict[str, Any]:
        return {"factor": self.factor, "effect": self.effect, "text": self.text, "basis": self.basis}


def reason(effect: str, factor: str, text: str, basis: str) -> Reason:
    """A reason, its French text set with French spacing."""
    return Reason(factor, effect, typo(text), basis)


@dataclass(frozen=True, slots=True)
class Finding:
    """What one criterion concludes: the risk level its facts support at least, and why."""

    floor: str = "unlikely"  # unlikely | risk | high
    reasons: tuple[Reason, ...] = ()


def raises(factor: str, text: str, basis: str, floor: str = "unlikely") -> Finding:
    """A finding that weighs towards risk, and holds the risk at ``floor`` at least."""
    return Finding(floor, (reason("raises", factor, text, basis),))


def lowers(factor: str, text: str, basis: str) -> Finding:
    """A finding that weighs against risk (the level comes from the other criteria)."""
    return Finding("unlikely", (reason("lowers", factor, text, basis),))


def _labels(categories: frozenset[str] | set[str]) -> str:
    return join(sorted(DATA_CATEGORY_LABELS_FR[c] for c in categories))


def _readable_and_loose(r: Reading) -> bool:
    """Readable data out of the controller's control, and neither recovered nor with a trusted recipient."""
    return r.exposed and r.readable and not r.contained


def type_of_breach(r: Reading) -> Finding:
    """Type of breach and intent (9/2022 IV.B "type of breach"; "severity": malice raises it)."""
    origin = ORIGIN_LABELS_FR[r.facts.nature.origin]
    if r.malicious:
        return raises(
            "malicious_intent",
            f"L'incident est malveillant ({origin}) : quelqu'un a cherché à obtenir ou à bloquer les données, "
            "ce qui rend leur exploitation plus probable.",
            f"{FACTORS} (gravité des conséquences) ; ENISA 2013 (circonstances)",
        )
    return lowers(
        "malicious_intent",
        f"L'incident est accidentel ({origin}) : rien n'indique une volonté de nuire.",
        f"{FACTORS} (gravité des conséquences)",
    )


def ease_of_identification(r: Reading) -> Finding:
    """Ease of identification and unintelligibility (9/2022 IV.B; GDPR art. 34(3)(a); 01/2021 cases 1, 10)."""
    protection = r.facts.data.protection
    if not r.readable:
        return lowers(
            "unintelligible_data",
            "Les données étaient chiffrées selon l'état de l'art et la clé n'a pas été compromise : "
            "elles restent inintelligibles pour qui les détient sans droit.",
            "RGPD art. 34(3)(a) ; Lignes directrices CEPD 01/2021, cas n° 1 et 10",
        )
    if protection in ("encrypted_key_compromised", "hashed_weak"):
        what = (
            "la clé de chiffrement est compromise"
            if protection == "encrypted_key_compromised"
            else "le hachage est trop faible pour résister"
        )
        return raises(
            "ease_of_identification",
            f"La protection ne joue plus : {what}, les données doivent être tenues pour lisibles.",
            f"{FACTORS} (facilité d'identification) ; Lignes directrices CEPD 01/2021, partie 2",
        )
    if r.hard_to_identify:
        return lowers(
            "ease_of_identification",
            "Il est difficile de relier les données aux personnes (pseudonymisation, absence d'identifiant).",
            f"{FACTORS} (facilité d'identification)",
        )
    if r.exposed:
        return raises(
            "ease_of_identification",
            "Les personnes sont identifiables à partir des données exposées.",
            f"{FACTORS} (facilité d'identification)",
        )
    return Finding()


def confidentiality(r: Reading) -> Finding:
    """Disclosure, recipient and containment (9/2022 IV.B "severity": trusted recipient; 01/2021 case 13)."""
    conf = r.facts.confidentiality
    if not r.exposed:
        if r.exfiltration == "excluded":
            return lowers(
                "exfiltration",
                "L'exfiltration des données est exclue par les vérifications menées.",
                "Lignes directrices CEPD 01/2021, cas n° 1 et 3",
            )
        return Finding()
    if not r.readable:
        return Finding()
    if r.contained:
        how = (
            "les données ont été récupérées ou leur suppression a été confirmée"
            if conf.recovered_or_deleted
            else "le destinataire est identifié et digne de confiance"
        )
        return lowers(
            "containment",
            f"La divulgation est circonscrite : {how}, avant tout usage abusif.",
            f"{FACTORS} (gravité des conséquences) ; Lignes directrices CEPD 01/2021, cas n° 13",
        )
    went = "ont pu sortir" if r.exposure_presumed else "sont sorties"
    return raises(
        "confidentiality",
        f"Des données lisibles {went} du contrôle du responsable sans avoir été récupérées : "
        "elles peuvent être consultées ou réutilisées par des tiers.",
        f"RGPD art. 33(1) ; {FACTORS} (type de violation)",
        floor="risk",
    )


def sensitivity(r: Reading) -> Finding:
    """Special categories (9/2022 IV.B "nature, sensitivity": for health data high risk is the starting point)."""
    if not (r.special and r.exposed and r.readable):
        return Finding()
    labels = _labels(r.special)
    basis = f"{FACTORS} (nature et sensibilité des données) ; RGPD art. 9 et considérant 85"
    if r.contained or r.hard_to_identify:
        return raises(
            "data_sensitivity",
            f"Des données sensibles ({labels}) ont été exposées : même circonscrite, une telle divulgation "
            "reste un risque pour les personnes (secret médical).",
            basis,
            floor="risk",
        )
    exposed = "ont pu être exposées" if r.exposure_presumed else "sont exposées"
    return raises(
        "data_sensitivity",
        f"Des données sensibles ({labels}) {exposed} sans avoir été récupérées : pour ces données, "
        "le risque élevé est le point de départ (discrimination, atteinte au secret médical, "
        "préjudice moral).",
        basis,
        floor="high",
    )


def exfiltration(r: Reading) -> Finding:
    """Malicious exfiltration (01/2021 cases 4, 5, 7: high risk; case 17: one person can suffice)."""
    if not (r.malicious and _readable_and_loose(r) and not r.hard_to_identify):
        return Finding()
    basis = "Lignes directrices CEPD 01/2021, cas n° 4, 5, 7 et 17"
    if r.exfiltration in ("confirmed", "likely"):
        sure = "a emporté" if r.exfiltration == "confirmed" else "a probablement emporté"
        extra = f", notamment les suivantes : {_labels(r.fraud_prone)}" if r.fraud_prone else ""
        few = " ; une seule personne visée suffit à rendre le risque élevé" if r.facts.persons.count <= 5 else ""
        return raises(
            "exfiltration",
            f"Un tiers malveillant {sure} des données permettant d'identifier les personnes{extra}. "
            f"Usurpation d'identité, hameçonnage ciblé ou fraude sont à craindre{few}.",
            basis,
            floor="high",
        )
    if r.exfiltration == "possible" and r.fraud_prone:
        return raises(
            "exfiltration",
            f"L'attaquant a pu emporter des données propices à la fraude ({_labels(r.fraud_prone)}) "
            "et rien ne permet de l'exclure : par prudence, le risque est tenu pour élevé.",
            basis,
            floor="high",
        )
    if r.exfiltration == "possible":
        return raises(
            "exfiltration",
            "L'attaquant a pu emporter des données permettant d'identifier les personnes, et rien ne "
            "permet de l'exclure.",
            f"{basis} ; Lignes directrices CEPD 9/2022, partie II.A.2",
            floor="risk",
        )
    return Finding()


def publication(r: Reading) -> Finding:
    """Publication: an unknown number of recipients (9/2022 annex B, ex. 6; 01/2021 case 14)."""
    if not (r.published and r.readable):
        return Finding()
    floor = "risk" if r.hard_to_identify else "high"
    return raises(
        "publication",
        "Les données ont été rendues publiques ou largement diffusées : n'importe qui peut les "
        "consulter, les copier ou les revendre, et leur diffusion ne peut plus être arrêtée.",
        "Lignes directrices CEPD 9/2022, annexe B, ex. 6 ; Lignes directrices CEPD 01/2021, cas n° 14",
        floor=floor,
    )


def number_of_persons(r: Reading) -> Finding:
    """Number of individuals (9/2022 IV.B: more is usually worse, but one can suffice; 01/2021 cases 11, 14)."""
    count = r.facts.persons.count
    # Scale alone makes it high only where the data surely left: a merely possible exfiltration of
    # ordinary data stays "risk" (the exfiltration criterion handles sensitive and fraud-prone data).
    if r.many and _readable_and_loose(r) and not r.hard_to_identify and not r.exposure_presumed:
        return raises(
            "number_of_persons",
            f"{integer(count)} personnes sont concernées et leurs données lisibles sont entre des mains "
            "inconnues : à cette échelle, des usages frauduleux sont probables.",
            f"{FACTORS} (nombre de personnes) ; Lignes directrices CEPD 01/2021, cas n° 11 et 14",
            floor="high",
        )
    if count <= 5:
        return lowers(
            "number_of_persons",
            f"Peu de personnes sont concernées ({count}).",
            f"{FACTORS} (nombre de personnes)",
        )
    return Finding()


def persons_characteristics(r: Reading) -> Finding:
    """Special characteristics of the individuals: children, vulnerable people, patients (9/2022 IV.B)."""
    who = set(r.vulnerable_persons)
    if r.patients:
        who.add("patients")
    if not who:
        return Finding()
    labels = join(sorted(PERSON_CATEGORY_LABELS_FR[c] for c in who))
    return raises(
        "persons_characteristics",
        f"Les personnes concernées ({labels}) sont plus exposées aux conséquences d'une violation.",
        f"{FACTORS} (caractéristiques des personnes)",
    )


def controller_characteristics(r: Reading) -> Finding:
    """Special characteristics of the controller: a medical organisation's breaches weigh more (9/2022 IV.B)."""
    if not r.health_controller:
        return Finding()
    return raises(
        "controller_characteristics",
        "Le responsable est un acteur de santé : ses données touchent au secret médical et à la continuité des soins.",
        f"{FACTORS} (caractéristiques du responsable)",
    )


def availability(r: Reading) -> Finding:
    """Loss of access, backups and impact on care (01/2021 cases 1, 3; 9/2022 annex B, ex. 3, 8; CNIL)."""
    avail = r.facts.availability
    if r.care_affected:
        what = (
            "La prise en charge des patients a été perturbée"
            if avail.impact_on_care is True
            else "L'indisponibilité a pu perturber la prise en charge des patients"
        )
        despite = (
            ", même si les données ont pu être restaurées"
            if r.outage != "permanent" and (avail.backup or avail.restored_within_hours is not None)
            else ""
        )
        return raises(
            "impact_on_care",
            f"{what} : le risque est élevé{despite}.",
            "Lignes directrices CEPD 01/2021, cas n° 3 ; Lignes directrices CEPD 9/2022, annexe B, ex. 8",
            floor="high",
        )
    if r.outage == "permanent":
        floor = "high" if r.special else "risk"
        return raises(
            "availability",
            "Des données sont perdues définitivement"
            + (" ; pour des données de santé, cette perte est en soi un risque élevé." if r.special else "."),
            f"{FACTORS} (permanence des conséquences) ; CNIL, position après l'incendie d'OVH (2021)",
            floor=floor,
        )
    if r.outage == "long":
        return raises(
            "availability",
            f"Les données sont restées inaccessibles plus de {SHORT_OUTAGE_HOURS:g} heures, "
            "ou la durée de l'indisponibilité n'est pas connue.",
            f"{FACTORS} (type de violation) ; Lignes directrices CEPD 01/2021, partie 2",
            floor="risk",
        )
    if r.outage == "short":
        hours = avail.restored_within_hours
        if hours is None:
            text = "Une sauvegarde permet de retrouver les données : leur perte est sans conséquence durable."
        else:
            text = (
                f"Les données ont été rétablies rapidement (en {decimal(hours)} heure{'s' if hours >= 2 else ''}), "
                "sans effet signalé pour les personnes."
            )
        return lowers(
            "availability",
            text,
            "Lignes directrices CEPD 9/2022, annexe B, ex. 3 ; Lignes directrices CEPD 01/2021, cas n° 1",
        )
    return Finding()


def integrity(r: Reading) -> Finding:
    """Altered data not known to be restored (9/2022 I.B.2 integrity breach; ENISA 2013 CB integrity)."""
    if "integrity" not in r.facts.nature.types:
        return Finding()
    if r.altered_unrecovered:
        return raises(
            "integrity",
            "Des données ont été altérées et leur restauration n'est pas établie : des informations "
            "fausses peuvent être utilisées.",
            f"{FACTORS} (type de violation) ; ENISA 2013 (circonstances : intégrité)",
            floor="risk",
        )
    return lowers(
        "integrity",
        "Les données altérées ont pu être restaurées dans leur état d'origine.",
        "ENISA 2013 (circonstances : intégrité)",
    )


def ongoing(r: Reading) -> Finding:
    """A breach still running cannot be judged harmless (9/2022 II.B.2, notification in phases; CNIL)."""
    if r.facts.nature.ongoing is not True:
        return Finding()
    return raises(
        "ongoing",
        "La violation est toujours en cours : ses effets ne sont pas encore maîtrisés. En cas de doute, "
        "mieux vaut notifier, puis compléter.",
        "Lignes directrices CEPD 9/2022, partie II.B.2 ; CNIL, « Notifier une violation de données »",
        floor="risk",
    )
