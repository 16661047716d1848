"""The words of a breach: enumerations read from the bundled input schema, and their French labels.

The schema (``schema/breach-facts.schema.json``, a verbatim copy of the project's input contract) is the
single source of the allowed values; the tuples below are read from it so that the forms of the Django
side, the validator and the reasoning cannot drift apart. The French labels are ours; a test checks that
every value has exactly one label.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

SCHEMA: Final[dict[str, Any]] = json.loads(
    resources.files("vigie.risk").joinpath("schema", "breach-facts.schema.json").read_text(encoding="utf-8")
)


def _enum(*path: str, items: bool = False) -> tuple[str, ...]:
    """The ``enum`` of the schema node reached by following ``properties`` through ``path``."""
    node: dict[str, Any] = SCHEMA
    for key in path:
        node = node["properties"][key]
    if items:
        node = node["items"]
    return tuple(str(value) for value in node["enum"])


CONTROLLER_KINDS: Final = _enum("controller", "kind")
CONTROLLER_ROLES: Final = _enum("controller", "role")
BREACH_TYPES: Final = _enum("nature", "types", items=True)
ORIGINS: Final = _enum("nature", "origin")
DATA_CATEGORIES: Final = _enum("data", "categories", items=True)
PROTECTIONS: Final = _enum("data", "protection")
IDENTIFIABILITY_LEVELS: Final = _enum("data", "identifiability")
PERSON_CATEGORIES: Final = _enum("persons", "categories", items=True)
EXFILTRATION_STATES: Final = _enum("confidentiality", "exfiltration")
RECIPIENTS: Final = _enum("confidentiality", "recipient")
CERTAINTIES: Final = _enum("nature", "certainty")
SPECIAL_EXTENTS: Final = _enum("data", "special_extent")
MEDIA: Final = _enum("data", "media", items=True)

# Output vocabularies (see the output contract, assessment-result.md).
RISK_LEVELS: Final = ("unlikely", "risk", "high")
# The two axes of the assessment (EDPB Guidelines 9/2022 § IV.B; CNIL, PIA method): the likelihood that the
# breach harms the persons and the severity of that harm, each on the CNIL's four levels (négligeable,
# limitée, importante, maximale). These ids are stable: documents map the CNIL form's « gravité » from them.
AXIS_LEVELS: Final = ("negligible", "limited", "significant", "maximum")
# What each axis is assessed for: the CNIL PIA method's three feared events.
EVENTS: Final = ("confidentiality", "integrity", "availability")
AXES: Final = ("likelihood", "severity")
SEVERITY_LEVELS: Final = ("low", "medium", "high", "very_high")
STATUSES: Final = ("required", "recommended", "not_applicable")
EFFECTS: Final = ("raises", "lowers")
CHANNELS: Final = ("individual", "public")
OBLIGATION_IDS: Final = (
    "register",
    "notify_cnil",
    "inform_persons",
    "processor_to_controller",
    "police_complaint",
    "ars_cert_sante",
    "nis2_early_warning",
    "ordre",
    "cybermalveillance",
    "insurer",
)

CONTROLLER_KIND_LABELS_FR: Final = {
    "cabinet_medical": "cabinet médical ou paramédical",
    "centre_sante": "centre de santé",
    "laboratoire": "laboratoire de biologie médicale",
    "etablissement_sante": "établissement de santé",
    "pharmacie": "pharmacie",
    "medico_social": "établissement ou service médico-social",
    "other_health": "autre acteur de santé",
    "other": "autre organisme",
}
CONTROLLER_ROLE_LABELS_FR: Final = {
    "controller": "responsable de traitement",
    "processor": "sous-traitant",
}
BREACH_TYPE_LABELS_FR: Final = {
    "confidentiality": "atteinte à la confidentialité",
    "integrity": "atteinte à l'intégrité",
    "availability": "atteinte à la disponibilité",
}
ORIGIN_LABELS_FR: Final = {
    "ransomware": "rançongiciel",
    "malware": "logiciel malveillant",
    "hacking": "piratage",
    "credential_stuffing": "attaque par bourrage d'identifiants",
    "phishing": "hameçonnage",
    "social_engineering": "ingénierie sociale (usurpation d'identité)",
    "insider_misuse": "accès abusif par une personne interne",
    "lost_device": "perte d'un appareil",
    "stolen_device": "vol d'un appareil",
    "lost_paper": "perte de documents papier",
    "stolen_paper": "vol de documents papier",
    "misdirected_email": "courriel envoyé au mauvais destinataire",
    "misdirected_post": "courrier envoyé au mauvais destinataire",
    "wrong_recipient_other": "transmission au mauvais destinataire",
    "accidental_publication": "publication involontaire",
    "improper_disposal": "mise au rebut sans destruction",
    "system_failure": "panne ou défaillance technique",
    "processor_incident": "incident chez un sous-traitant",
    "other": "autre origine",
}
DATA_CATEGORY_LABELS_FR: Final = {
    "identity": "identité",
    "contact": "coordonnées",
    "birth_date": "date de naissance",
    "national_id": "numéro de sécurité sociale (NIR)",
    "official_id": "pièce d'identité",
    "financial": "données bancaires ou financières",
    "payment_card": "données de carte de paiement",
    "credentials": "identifiants de connexion",
    "location": "données de localisation",
    "communications": "contenu de communications",
    "professional": "données professionnelles",
    "behavioural": "habitudes et comportements",
    "social_welfare": "données sociales",
    "health": "données de santé",
    "genetic": "données génétiques",
    "biometric": "données biométriques",
    "sexual_life": "vie ou orientation sexuelle",
    "racial_ethnic": "origine raciale ou ethnique",
    "political_religious": "opinions politiques, convictions religieuses ou syndicales",
    "criminal": "infractions et condamnations",
    "other": "autres données",
}
PROTECTION_LABELS_FR: Final = {
    "none": "aucune protection",
    "encrypted": "chiffrement à l'état de l'art, clé non compromise",
    "encrypted_key_compromised": "chiffrement dont la clé est compromise",
    "pseudonymised": "pseudonymisation",
    "hashed_salted": "hachage salé",
    "hashed_weak": "hachage faible",
}
IDENTIFIABILITY_LABELS_FR: Final = {
    "direct": "directe",
    "indirect": "indirecte",
    "difficult": "difficile",
    "negligible": "négligeable",
}
PERSON_CATEGORY_LABELS_FR: Final = {
    "patients": "patients",
    "minors": "mineurs",
    "employees": "salariés",
    "clients": "clients",
    "vulnerable": "personnes vulnérables",
    "health_professionals": "professionnels de santé",
    "other": "autres personnes",
}
EXFILTRATION_LABELS_FR: Final = {
    "confirmed": "confirmée",
    "likely": "probable",
    "excluded": "exclue",
    "unknown": "inconnue",
}
RECIPIENT_LABELS_FR: Final = {
    "unknown": "inconnu",
    "malicious": "malveillant",
    "untrusted": "non fiable",
    "trusted": "de confiance",
}
CERTAINTY_LABELS_FR: Final = {
    "confirmed": "avérée",
    "suspected": "suspectée",
}
SPECIAL_EXTENT_LABELS_FR: Final = {
    "minor": "mention accessoire (par exemple une préférence alimentaire)",
    "substantial": "informations médicales ou sensibles proprement dites",
    "highly_sensitive": "informations particulièrement sensibles (VIH, génétique, santé mentale, addiction…)",
}
MEDIUM_LABELS_FR: Final = {
    "server": "serveur",
    "workstation": "poste de travail",
    "laptop": "ordinateur portable",
    "phone": "téléphone ou tablette",
    "usb_key": "clé USB",
    "backup_media": "support de sauvegarde",
    "paper": "papier",
    "email": "courriel",
    "postal_mail": "courrier postal",
    "cloud": "service en ligne ou hébergé",
    "other": "autre support",
}
AXIS_LEVEL_LABELS_FR: Final = {
    "negligible": "négligeable",
    "limited": "limitée",
    "significant": "importante",
    "maximum": "maximale",
}
RISK_LABELS_FR: Final = {
    "unlikely": "risque improbable",
    "risk": "risque",
    "high": "risque élevé",
}
SEVERITY_LABELS_FR: Final = {
    "low": "faible",
    "medium": "moyenne",
    "high": "élevée",
    "very_high": "très élevée",
}
STATUS_LABELS_FR: Final = {
    "required": "obligatoire",
    "recommended": "recommandé",
    "not_applicable": "sans objet",
}

# Groupings used by the reasoning; each is explained where it matters.
SPECIAL_CATEGORIES: Final = frozenset(
    # GDPR art. 9(1) special categories, plus art. 10 data on offences, treated alike here.
    {"health", "genetic", "biometric", "sexual_life", "racial_ethnic", "political_religious", "criminal"}
)
FRAUD_PRONE_CATEGORIES: Final = frozenset(
    # Data that lets a third party impersonate someone or reach their money: EDPB 01/2021 cases 4, 7, 14, 17.
    {"national_id", "official_id", "financial", "payment_card", "credentials"}
)
DIRECT_IDENTIFIERS: Final = frozenset(
    # Data that names or reaches a person by itself (ENISA 2013: EI is maximal once a name is attached).
    {"identity", "contact", "national_id", "official_id", "payment_card", "credentials", "biometric"}
)
HEALTH_KINDS: Final = frozenset(kind for kind in CONTROLLER_KINDS if kind != "other")
