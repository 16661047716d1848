"""The shape of a document before it is laid out, and a French reading of the dossier shared by every text.

A document is built as a :class:`Document` (letterhead, recipient, sections of blocks) from the dossier
alone; the renderers (typst PDF, DOCX, text, HTML) only lay it out. Texts are French: these are legal
documents, not screens, so they are not translated.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from vigie.risk import (
    BREACH_TYPE_LABELS_FR,
    DATA_CATEGORY_LABELS_FR,
    MEDIUM_LABELS_FR,
    ORIGIN_LABELS_FR,
    PERSON_CATEGORY_LABELS_FR,
    RISK_LABELS_FR,
    SEVERITY_LABELS_FR,
)
from vigie.risk.french import MONTHS, PARIS, date_time

from .grammar import NOUNS_OF_PERSONS, Named, cap, count_of, dpo_title, join, named_person

CNIL_COMPLAINT_URL = "www.cnil.fr/fr/plaintes"


@dataclass
class Block:
    """A paragraph (``p``), a sub-heading (``h``), a bulleted list (``list``) or a labelled value (``field``)."""

    type: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    label: str = ""
    id: str = ""
    # A date field as the CNIL téléservice's boxes want it (the copy assistant): « 05/03/2025 » and « 14:30 ».
    form_date: str = ""
    form_time: str = ""


def p(text: str) -> Block:
    return Block("p", text=text)


def h(text: str) -> Block:
    return Block("h", text=text)


def bullets(items: list[str]) -> Block:
    return Block("list", items=[item for item in items if item])


def fld(field_id: str, label: str, text: str) -> Block:
    return Block("field", text=text or "Non renseigné.", label=label, id=field_id)


def fields_known(*items: tuple[str, str, str]) -> list[Block]:
    """Labelled values, only those recorded (an empty value is left out, not printed as « non renseigné »)."""
    return [fld(field_id, label, text) for field_id, label, text in items if text]


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
    mention: str = ""  # printed above the address, in the envelope's window (« Personnel et confidentiel »)
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


def long_date(moment: datetime | date) -> str:
    """« 3 mars 2026 » (« 1er mars 2026 »), in Paris."""
    local = moment.astimezone(PARIS) if isinstance(moment, datetime) else moment
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {MONTHS[local.month - 1]} {local.year}"


def short_date(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y")


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    """French public holidays (code du travail, art. L. 3133-1), metropolitan list."""
    sunday = easter(year)
    fixed = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}
    movable = {sunday + timedelta(days=n) for n in (1, 39, 50)}  # Easter Monday, Ascension, Whit Monday
    return {date(year, month, day) for month, day in fixed} | movable


def working_days_after(moment: datetime, days: int) -> date:
    """The ``days``-th working day (Monday to Friday, public holidays excepted) after ``moment``, in Paris."""
    current = moment.astimezone(PARIS).date()
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in public_holidays(current.year):
            counted += 1
    return current


def moment_text(moment: datetime) -> str:
    """« lundi 13 janvier 2025 à 08 h 40 (heure de Paris) »."""
    return date_time(moment)


def parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def yes_no(value: bool | None, unknown: str = "Non renseigné") -> str:
    return unknown if value is None else ("Oui" if value else "Non")


class View:
    """The dossier read in French: the words each document needs, computed once.

    A method returns a sentence only when a recorded fact or action licenses it; otherwise the sentence is
    absent, or a visible « À compléter » placeholder says what is missing.
    """

    def __init__(self, dossier: dict[str, Any], *, parent: bool = False) -> None:
        self.d = dossier
        self.parent = parent  # the persons' texts address the parent of a minor
        self.org: dict[str, Any] = dossier["organisation"]
        self.breach: dict[str, Any] = dossier["breach"]
        self.facts: dict[str, Any] = dossier["facts"]
        self.assessment: dict[str, Any] = dossier["assessment"]
        self.decision: dict[str, Any] = dossier["decision"]
        self.details: dict[str, Any] = dossier.get("details") or {}
        self.channels: dict[str, int] = (dossier.get("information") or {}).get("channels") or {}
        self.generated_at = datetime.fromisoformat(dossier["generated_at"])
        self.aware_at = datetime.fromisoformat(self.breach["became_aware_at"])
        self.occurred_at = parse(self.breach.get("occurred_at"))
        self.ended_at = parse(self.breach.get("ended_at"))
        self.obligations = {item["id"]: item for item in dossier.get("obligations", [])}
        self.dpo: dict[str, str] = {"name": "", "email": "", "phone": "", "civility": "", **self.org.get("dpo", {})}
        self.legal: dict[str, Any] = {
            "name": "", "civility": "", "function": "", "email": "", "phone": "", "rpps": "", "ordre_member": False,
            **self.org.get("legal_representative", {}),
        }  # fmt: skip
        self.contact: dict[str, str] = {
            "name": "", "civility": "", "function": "", "phone": "", "email": "", **self.org.get("contact", {})
        }  # fmt: skip
        self.named = Named.of(self.name)

    def for_parent(self) -> View:
        """The same dossier, read for a letter to the parent of a minor."""
        return View(self.d, parent=True)

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

    def siren(self) -> str:
        """The CNIL form's SIREN: the number, « Pas de SIREN », or what to complete."""
        siren = str(self.org.get("siren") or "") or str(self.org.get("siret") or "")[:9]
        if siren:
            return f"{siren[:3]} {siren[3:6]} {siren[6:]}"
        if self.org.get("no_siren"):
            return "Pas de SIREN."
        return todo("numéro SIREN, ou « pas de SIREN »")

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

    def dpo_signature(self) -> list[str]:
        """The DPO's name and function in their gender, for the end of a letter."""
        if not self.dpo["name"]:
            return []
        return [named_person(self.dpo["name"], self.dpo["civility"]), cap(dpo_title(self.dpo["civility"]))]

    def dpo_the(self) -> str:
        """« la déléguée à la protection des données », « le délégué… », or « le DPO » when the gender is unknown."""
        civility = self.dpo["civility"]
        return (
            "le DPO" if civility not in ("m", "mme") else ("la " if civility == "mme" else "le ") + dpo_title(civility)
        )

    def legal_representative(self) -> str:
        """« Mme Anne Durand, gérante », or empty when no representative is recorded."""
        name = named_person(str(self.legal["name"]), str(self.legal["civility"]))
        if not name:
            return ""
        return f"{name}, {self.legal['function']}" if self.legal["function"] else name

    def legal_representative_reachable(self) -> str:
        """The legal representative with a telephone and an e-mail, as recorded."""
        representative = self.legal_representative()
        if not representative:
            return ""
        return ", ".join(part for part in (representative, self.legal["phone"], self.legal["email"]) if part)

    def contact_sentence(self, *, letter: bool = True) -> str:
        """How to reach the DPO or the contact point, in one sentence (GDPR art. 33(3)(b), 34(2)); a notice that
        is not a letter gives the postal address itself."""
        who = named_person(self.dpo["name"], self.dpo["civility"]) or "notre délégué à la protection des données"
        ways = []
        if self.dpo["email"] or self.org.get("email"):
            ways.append(f"par e-mail à {self.dpo['email'] or self.org['email']}")
        if self.dpo["phone"] or self.org.get("phone"):
            ways.append(f"par téléphone au {self.dpo['phone'] or self.org['phone']}")
        if self.address_lines():
            ways.append(
                "par courrier à l'adresse en haut de cette lettre"
                if letter
                else f"par courrier au {', '.join(self.address_lines())}"
            )
        if not ways:
            return f"Vous pouvez joindre {who} auprès {self.named.of_}."
        return f"Vous pouvez joindre {who} {join(ways, 'ou')}."

    def contact_short(self) -> str:
        return self.dpo["phone"] or self.org.get("phone") or self.dpo["email"] or self.org.get("email") or ""

    def contact_formal(self) -> str:
        parts = [named_person(self.dpo["name"], self.dpo["civility"]) or "Délégué à la protection des données"]
        parts += [value for value in (self.dpo["email"], self.dpo["phone"]) if value]
        if len(parts) == 1:
            parts += [value for value in (self.org.get("email"), self.org.get("phone")) if value]
        return ", ".join(str(part) for part in parts)

    def contact_person(self) -> str:
        """The person to call about the breach: name, function, telephone, e-mail, as recorded."""
        name = named_person(self.contact["name"], self.contact["civility"])
        if not name:
            return ""
        return ", ".join(
            part for part in (name, self.contact["function"], self.contact["phone"], self.contact["email"]) if part
        )

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

    @property
    def minors(self) -> bool:
        return "minors" in self.person_categories

    @property
    def restored(self) -> bool:
        """A restoration is recorded (its duration), not only the existence of a backup."""
        return self.facts.get("availability", {}).get("restored_within_hours") is not None

    @property
    def certainty(self) -> str | None:
        """``confirmed`` (« avérée »), ``suspected`` (« suspectée »), or None when not recorded."""
        value = self.facts.get("nature", {}).get("certainty")
        return None if value is None else str(value)

    @property
    def confirmed(self) -> bool:
        """The breach is established, not merely suspected: only when the user recorded it as confirmed."""
        return self.certainty == "confirmed"

    @property
    def suspected(self) -> bool:
        return not self.confirmed

    def _fact_moment(self, name: str) -> datetime | None:
        return parse(self.facts.get(name))

    @property
    def detected_at(self) -> datetime | None:
        return self._fact_moment("incident_detected_at")

    @property
    def processor_informed_at(self) -> datetime | None:
        return self._fact_moment("processor_informed_at")

    def detected_text(self) -> str:
        return moment_text(self.detected_at) if self.detected_at else ""

    def processor_informed_text(self) -> str:
        return moment_text(self.processor_informed_at) if self.processor_informed_at else ""

    def medium_text(self) -> str:
        labels = [MEDIUM_LABELS_FR.get(str(m), str(m)) for m in self.facts.get("data", {}).get("media") or []]
        if not labels:
            return todo(
                "support des données : serveur, poste de travail, ordinateur portable, sauvegarde, clé USB, "
                "téléphone ou papier"
            )
        return cap(join(labels)) + "."

    def origin_label(self) -> str:
        return ORIGIN_LABELS_FR.get(self.origin, self.origin)

    def types_label(self) -> str:
        return join([BREACH_TYPE_LABELS_FR[t] for t in self.types if t in BREACH_TYPE_LABELS_FR])

    def nature_phrase(self) -> str:
        """« une atteinte à la confidentialité et à la disponibilité des données »."""
        parts = {
            "confidentiality": "à la confidentialité",
            "integrity": "à l'intégrité",
            "availability": "à la disponibilité",
        }
        named = [parts[t] for t in ("confidentiality", "integrity", "availability") if t in self.types]
        return f"une atteinte {join(named)} des données" if named else "une violation de données"

    def categories_label(self) -> str:
        return join([DATA_CATEGORY_LABELS_FR.get(c, c) for c in self.categories])

    def person_categories_label(self) -> str:
        return join([PERSON_CATEGORY_LABELS_FR.get(c, c) for c in self.person_categories]) or "non précisées"

    def persons_count(self) -> int | None:
        count = self.facts.get("persons", {}).get("count")
        return None if count is None else int(count)

    def persons_text(self) -> str:
        """« environ 4 800 patients », « un patient », « environ 60 000 personnes (patients et mineurs) »."""
        count = self.persons_count()
        if count is None:
            return "un nombre de personnes encore inconnu"
        cats = [c for c in self.person_categories if c != "other"]
        nouns = NOUNS_OF_PERSONS.get(cats[0]) if len(cats) == 1 else None
        if nouns:
            words = count_of(count, *nouns)
        else:
            words = count_of(count, "personne", "personnes", feminine=True)
            if cats:
                words += f" ({self.person_categories_label()})"
        estimate = self.facts.get("persons", {}).get("count_is_estimate") and count > 1
        return f"environ {words}" if estimate else words

    def records_text(self) -> str:
        count = self.breach.get("records_count")
        if count is None:
            return "nombre inconnu à ce stade"
        return count_of(int(count), "enregistrement", "enregistrements")

    def risk_label(self) -> str:
        return RISK_LABELS_FR.get(self.assessment.get("risk", ""), "non évalué")

    def severity_text(self) -> str:
        severity = self.assessment.get("severity", {})
        score = str(severity.get("score", "")).replace(".", ",")
        level = SEVERITY_LABELS_FR.get(severity.get("level", ""), "")
        return f"{score} sur l'échelle ENISA, gravité {level}" if score else "non calculée"

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
            return f"La CNIL a été notifiée le {long_date(done)}" + (f", récépissé n° {ref}." if ref else ".")
        if self.decision.get("notify_authority"):
            return "La violation est en cours de notification à la CNIL."
        return (
            "Au vu de l'analyse de risque, la violation n'a pas à être notifiée à la CNIL ; elle est inscrite au "
            "registre des violations."
        )

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
            return f"Une plainte a été déposée le {long_date(done)}" + (f", référence {ref}." if ref else ".")
        return "Aucune plainte n'a encore été déposée."

    def aware_text(self) -> str:
        return moment_text(self.aware_at)

    def occurred_text(self) -> str:
        return moment_text(self.occurred_at) if self.occurred_at else "Date de début inconnue à ce stade."

    @property
    def ongoing(self) -> bool | None:
        value = self.breach.get("ongoing", self.facts.get("nature", {}).get("ongoing"))
        return None if value is None else bool(value)

    def ended_text(self) -> str:
        if self.ended_at:
            return moment_text(self.ended_at)
        if self.ongoing:
            return "La violation est toujours en cours."
        if self.ongoing is None:
            return "Date de fin inconnue à ce stade."
        return "La violation a pris fin, à une date non précisée."

    def narrative(self, name: str) -> str:
        return str(self.breach.get(name) or "").strip()

    def detail(self, name: str) -> str:
        value = self.details.get(name)
        return "" if value is None or isinstance(value, bool) else str(value).strip()

    def is_processor(self) -> bool:
        return self.facts.get("controller", {}).get("role") == "processor"

    # --- What happened, in order: the facts and the formalities done, never the application's journal ---

    def chronology(self) -> list[tuple[datetime, str]]:
        """The dated facts of the breach and the formalities accomplished, in order (complaint, register)."""
        events: list[tuple[datetime, str]] = []
        if self.occurred_at:
            events.append((self.occurred_at, "Début de la violation"))
        if self.detected_at:
            events.append((self.detected_at, "Détection de l'incident"))
        if self.processor_informed_at:
            events.append((self.processor_informed_at, f"Information {self.named.of_} par son sous-traitant"))
        events.append((self.aware_at, f"Prise de connaissance de la violation par {self.named.the}"))
        if self.ended_at:
            events.append((self.ended_at, "Fin de la violation"))
        for oid, words in DONE_WORDS.items():
            done = self.done_at(oid)
            if done is None:
                continue
            reference = str(self.obligation(oid).get("reference") or "")
            events.append((done, f"{words}, référence {reference}" if reference else words))
        return sorted(events, key=lambda event: event[0])

    def chronology_lines(self) -> list[str]:
        return [
            f"{long_date(at)} à {at.astimezone(PARIS):%H} h {at.astimezone(PARIS):%M} : {what}."
            for at, what in self.chronology()
        ]


# What a formality is called once it is done, in a chronology or a list of bodies informed.
DONE_WORDS = {
    "processor_to_controller": "Alerte du responsable de traitement",
    "police_complaint": "Dépôt de plainte",
    "notify_cnil": "Notification de la violation à la CNIL",
    "ars_cert_sante": "Signalement de l'incident à l'ARS (CERT Santé)",
    "nis2_early_warning": "Alerte précoce adressée à l'ANSSI",
    "inform_persons": "Information des personnes concernées",
    "ordre": "Courrier au conseil de l'Ordre",
    "cybermalveillance": "Demande d'assistance à cybermalveillance.gouv.fr",
    "insurer": "Déclaration de sinistre à l'assureur",
}


def todo(what: str) -> str:
    """A visible placeholder for a fact not recorded: the document says what to complete instead of guessing."""
    return f"À compléter : {what}."


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
