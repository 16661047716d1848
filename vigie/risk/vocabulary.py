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

# English labels, for the English interface and ``vigie assess --lang en`` (the records stay in French).
ORIGIN_LABELS_EN: Final = {
    "ransomware": "ransomware",
    "malware": "malware",
    "hacking": "hacking",
    "credential_stuffing": "credential stuffing",
    "phishing": "phishing",
    "social_engineering": "social engineering (impersonation)",
    "insider_misuse": "misuse by an insider",
    "lost_device": "lost device",
    "stolen_device": "stolen device",
    "lost_paper": "lost paper documents",
    "stolen_paper": "stolen paper documents",
    "misdirected_email": "e-mail sent to the wrong recipient",
    "misdirected_post": "letter sent to the wrong recipient",
    "wrong_recipient_other": "data given to the wrong recipient",
    "accidental_publication": "accidental publication",
    "improper_disposal": "disposal without destruction",
    "system_failure": "system failure",
    "processor_incident": "incident at a processor",
    "other": "other origin",
}
DATA_CATEGORY_LABELS_EN: Final = {
    "identity": "identity",
    "contact": "contact details",
    "birth_date": "date of birth",
    "national_id": "social security number (NIR)",
    "official_id": "identity document",
    "financial": "banking or financial data",
    "payment_card": "payment card data",
    "credentials": "login credentials",
    "location": "location data",
    "communications": "content of communications",
    "professional": "professional data",
    "behavioural": "habits and behaviour",
    "social_welfare": "social welfare data",
    "health": "health data",
    "genetic": "genetic data",
    "biometric": "biometric data",
    "sexual_life": "sex life or sexual orientation",
    "racial_ethnic": "racial or ethnic origin",
    "political_religious": "political opinions, religious or trade-union beliefs",
    "criminal": "offences and convictions",
    "other": "other data",
}
PERSON_CATEGORY_LABELS_EN: Final = {
    "patients": "patients",
    "minors": "minors",
    "employees": "employees",
    "clients": "customers",
    "vulnerable": "vulnerable persons",
    "health_professionals": "health professionals",
    "other": "other persons",
}
RISK_LABELS_EN: Final = {
    "unlikely": "risk unlikely",
    "risk": "risk",
    "high": "high risk",
}
SEVERITY_LABELS_EN: Final = {
    "low": "low",
    "medium": "medium",
    "high": "high",
    "very_high": "very high",
}
STATUS_LABELS_EN: Final = {
    "required": "required",
    "recommended": "recommended",
    "not_applicable": "not applicable",
}
AXIS_LEVEL_LABELS_EN: Final = {
    "negligible": "negligible",
    "limited": "limited",
    "significant": "significant",
    "maximum": "maximum",
}
EVENT_LABELS_FR: Final = {
    "confidentiality": "accès illégitime aux données",
    "integrity": "modification des données",
    "availability": "disparition ou indisponibilité des données",
}
EVENT_LABELS_EN: Final = {
    "confidentiality": "unlawful access to the data",
    "integrity": "alteration of the data",
    "availability": "loss of the data or of access to them",
}
AXIS_LABELS_FR: Final = {"likelihood": "vraisemblance", "severity": "gravité"}
AXIS_LABELS_EN: Final = {"likelihood": "likelihood", "severity": "severity"}
MEDIUM_LABELS_EN: Final = {
    "server": "server",
    "workstation": "workstation",
    "laptop": "laptop",
    "phone": "phone or tablet",
    "usb_key": "USB key",
    "backup_media": "backup media",
    "paper": "paper",
    "email": "e-mail",
    "postal_mail": "postal mail",
    "cloud": "online or hosted service",
    "other": "other medium",
}

IDENTIFIABILITY_LABELS_EN: Final = {
    "direct": "direct",
    "indirect": "indirect",
    "difficult": "difficult",
    "negligible": "negligible",
}
CB_PART_LABELS_FR: Final = {
    "confidentiality": "confidentialité",
    "integrity": "intégrité",
    "availability": "disponibilité",
    "malicious_intent": "intention malveillante",
}
CB_PART_LABELS_EN: Final = {
    "confidentiality": "confidentiality",
    "integrity": "integrity",
    "availability": "availability",
    "malicious_intent": "malicious intent",
}

# The factors the ENISA score does not weigh, named when it disagrees with the decision.
FACTOR_LABELS_FR: Final = {
    "publication": "la publication",
    "malicious_holder": "un détenteur malveillant",
    "stolen": "le vol du support",
    "accessed": "l'ouverture des données",
    "ongoing": "la violation en cours",
    "already_public": "des données déjà publiques",
    "not_accessed": "des données non ouvertes",
    "secrecy_and_deletion": "un destinataire tenu au secret qui a supprimé les données",
    "secrecy": "un destinataire tenu au secret",
    "recovered": "la récupération ou suppression des données",
    "trusted_recipient": "un destinataire de confiance",
    "exfiltration_excluded": "l'exfiltration exclue",
    "special_minor": "des données sensibles seulement accessoires",
    "special_highly_sensitive": "des données particulièrement sensibles",
    "persons_characteristics": "des personnes vulnérables",
    "number_of_persons": "le nombre de personnes",
    "impact_on_care": "l'effet sur les soins",
    "permanent_loss": "la perte définitive",
    "availability": "la durée de l'indisponibilité",
    "data_sensitivity": "la nature des données",
}
FACTOR_LABELS_EN: Final = {
    "publication": "the publication",
    "malicious_holder": "a malicious holder",
    "stolen": "the theft of the medium",
    "accessed": "the data being opened",
    "ongoing": "the breach still going on",
    "already_public": "data already public",
    "not_accessed": "data not opened",
    "secrecy_and_deletion": "a recipient bound by secrecy who deleted the data",
    "secrecy": "a recipient bound by secrecy",
    "recovered": "the data recovered or deleted",
    "trusted_recipient": "a trusted recipient",
    "exfiltration_excluded": "exfiltration ruled out",
    "special_minor": "special-category data only incidental",
    "special_highly_sensitive": "especially sensitive data",
    "persons_characteristics": "vulnerable persons",
    "number_of_persons": "the number of persons",
    "impact_on_care": "the effect on care",
    "permanent_loss": "the permanent loss",
    "availability": "how long the data were out of reach",
    "data_sensitivity": "the nature of the data",
}

# Vocabularies a message parameter can be rendered with (``{name:labels:data_category}`` in a template).
LABELS: Final[dict[str, dict[str, dict[str, str]]]] = {
    "origin": {"fr": ORIGIN_LABELS_FR, "en": ORIGIN_LABELS_EN},
    "data_category": {"fr": DATA_CATEGORY_LABELS_FR, "en": DATA_CATEGORY_LABELS_EN},
    "person_category": {"fr": PERSON_CATEGORY_LABELS_FR, "en": PERSON_CATEGORY_LABELS_EN},
    "risk": {"fr": RISK_LABELS_FR, "en": RISK_LABELS_EN},
    "enisa_level": {"fr": SEVERITY_LABELS_FR, "en": SEVERITY_LABELS_EN},
    "status": {"fr": STATUS_LABELS_FR, "en": STATUS_LABELS_EN},
    "axis_level": {"fr": AXIS_LEVEL_LABELS_FR, "en": AXIS_LEVEL_LABELS_EN},
    "event": {"fr": EVENT_LABELS_FR, "en": EVENT_LABELS_EN},
    "axis": {"fr": AXIS_LABELS_FR, "en": AXIS_LABELS_EN},
    "medium": {"fr": MEDIUM_LABELS_FR, "en": MEDIUM_LABELS_EN},
    "identifiability": {"fr": IDENTIFIABILITY_LABELS_FR, "en": IDENTIFIABILITY_LABELS_EN},
    "cb_part": {"fr": CB_PART_LABELS_FR, "en": CB_PART_LABELS_EN},
    "factor": {"fr": FACTOR_LABELS_FR, "en": FACTOR_LABELS_EN},
}
