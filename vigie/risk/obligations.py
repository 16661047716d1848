"""Every formality considered after a breach, applicable or not, with its deadline and a French "why".

One function per obligation id (the ids and their order are part of the output contract). Each returns its
status, its deadline in hours from awareness (or ``None``), and why; ``obligations`` adds titles, legal
bases, due dates in absolute time and lateness relative to ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .french import deadline, elapsed, paris_iso, typo
from .reading import DEVICE_ORIGINS, Reading


@dataclass(frozen=True, slots=True)
class Verdict:
    """The GDPR reading the formalities depend on (see ``decision.assess``)."""

    risk: str
    notify_authority: bool
    notify_data_subjects: bool
    channel: str | None
    exceptions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Obligation:
    """One formality: what to do, whether it applies, by when (Paris time), on what basis, and why."""

    id: str
    title: str
    status: str  # required | recommended | not_applicable
    due: datetime | None
    basis: str
    why: str
    overdue: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "due": None if self.due is None else paris_iso(self.due),
            "basis": self.basis,
            "why": self.why,
            "overdue": self.overdue,
        }


Rule = tuple[str, int | None, str]  # status, deadline in hours after awareness, why

TITLES: dict[str, str] = {
    "register": "Inscrire la violation au registre des violations",
    "notify_cnil": "Notifier la violation à la CNIL",
    "inform_persons": "Informer les personnes concernées",
    "processor_to_controller": "Alerter le responsable de traitement",
    "police_complaint": "Porter plainte",
    "ars_cert_sante": "Signaler l'incident à l'ARS (CERT Santé)",
    "nis2_early_warning": "Adresser l'alerte précoce NIS2 à l'ANSSI",
    "ordre": "Écrire au conseil départemental de l'Ordre",
    "cybermalveillance": "Demander l'aide de cybermalveillance.gouv.fr ou du 17Cyber",
    "insurer": "Déclarer le sinistre à l'assureur",
}
BASES: dict[str, str] = {
    "register": "RGPD art. 33(5)",
    "notify_cnil": "RGPD art. 33(1) et 33(3)",
    "inform_persons": "RGPD art. 34",
    "processor_to_controller": "RGPD art. 33(2) et 28(3)(f)",
    "police_complaint": "Code pénal art. 311-1 (vol) et 323-1 s. (atteintes aux systèmes) ; "
    "Code des assurances art. L.12-10-1",
    "ars_cert_sante": "CSP art. L.1111-8-2 et D.1111-16-2 s. ; arrêté du 30 octobre 2017",
    "nis2_early_warning": "Directive (UE) 2022/2555 (NIS2) art. 23",
    "ordre": "Bonne pratique, sans obligation légale (CSP art. R.4127-4 et R.4127-73)",
    "cybermalveillance": "Bonne pratique ; dispositif national d'assistance aux victimes (GIP ACYMA)",
    "insurer": "Contrat d'assurance ; Code des assurances art. L.12-10-1",
}
# Appended to ``why`` once the deadline has passed.
LATE: dict[str, str] = {
    "notify_cnil": "Le délai de 72 heures est dépassé : notifiez sans attendre, en indiquant les motifs du "
    "retard (RGPD art. 33(1)).",
    "police_complaint": "Le délai de 72 heures est dépassé : portez plainte sans attendre et prévenez "
    "l'assureur, l'indemnisation peut être compromise.",
    "nis2_early_warning": "Le délai de 24 heures est dépassé : adressez l'alerte sans attendre.",
}

ARS_REQUIRED_KINDS = frozenset({"etablissement_sante", "laboratoire", "centre_sante", "medico_social"})
ARS_RECOMMENDED_KINDS = frozenset({"cabinet_medical", "pharmacie", "other_health"})
ORDRE_KINDS = frozenset({"cabinet_medical", "centre_sante", "pharmacie", "laboratoire", "other_health"})
ORDRE_ORIGINS = DEVICE_ORIGINS | {"lost_paper", "stolen_paper", "improper_disposal", "processor_incident"}


def register(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(5): every breach is documented, notified or not."""
    if r.processor:
        return (
            "required",
            None,
            (
                "Le responsable de traitement inscrit la violation dans son registre ; en tant que sous-traitant, "
                "consignez aussi l'incident et votre alerte, pour pouvoir l'aider à documenter les faits."
            ),
        )
    return (
        "required",
        None,
        (
            "Toute violation, notifiée ou non, est consignée au registre : faits, effets, mesures prises, "
            "et le raisonnement suivi, y compris une décision de ne pas notifier."
        ),
    )


def notify_cnil(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(1): notify within 72 hours unless the breach is unlikely to result in a risk."""
    if r.processor:
        reading = (
            "elle paraît nécessaire, dans les 72 heures suivant le moment où il en a connaissance"
            if v.notify_authority
            else "elle ne paraît pas nécessaire"
        )
        return (
            "not_applicable",
            None,
            (
                "La notification à la CNIL incombe au responsable de traitement, pas au sous-traitant (sauf mandat "
                f"de sa part). D'après les faits connus, {reading}."
            ),
        )
    if v.notify_authority:
        level = "un risque élevé" if v.risk == "high" else "un risque"
        return (
            "required",
            72,
            (
                f"La violation est susceptible d'engendrer {level} pour les personnes : elle est notifiée à la CNIL "
                "dans les meilleurs délais et au plus tard 72 heures après en avoir pris connaissance, quitte à "
                "compléter ensuite."
            ),
        )
    return (
        "not_applicable",
        None,
        (
            "Un risque pour les personnes est improbable : pas de notification à la CNIL. La violation reste "
            "inscrite au registre avec le raisonnement qui le justifie, à revoir si des faits nouveaux apparaissent."
        ),
    )


def inform_persons(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 34: tell the people without undue delay when the risk is high, save a 34(3) exception."""
    if r.processor:
        reading = "elle paraît nécessaire" if v.notify_data_subjects else "elle ne paraît pas nécessaire"
        return (
            "not_applicable",
            None,
            (f"L'information des personnes incombe au responsable de traitement. D'après les faits connus, {reading}."),
        )
    if v.notify_data_subjects and v.channel == "public":
        return (
            "required",
            None,
            (
                "Le risque est élevé, mais joindre chaque personne demanderait des efforts disproportionnés "
                "(RGPD art. 34(3)(c)) : une communication publique tout aussi efficace (site internet, affichage, "
                "presse) la remplace, sans délai injustifié."
            ),
        )
    if v.notify_data_subjects:
        return (
            "required",
            None,
            (
                "Le risque est élevé : chaque personne concernée est informée individuellement (courrier, courriel "
                "ou SMS), sans délai injustifié, par un message dédié et clair : nature de la violation, "
                "conséquences probables, mesures prises, conseils et contact du délégué à la protection des données."
            ),
        )
    if "b" in v.exceptions:
        return (
            "not_applicable",
            None,
            (
                "Exception de l'art. 34(3)(b) : les mesures prises après la violation font que le risque élevé "
                "n'est plus susceptible de se réaliser. Documentez-les : la CNIL peut exiger l'information (art. 34(4))."
            ),
        )
    if "a" in v.exceptions:
        if r.care_affected or r.outage in ("long", "permanent"):
            return (
                "recommended",
                None,
                (
                    "Exception de l'art. 34(3)(a) : les données chiffrées sont inintelligibles, l'information n'est "
                    "pas obligatoire. Elle reste conseillée, car le risque élevé tient à la perte d'accès aux "
                    "données, que le chiffrement ne compense pas."
                ),
            )
        return (
            "not_applicable",
            None,
            (
                "Exception de l'art. 34(3)(a) : les données chiffrées sont inintelligibles pour qui les détient "
                "sans droit, l'information des personnes n'est pas obligatoire."
            ),
        )
    return (
        "not_applicable",
        None,
        (
            "Le risque n'est pas élevé : l'information des personnes n'est pas obligatoire. Elle reste possible, "
            "et la CNIL peut l'exiger."
        ),
    )


def processor_to_controller(r: Reading, v: Verdict) -> Rule:
    """GDPR art. 33(2): a processor alerts the controller without undue delay, without assessing risk."""
    if r.processor:
        return (
            "required",
            None,
            (
                "En tant que sous-traitant, alertez le responsable de traitement dans les meilleurs délais, sans "
                "attendre d'avoir évalué le risque, puis aidez-le à remplir ses obligations (RGPD art. 28(3)(f))."
            ),
        )
    return (
        "not_applicable",
        None,
        (
            "Vous êtes responsable de traitement : cette alerte est le fait des sous-traitants. Si la violation a "
            "eu lieu chez l'un d'eux, obtenez de lui tous les éléments utiles."
        ),
    )


def police_complaint(r: Reading, v: Verdict) -> Rule:
    """Code pénal art. 323-1 s.; Code des assurances art. L.12-10-1: complaint within 72 h to be compensated."""
    if not r.malicious:
        return "not_applicable", None, "L'incident est accidentel : il n'y a pas d'infraction à dénoncer."
    insured = r.facts.controller.cyber_insurance
    if insured and r.intrusion:
        return (
            "required",
            72,
            (
                "Une plainte déposée dans les 72 heures est la condition de l'indemnisation d'une cyberattaque "
                "par l'assurance (Code des assurances, art. L.12-10-1) ; l'attaque est aussi une infraction "
                "(Code pénal, art. 323-1 s.)."
            ),
        )
    why = (
        "L'incident est une infraction (attaque informatique, vol, usurpation) : une plainte auprès de la "
        "police, de la gendarmerie ou du procureur de la République aide l'enquête et garde une trace."
    )
    if insured is None and r.intrusion:
        why += " Si vous êtes assuré contre les cyberattaques, la plainte doit être déposée dans les 72 heures."
    elif insured:
        why += " Vérifiez aussi les conditions de votre contrat d'assurance."
    return "recommended", None, why


def ars_cert_sante(r: Reading, v: Verdict) -> Rule:
    """CSP L.1111-8-2, D.1111-16-2: significant or serious IT security incidents, reported without delay."""
    kind = r.facts.controller.kind
    if kind not in ARS_REQUIRED_KINDS | ARS_RECOMMENDED_KINDS:
        return (
            "not_applicable",
            None,
            "Le signalement des incidents de sécurité à l'ARS concerne les structures de santé.",
        )
    if not r.it_incident:
        return (
            "not_applicable",
            None,
            (
                "L'incident ne touche pas le système d'information (papier, courrier, erreur d'envoi ou données "
                "chiffrées) : il ne relève pas du signalement des incidents de sécurité informatique."
            ),
        )
    if kind in ARS_REQUIRED_KINDS:
        return (
            "required",
            None,
            (
                "Les établissements de santé, laboratoires, centres de santé et structures médico-sociales "
                "signalent sans délai à l'ARS les incidents significatifs ou graves de sécurité de leur système "
                "d'information, sur signalement-sante.gouv.fr ; CERT Santé aide ensuite à y faire face."
            ),
        )
    return (
        "recommended",
        None,
        (
            "L'obligation légale ne vise pas clairement les cabinets et officines, mais un signalement sur "
            "signalement-sante.gouv.fr est conseillé : CERT Santé aide aussi les professionnels libéraux."
        ),
    )


def nis2_early_warning(r: Reading, v: Verdict) -> Rule:
    """Directive (EU) 2022/2555 art. 23: early warning 24 h, notification 72 h, final report one month."""
    entity = r.facts.controller.nis2_entity
    if not entity:
        detail = "n'est pas renseigné" if entity is None else "n'est pas déclaré"
        return "not_applicable", None, (f"L'organisme {detail} comme entité essentielle ou importante au sens de NIS2.")
    if not r.it_incident:
        return (
            "not_applicable",
            None,
            ("NIS2 vise les incidents touchant les réseaux et systèmes d'information ; celui-ci n'en relève pas."),
        )
    return (
        "required",
        24,
        (
            "Entité essentielle ou importante au sens de NIS2 : un incident important fait l'objet d'une alerte "
            "précoce à l'ANSSI dans les 24 heures, d'une notification dans les 72 heures et d'un rapport final "
            "dans le mois, en plus de la CNIL et de l'ARS (sous réserve des textes français de transposition)."
        ),
    )


def ordre(r: Reading, v: Verdict) -> Rule:
    """Good practice only (brief §6.6): no GDPR or CSP rule requires writing to the departmental council."""
    origin = r.facts.nature.origin
    lost_stolen_hacked = r.intrusion or origin in ORDRE_ORIGINS
    if r.facts.controller.kind in ORDRE_KINDS and r.patients and lost_stolen_hacked:
        return (
            "recommended",
            None,
            (
                "Aucun texte n'impose de prévenir l'Ordre, mais un courrier au conseil départemental est une bonne "
                "pratique quand des dossiers de patients sont perdus, volés ou piratés, surtout si la continuité "
                "des soins ou les archives sont touchées."
            ),
        )
    return (
        "not_applicable",
        None,
        (
            "Le courrier à l'Ordre est une bonne pratique réservée aux professionnels de santé dont des dossiers "
            "de patients ont été perdus, volés ou piratés ; ce n'est pas le cas ici."
        ),
    )


def cybermalveillance(r: Reading, v: Verdict) -> Rule:
    """cybermalveillance.gouv.fr (GIP ACYMA) and 17Cyber: help for victims, not a legal notification."""
    if r.malicious:
        return (
            "recommended",
            None,
            (
                "Pour un incident malveillant, cybermalveillance.gouv.fr ou le 17Cyber aident à établir un "
                "diagnostic et orientent vers des prestataires labellisés et les forces de l'ordre. Ce n'est pas "
                "une notification légale."
            ),
        )
    return (
        "not_applicable",
        None,
        "L'incident est accidentel : l'assistance aux victimes de cybermalveillance ne s'impose pas.",
    )


def insurer(r: Reading, v: Verdict) -> Rule:
    """The insurance contract sets the claim deadline; L.12-10-1 ties compensation to a complaint."""
    insured = r.facts.controller.cyber_insurance
    if insured:
        return (
            "recommended",
            None,
            (
                "Déclarez le sinistre à votre assureur dans le délai prévu par le contrat, avec le récépissé de "
                "plainte s'il s'agit d'une cyberattaque."
            ),
        )
    if insured is None and r.malicious:
        return (
            "recommended",
            None,
            (
                "Vérifiez si un contrat d'assurance (cyber, multirisque professionnelle) couvre l'incident ; si oui, "
                "déclarez le sinistre dans le délai prévu et portez plainte dans les 72 heures."
            ),
        )
    return "not_applicable", None, "Aucune assurance couvrant l'incident n'est signalée."


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
    """All obligations in contract order, due dates counted in absolute time from awareness."""
    out = []
    for oid, rule in RULES.items():
        status, hours, why = rule(r, v)
        due = None if hours is None else deadline(r.facts.became_aware_at, hours)
        overdue = due is not None and now is not None and elapsed(due, now) > timedelta(0)
        if overdue and oid in LATE:
            why = f"{why} {LATE[oid]}"
        out.append(Obligation(oid, TITLES[oid], status, due, BASES[oid], typo(why), overdue))
    return tuple(out)
