"""The shape of a document before it is laid out, and a French reading of the dossier shared by every text.

A document is built as a :class:`Document` (letterhead, recipient, sections of blocks) from the dossier
alone; the renderers (typst PDF, DOCX, text, HTML) only lay it out. Texts are French: these are legal
documents, not screens, so they are not translated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from vigie.risk import (
    BREACH_TYPE_LABELS_FR,
    DATA_CATEGORY_LABELS_FR,
    ORIGIN_LABELS_FR,
    PERSON_CATEGORY_LABELS_FR,
    RISK_LABELS_FR,
    SEVERITY_LABELS_FR,
)
from vigie.risk.french import MONTHS, PARIS, date_time, integer, join

CNIL_COMPLAINT_URL = "www.cnil.fr/fr/plaintes"


@dataclass
class Block:
    """A paragraph (``p``), a sub-heading (``h``), a bulleted list (``list``) or a labelled value (``field``)."""

    type: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    label: str = ""
    id: str = ""


def p(text: str) -> Block:
    return Block("p", text=text)


def h(text: str) -> Block:
    return Block("h", text=text)


def bullets(items: list[str]) -> Block:
    return Block("list", items=[item for item in items if item])


def fld(field_id: str, label: str, text: str) -> Block:
    return Block("field", text=text or "Non renseigné.", label=label, id=field_id)


@dataclass
class Section:
    title: str
    blocks: list[Block]
    id: str = ""


@dataclass
class Document:
    """A document ready to lay out. ``layout`` is ``letter`` (window-envelope letter) or ``report``."""

    kind: str
    layout: str
    title: str
    letterhead: dict[str, Any]
    sections: list[Section]
    subtitle: str = ""
    recipient: list[str] = field(default_factory=list)
    place_date: str = ""
    references: list[list[str]] = field(default_factory=list)
    subject: str = ""
    salutation: str = ""
    closing: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)
    enclosures: list[str] = field(default_factory=list)
    footnote: str = ""
    generated: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]


def long_date(moment: datetime) -> str:
    """« 3 mars 2026 » (« 1er mars 2026 »), in Paris."""
    local = moment.astimezone(PARIS)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {MONTHS[local.month - 1]} {local.year}"


def short_date(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y")


def moment_text(moment: datetime) -> str:
    """« lundi 13 janvier 2025 à 08 h 40 (heure de Paris) »."""
    return date_time(moment)


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def yes_no(value: bool | None, unknown: str = "Non renseigné") -> str:
    return unknown if value is None else ("Oui" if value else "Non")


class View:
    """The dossier read in French: the words each document needs, computed once."""

    def __init__(self, dossier: dict[str, Any]) -> None:
        self.d = dossier
        self.org: dict[str, Any] = dossier["organisation"]
        self.breach: dict[str, Any] = dossier["breach"]
        self.facts: dict[str, Any] = dossier["facts"]
        self.assessment: dict[str, Any] = dossier["assessment"]
        self.decision: dict[str, Any] = dossier["decision"]
        self.generated_at = datetime.fromisoformat(dossier["generated_at"])
        self.aware_at = datetime.fromisoformat(self.breach["became_aware_at"])
        self.occurred_at = parse(self.breach.get("occurred_at"))
        self.ended_at = parse(self.breach.get("ended_at"))
        self.obligations = {item["id"]: item for item in dossier.get("obligations", [])}
        self.dpo: dict[str, str] = {"name": "", "email": "", "phone": "", **self.org.get("dpo", {})}

    # --- Organisation --------------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self.org["name"])

    @property
    def city(self) -> str:
        return str(self.org.get("city") or "")

    def address_lines(self) -> list[str]:
        lines = [line.strip() for line in str(self.org.get("address") or "").splitlines() if line.strip()]
        town = " ".join(part for part in (self.org.get("postcode") or "", self.city) if part)
        return [*lines, town] if town else lines

    def letterhead(self) -> dict[str, Any]:
        contact = []
        if self.org.get("phone"):
            contact.append(f"Tél. {self.org['phone']}")
        if self.org.get("email"):
            contact.append(str(self.org["email"]))
        if self.org.get("website"):
            contact.append(str(self.org["website"]))
        ids = []
        if self.org.get("siret"):
            ids.append(f"SIRET {self.org['siret']}")
        if self.org.get("finess"):
            ids.append(f"FINESS {self.org['finess']}")
        return {
            "name": self.name,
            "lines": self.address_lines(),
            "contact": contact,
            "ids": ids,
            "logo": bool(self.org.get("logo_png")),
        }

    def place_date(self) -> str:
        when = f"le {long_date(self.generated_at)}"
        return f"{self.city}, {when}" if self.city else when.capitalize()

    def contact_sentence(self) -> str:
        """How to reach the DPO or the contact point, in one sentence (GDPR art. 33(3)(b), 34(2))."""
        who = self.dpo["name"] or "notre délégué à la protection des données"
        ways = []
        if self.dpo["email"] or self.org.get("email"):
            ways.append(f"par e-mail à {self.dpo['email'] or self.org['email']}")
        if self.dpo["phone"] or self.org.get("phone"):
            ways.append(f"par téléphone au {self.dpo['phone'] or self.org['phone']}")
        if self.address_lines():
            ways.append("par courrier à l'adresse en haut de cette lettre")
        if not ways:
            return f"Vous pouvez joindre {who} auprès de {self.name}."
        return f"Vous pouvez joindre {who} {join(ways)}."

    def contact_short(self) -> str:
        return self.dpo["phone"] or self.org.get("phone") or self.dpo["email"] or self.org.get("email") or ""

    def contact_formal(self) -> str:
        parts = [self.dpo["name"] or "Délégué à la protection des données"]
        parts += [value for value in (self.dpo["email"], self.dpo["phone"]) if value]
        if len(parts) == 1:
            parts += [value for value in (self.org.get("email"), self.org.get("phone")) if value]
        return ", ".join(str(part) for part in parts)

    # --- Breach --------------------------------------------------------------------------------------------

    @property
    def reference(self) -> str:
        return str(self.breach["reference"])

    @property
    def title(self) -> str:
        return str(self.breach.get("title") or "")

    @property
    def origin(self) -> str:
        return str(self.facts.get("nature", {}).get("origin", "other"))

    @property
    def types(self) -> list[str]:
        return list(self.facts.get("nature", {}).get("types", []))

    @property
    def categories(self) -> list[str]:
        return list(self.facts.get("data", {}).get("categories", []))

    @property
    def person_categories(self) -> list[str]:
        return list(self.facts.get("persons", {}).get("categories", []))

    @property
    def malicious(self) -> bool | None:
        value = self.facts.get("nature", {}).get("malicious")
        return None if value is None else bool(value)

    def origin_label(self) -> str:
        return ORIGIN_LABELS_FR.get(self.origin, self.origin)

    def types_label(self) -> str:
        return join([BREACH_TYPE_LABELS_FR[t] for t in self.types if t in BREACH_TYPE_LABELS_FR])

    def categories_label(self) -> str:
        return join([DATA_CATEGORY_LABELS_FR.get(c, c) for c in self.categories])

    def person_categories_label(self) -> str:
        return join([PERSON_CATEGORY_LABELS_FR.get(c, c) for c in self.person_categories]) or "non précisées"

    def persons_text(self) -> str:
        persons = self.facts.get("persons", {})
        count = persons.get("count")
        if count is None:
            return "nombre inconnu"
        words = f"{integer(int(count))} personne{'s' if count > 1 else ''}"
        return f"environ {words} (estimation)" if persons.get("count_is_estimate") else words

    def records_text(self) -> str:
        count = self.breach.get("records_count")
        return (
            "nombre inconnu à ce stade"
            if count is None
            else f"{integer(int(count))} enregistrement{'s' if count > 1 else ''}"
        )

    def risk_label(self) -> str:
        return RISK_LABELS_FR.get(self.assessment.get("risk", ""), "non évalué")

    def severity_text(self) -> str:
        severity = self.assessment.get("severity", {})
        score = str(severity.get("score", "")).replace(".", ",")
        level = SEVERITY_LABELS_FR.get(severity.get("level", ""), "")
        return f"{score} sur l'échelle ENISA (gravité {level})" if score else "non calculée"

    def obligation(self, obligation_id: str) -> dict[str, Any]:
        return self.obligations.get(obligation_id) or {}

    def applies(self, obligation_id: str) -> bool:
        return self.obligation(obligation_id).get("status") in ("required", "recommended")

    def done_at(self, obligation_id: str) -> datetime | None:
        return parse(self.obligation(obligation_id).get("done_at"))

    def cnil_deadline(self) -> datetime | None:
        return parse(self.obligation("notify_cnil").get("due"))

    def cnil_late(self) -> bool:
        """Notified after the 72 hours, or not yet notified and the 72 hours are past (art. 33(1))."""
        due = self.cnil_deadline()
        if due is None or not self.decision.get("notify_authority"):
            return False
        when = self.done_at("notify_cnil") or self.generated_at
        return when > due

    def delay_reasons(self) -> str:
        return str(self.obligation("notify_cnil").get("delay_reasons") or "")

    def cnil_reference(self) -> str:
        return str(self.obligation("notify_cnil").get("reference") or "")

    def cnil_status(self) -> str:
        done = self.done_at("notify_cnil")
        if done:
            ref = self.cnil_reference()
            return f"La CNIL a été notifiée le {long_date(done)}" + (f" (récépissé n° {ref})." if ref else ".")
        if self.decision.get("notify_authority"):
            return "La violation est en cours de notification à la CNIL."
        return "Au vu de l'analyse de risque, la violation n'a pas à être notifiée à la CNIL ; elle est inscrite au registre des violations."

    def persons_status(self) -> str:
        done = self.done_at("inform_persons")
        if done:
            return f"Les personnes concernées ont été informées le {long_date(done)}."
        if self.decision.get("notify_data_subjects"):
            if self.decision.get("data_subjects_channel") == "public":
                return "Les personnes concernées seront informées par une communication publique."
            return "Les personnes concernées vont être informées individuellement."
        return "Au vu de l'analyse de risque, une information individuelle des personnes n'est pas requise à ce stade."

    def complaint_status(self) -> str:
        done = self.done_at("police_complaint")
        if done:
            ref = self.obligation("police_complaint").get("reference")
            return f"Une plainte a été déposée le {long_date(done)}" + (f" (référence {ref})." if ref else ".")
        return "Aucune plainte n'a encore été déposée."

    def aware_text(self) -> str:
        return moment_text(self.aware_at)

    def occurred_text(self) -> str:
        return moment_text(self.occurred_at) if self.occurred_at else "Date de début inconnue à ce stade."

    def ended_text(self) -> str:
        if self.ended_at:
            return moment_text(self.ended_at)
        ongoing = self.breach.get("ongoing", self.facts.get("nature", {}).get("ongoing"))
        if ongoing:
            return "La violation est toujours en cours."
        return "Date de fin inconnue à ce stade." if ongoing is None else "La violation a pris fin (date non précisée)."

    def narrative(self, name: str) -> str:
        return str(self.breach.get(name) or "").strip()

    def is_processor(self) -> bool:
        return self.facts.get("controller", {}).get("role") == "processor"


def doc(view: View, kind: str, layout: str, title: str, sections: list[Section], **extra: Any) -> Document:
    """A document with the organisation's letterhead and the dossier's date."""
    return Document(
        kind=kind,
        layout=layout,
        title=title,
        letterhead=view.letterhead(),
        sections=sections,
        generated=f"Document établi le {long_date(view.generated_at)} à partir du dossier {view.reference}.",
        **extra,
    )
