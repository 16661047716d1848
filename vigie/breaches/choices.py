"""The choices of a breach's facts: the decision core's vocabulary (``vigie.risk.vocabulary``), with labels.

The values are the core's, which reads them from its facts schema; this module only adds the labels shown in
forms and registers (English source strings, translated by gettext). Every other app imports its choices from
here, not from the models. :data:`MIRRORS` pairs each set of choices with the core's tuple, and the module
refuses to load when one has drifted from the other (a value added to the schema and not here, or the reverse).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.risk import vocabulary


class BreachType(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Confidentiality (disclosure or access)")
    INTEGRITY = "integrity", _("Integrity (alteration)")
    AVAILABILITY = "availability", _("Availability (loss or destruction, even temporary)")


class Origin(models.TextChoices):
    RANSOMWARE = "ransomware", _("Ransomware")
    MALWARE = "malware", _("Other malware")
    HACKING = "hacking", _("Intrusion into the information system")
    CREDENTIAL_STUFFING = "credential_stuffing", _("Stolen or guessed passwords")
    PHISHING = "phishing", _("Phishing")
    SOCIAL_ENGINEERING = "social_engineering", _("Impersonation (social engineering)")
    INSIDER_MISUSE = "insider_misuse", _("Misuse by a member of staff")
    LOST_DEVICE = "lost_device", _("Lost computer, phone or storage device")
    STOLEN_DEVICE = "stolen_device", _("Stolen computer, phone or storage device")
    LOST_PAPER = "lost_paper", _("Lost paper documents")
    STOLEN_PAPER = "stolen_paper", _("Stolen paper documents")
    MISDIRECTED_EMAIL = "misdirected_email", _("E-mail sent to the wrong recipient")
    MISDIRECTED_POST = "misdirected_post", _("Letter sent to the wrong recipient")
    WRONG_RECIPIENT_OTHER = "wrong_recipient_other", _("Data given to the wrong person")
    ACCIDENTAL_PUBLICATION = "accidental_publication", _("Accidental publication")
    IMPROPER_DISPOSAL = "improper_disposal", _("Documents or devices thrown away without destruction")
    SYSTEM_FAILURE = "system_failure", _("System failure or outage")
    PROCESSOR_INCIDENT = "processor_incident", _("Incident at a processor (software vendor, host…)")
    OTHER = "other", _("Other")


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identity (name, sex)")
    CONTACT = "contact", _("Contact details")
    BIRTH_DATE = "birth_date", _("Date of birth")
    NATIONAL_ID = "national_id", _("Social security number (NIR) or INS")
    OFFICIAL_ID = "official_id", _("Identity documents")
    FINANCIAL = "financial", _("Financial or banking data")
    PAYMENT_CARD = "payment_card", _("Payment card data")
    CREDENTIALS = "credentials", _("Login credentials")
    LOCATION = "location", _("Location data")
    COMMUNICATIONS = "communications", _("Content of communications")
    PROFESSIONAL = "professional", _("Professional life")
    BEHAVIOURAL = "behavioural", _("Habits and behaviour")
    SOCIAL_WELFARE = "social_welfare", _("Social welfare situation")
    HEALTH = "health", _("Health data")
    GENETIC = "genetic", _("Genetic data")
    BIOMETRIC = "biometric", _("Biometric data")
    SEXUAL_LIFE = "sexual_life", _("Sex life or sexual orientation")
    RACIAL_ETHNIC = "racial_ethnic", _("Racial or ethnic origin")
    POLITICAL_RELIGIOUS = "political_religious", _("Political opinions, religious or philosophical beliefs")
    CRIMINAL = "criminal", _("Criminal convictions and offences")
    OTHER = "other", _("Other data")


class Protection(models.TextChoices):
    NONE = "none", _("None: the data was readable")
    ENCRYPTED = "encrypted", _("Strong encryption, key not compromised")
    ENCRYPTED_KEY_COMPROMISED = "encrypted_key_compromised", _("Encrypted, but the key may be compromised")
    PSEUDONYMISED = "pseudonymised", _("Pseudonymised")
    HASHED_SALTED = "hashed_salted", _("Hashed with a salt (passwords)")
    HASHED_WEAK = "hashed_weak", _("Weakly hashed")


class Identifiability(models.TextChoices):
    DIRECT = "direct", _("Directly (name, social security number…)")
    INDIRECT = "indirect", _("Indirectly, by cross-checking")
    DIFFICULT = "difficult", _("With difficulty")
    NEGLIGIBLE = "negligible", _("Practically not")


class PersonCategory(models.TextChoices):
    PATIENTS = "patients", _("Patients")
    MINORS = "minors", _("Minors")
    EMPLOYEES = "employees", _("Staff")
    CLIENTS = "clients", _("Customers")
    VULNERABLE = "vulnerable", _("Vulnerable persons")
    HEALTH_PROFESSIONALS = "health_professionals", _("Health professionals")
    OTHER = "other", _("Other")


class Exfiltration(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    LIKELY = "likely", _("Likely")
    EXCLUDED = "excluded", _("Excluded (complete logs show nothing left)")
    UNKNOWN = "unknown", _("Unknown")


class DataRecipient(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    MALICIOUS = "malicious", _("Malicious")
    UNTRUSTED = "untrusted", _("Not trusted")
    TRUSTED = "trusted", _("Trusted (bound by secrecy, reliable)")


class Certainty(models.TextChoices):
    CONFIRMED = "confirmed", _("Established")
    SUSPECTED = "suspected", _("Suspected")


class SpecialExtent(models.TextChoices):
    MINOR = "minor", _("An incidental mention (for example one dietary preference)")
    SUBSTANTIAL = "substantial", _("Medical or other sensitive information proper")
    HIGHLY_SENSITIVE = (
        "highly_sensitive",
        _("Especially sensitive information (HIV status, genetic results, mental health, addiction…)"),
    )


class Medium(models.TextChoices):
    SERVER = "server", _("Server")
    WORKSTATION = "workstation", _("Workstation")
    LAPTOP = "laptop", _("Laptop")
    PHONE = "phone", _("Phone or tablet")
    USB_KEY = "usb_key", _("USB key")
    BACKUP_MEDIA = "backup_media", _("Backup disk or tape")
    PAPER = "paper", _("Paper")
    EMAIL = "email", _("E-mail")
    POSTAL_MAIL = "postal_mail", _("Postal mail")
    CLOUD = "cloud", _("Online or hosted service")
    OTHER = "other", _("Other medium")


class ActingAs(models.TextChoices):
    CONTROLLER = "controller", _("Controller")
    PROCESSOR = "processor", _("Processor on behalf of a client")


# Each set of choices and the core's values it mirrors, in the core's order.
MIRRORS: tuple[tuple[type[models.TextChoices], tuple[str, ...]], ...] = (
    (BreachType, vocabulary.BREACH_TYPES),
    (Origin, vocabulary.ORIGINS),
    (DataCategory, vocabulary.DATA_CATEGORIES),
    (Protection, vocabulary.PROTECTIONS),
    (Identifiability, vocabulary.IDENTIFIABILITY_LEVELS),
    (PersonCategory, vocabulary.PERSON_CATEGORIES),
    (Exfiltration, vocabulary.EXFILTRATION_STATES),
    (DataRecipient, vocabulary.RECIPIENTS),
    (Certainty, vocabulary.CERTAINTIES),
    (SpecialExtent, vocabulary.SPECIAL_EXTENTS),
    (Medium, vocabulary.MEDIA),
    (ActingAs, vocabulary.CONTROLLER_ROLES),
)


def drifted() -> list[str]:
    """The choices whose values are not exactly the core's, in the core's order."""
    return [choices.__name__ for choices, values in MIRRORS if tuple(choices.values) != values]


if drifted():
    raise ImproperlyConfigured(f"Choices out of step with the decision core's vocabulary: {', '.join(drifted())}")
