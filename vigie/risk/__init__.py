"""Vigie's decision core: from breach facts to the GDPR reading, the ENISA score and every formality.

Pure Python (standard library and ``jsonschema``): no Django, no clock, no I/O at assessment time, so that
``vigie assess`` starts fast and the reasoning can be tested by tables.

    from vigie.risk import assess, parse_facts
    result = assess(parse_facts(data), now=now)
"""

from .criteria import Reason
from .decision import Assessment, assess
from .facts import (
    Availability,
    BreachFacts,
    Confidentiality,
    Controller,
    Data,
    FactsError,
    Mitigation,
    Nature,
    Persons,
    Problem,
    parse_facts,
)
from .obligations import Obligation
from .severity import Severity
from .vocabulary import (
    BREACH_TYPE_LABELS_FR,
    BREACH_TYPES,
    CHANNELS,
    CONTROLLER_KIND_LABELS_FR,
    CONTROLLER_KINDS,
    CONTROLLER_ROLE_LABELS_FR,
    CONTROLLER_ROLES,
    DATA_CATEGORIES,
    DATA_CATEGORY_LABELS_FR,
    EXFILTRATION_LABELS_FR,
    EXFILTRATION_STATES,
    IDENTIFIABILITY_LABELS_FR,
    IDENTIFIABILITY_LEVELS,
    OBLIGATION_IDS,
    ORIGIN_LABELS_FR,
    ORIGINS,
    PERSON_CATEGORIES,
    PERSON_CATEGORY_LABELS_FR,
    PROTECTION_LABELS_FR,
    PROTECTIONS,
    RECIPIENT_LABELS_FR,
    RECIPIENTS,
    RISK_LABELS_FR,
    RISK_LEVELS,
    SEVERITY_LABELS_FR,
    SEVERITY_LEVELS,
    STATUS_LABELS_FR,
    STATUSES,
)

__all__ = [
    "BREACH_TYPES",
    "BREACH_TYPE_LABELS_FR",
    "CHANNELS",
    "CONTROLLER_KINDS",
    "CONTROLLER_KIND_LABELS_FR",
    "CONTROLLER_ROLES",
    "CONTROLLER_ROLE_LABELS_FR",
    "DATA_CATEGORIES",
    "DATA_CATEGORY_LABELS_FR",
    "EXFILTRATION_LABELS_FR",
    "EXFILTRATION_STATES",
    "IDENTIFIABILITY_LABELS_FR",
    "IDENTIFIABILITY_LEVELS",
    "OBLIGATION_IDS",
    "ORIGINS",
    "ORIGIN_LABELS_FR",
    "PERSON_CATEGORIES",
    "PERSON_CATEGORY_LABELS_FR",
    "PROTECTIONS",
    "PROTECTION_LABELS_FR",
    "RECIPIENTS",
    "RECIPIENT_LABELS_FR",
    "RISK_LABELS_FR",
    "RISK_LEVELS",
    "SEVERITY_LABELS_FR",
    "SEVERITY_LEVELS",
    "STATUSES",
    "STATUS_LABELS_FR",
    "Assessment",
    "Availability",
    "BreachFacts",
    "Confidentiality",
    "Controller",
    "Data",
    "FactsError",
    "Mitigation",
    "Nature",
    "Obligation",
    "Persons",
    "Problem",
    "Reason",
    "Severity",
    "assess",
    "parse_facts",
]
