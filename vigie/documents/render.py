"""Every document of a breach, from its dossier alone: ``render(kind, dossier, fmt) -> bytes``.

The dossier is validated, composed into a :class:`~vigie.documents.content.common.Document` (French text,
laid out nowhere yet), then written as PDF (typst), PNG (first page, for previews), DOCX (python-docx), plain
text, HTML (Django templates, autoescaped) or e-mail (``.eml``, text with an HTML alternative).

Injection: typst receives the document as JSON through ``sys.inputs`` and reads it with ``json()``; values are
strings, never markup, so « #set », « $x$ » or « <script> » print as written. python-docx escapes XML itself;
Django's templates escape HTML.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal

from django.template.loader import render_to_string

from vigie.common.typesetting import compile_pdf
from vigie.risk.french import typo

from . import word
from .content import cnil, complaint, others, persons
from .content.common import Document, View
from .dossier import checked

TYPST_DIR = Path(__file__).parent / "typst"


@dataclass(frozen=True)
class Kind:
    """A document: its command-line name, French title, formats, and the obligation it serves."""

    slug: str
    title: str
    formats: tuple[str, ...]
    obligation: str | None
    build: Callable[..., Any]


REPORT_FORMATS = ("pdf", "docx", "txt", "html")
KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("cnil-initial", "Notification initiale à la CNIL", REPORT_FORMATS, "notify_cnil",
             lambda v, **_: cnil.notification(v)),
        Kind("cnil-complementary", "Notification complémentaire à la CNIL", REPORT_FORMATS, "notify_cnil",
             lambda v, **_: cnil.notification(v, complementary=True)),
        Kind("letter", "Lettre aux personnes concernées", REPORT_FORMATS, "inform_persons",
             lambda v, recipient=None: persons.letter(v, recipient)),
        Kind("letter-parent", "Lettre aux parents d'un mineur concerné", REPORT_FORMATS, "inform_persons",
             lambda v, recipient=None: persons.letter(v.for_parent(), recipient)),
        Kind("email", "Courriel aux personnes concernées", ("eml", "html", "txt"), "inform_persons",
             lambda v, **_: persons.email(v)),
        Kind("email-parent", "Courriel aux parents d'un mineur concerné", ("eml", "html", "txt"), "inform_persons",
             lambda v, **_: persons.email(v.for_parent())),
        Kind("sms", "SMS aux personnes concernées", ("txt",), "inform_persons", lambda v, **_: persons.sms(v)),
        Kind("public-notice", "Communication publique", REPORT_FORMATS, "inform_persons",
             lambda v, **_: persons.public_notice(v)),
        Kind("complaint", "Dossier de plainte", REPORT_FORMATS, "police_complaint", lambda v, **_: complaint.complaint(v)),
        Kind("ordre", "Lettre au conseil de l'Ordre", REPORT_FORMATS, "ordre", lambda v, **_: others.ordre(v)),
        Kind("ars", "Signalement ARS / CERT Santé", REPORT_FORMATS, "ars_cert_sante", lambda v, **_: others.ars(v)),
        Kind("insurer", "Déclaration à l'assureur", REPORT_FORMATS, "insurer", lambda v, **_: others.insurer(v)),
        Kind("processor-notice", "Notification au responsable de traitement", REPORT_FORMATS,
             "processor_to_controller", lambda v, **_: others.processor_notice(v)),
        Kind("register-extract", "Extrait du registre", REPORT_FORMATS, "register",
             lambda v, **_: others.register_extract(v)),
    )
}  # fmt: skip
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "eml": "message/rfc822",
}


class FormatError(ValueError):
    """The document does not exist in this format."""


def compose(kind: str, dossier: dict[str, Any], *, recipient: list[str] | None = None) -> Any:
    """The document's content (a ``Document``, or the text of an SMS) from a valid dossier."""
    return KINDS[kind].build(View(checked(dossier)), recipient=recipient)


def filename(kind: str, dossier: dict[str, Any], fmt: str) -> str:
    reference = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(dossier["breach"]["reference"]))[:40]
    return f"{kind}-{reference}.{fmt}"


def render(kind: str, dossier: dict[str, Any], fmt: str, *, recipient: list[str] | None = None) -> bytes:
    """The document ``kind`` of the dossier in format ``fmt`` (``pdf``, ``png``, ``docx``, ``txt``, ``html``,
    ``eml``). Raises ``DossierError`` for an invalid dossier, ``FormatError`` for a format the kind lacks."""
    allowed = KINDS[kind].formats + (("png",) if "pdf" in KINDS[kind].formats else ())
    if fmt not in allowed:
        raise FormatError(f"« {kind} » n'existe pas au format {fmt} (formats : {', '.join(allowed)}).")
    content = compose(kind, dossier, recipient=recipient)
    if isinstance(content, str):  # the SMS
        return content.encode("utf-8")
    document = french(content)
    logo = dossier["organisation"].get("logo_png") or None
    if fmt in ("pdf", "png"):
        return typeset(document, "png" if fmt == "png" else "pdf", logo=logo)
    if fmt == "docx":
        return word.docx(document, logo=base64.b64decode(logo) if logo else None)
    if fmt == "txt":
        return plain_text(document).encode("utf-8")
    if fmt == "html":
        return html(document).encode("utf-8")
    return eml(document, dossier)


# --- French typography -------------------------------------------------------------------------------------


# « L.1110-4 » → « L. 1110-4 »: articles of the French codes take a space after the letter (no-break).
_CODE_ARTICLE = re.compile(r"\b([LRD])\.\s?(?=\d)")


def _typo(value: Any) -> Any:
    if isinstance(value, str):
        value = _CODE_ARTICLE.sub("\\1.\u00a0", value).replace("art. ", "art.\u00a0").replace("C. pén.", "C.\u00a0pén.")
        return typo(value).replace("'", "’")  # the typographic apostrophe
    if isinstance(value, list):
        return [_typo(item) for item in value]
    if isinstance(value, dict):
        return {
            key: (_typo(item) if key not in ("type", "id", "kind", "layout") else item) for key, item in value.items()
        }
    return value


def french(document: Document) -> dict[str, Any]:
    """The document as a plain dict, every text with French typography: no-break spaces before « : ; ! ? »
    and after « « », typographic apostrophes."""
    return _typo(document.to_dict())


# --- PDF and PNG with typst --------------------------------------------------------------------------------


def typeset(
    document: dict[str, Any], fmt: Literal["pdf", "png"] = "pdf", *, logo: str | None = None, ppi: int = 110
) -> bytes:
    """Compile the document with its layout's typst template; ``png`` gives the first page. Without a logo one
    compiler serves the whole process (it keeps the fonts and templates loaded: a compile then takes ~2 ms)."""
    template = "letter.typ" if document["layout"] == "letter" else "report.typ"
    inputs = {"doc": json.dumps(document, ensure_ascii=False)}
    resolution = ppi if fmt == "png" else None
    if logo:
        # The logo must be a file under typst's root: compile from a private copy of the templates.
        with tempfile.TemporaryDirectory(prefix="vigie-typst-") as folder:
            for source in TYPST_DIR.glob("*.typ"):
                shutil.copy(source, folder)
            (Path(folder) / "logo.png").write_bytes(base64.b64decode(logo))
            return compile_pdf(Path(folder) / template, inputs, fmt=fmt, ppi=resolution)
    return compile_pdf(TYPST_DIR / template, inputs, fmt=fmt, ppi=resolution, reuse=True)


# --- Text, HTML, e-mail ------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 78, indent: str = "") -> str:
    import textwrap

    # Never break inside a word: a web or e-mail address cut at its hyphen would no longer work.
    return (
        textwrap.fill(
            text,
            width=width,
            initial_indent=indent,
            subsequent_indent=" " * len(indent),
            break_on_hyphens=False,
            break_long_words=False,
        )
        if text
        else ""
    )


def plain_text(document: dict[str, Any]) -> str:
    lines: list[str] = []
    head = document["letterhead"]
    lines += [head["name"], *head["lines"], *head["contact"], *head["ids"], ""]
    if document["recipient"]:
        lines += [*([document["mention"]] if document.get("mention") else []), *document["recipient"], ""]
    if document["place_date"]:
        lines += [document["place_date"], ""]
    lines += [f"{label} : {value}" for label, value in document["references"]]
    if document["references"]:
        lines.append("")
    lines += [document["title"].upper()] if document["layout"] == "report" else []
    if document["subtitle"]:
        lines.append(document["subtitle"])
    if document["subject"]:
        lines.append(f"Objet : {document['subject']}")
    lines.append("")
    for section in document["sections"]:
        if section["title"]:
            lines += [section["title"], "-" * min(len(section["title"]), 78), ""]
        for block in section["blocks"]:
            if block["type"] == "h":
                lines += [block["text"].upper(), ""]
            elif block["type"] == "list":
                lines += [_wrap(item, indent="  - ") for item in block["items"]] + [""]
            elif block["type"] == "field":
                label = block["label"] if block["label"].endswith("?") else f"{block['label']} :"
                lines += [label, *(_wrap(line, indent="  ") for line in block["text"].split("\n")), ""]
            else:
                lines += [_wrap(block["text"]), ""]
    lines += document["signature"]
    if document["enclosures"]:
        lines += ["", "P. J. : " + " ; ".join(document["enclosures"])]
    if document["footnote"]:
        lines += ["", document["footnote"]]
    lines += ["", document["generated"]]
    return typo("\n".join(lines).strip()) + "\n"


def html(document: dict[str, Any]) -> str:
    """A standalone HTML page (an e-mail body, a web notice…), its values escaped by Django's autoescape."""
    template = "documents/render/email.html" if document["kind"] == "email" else "documents/render/document.html"
    return render_to_string(template, {"doc": document})


def eml(document: dict[str, Any], dossier: dict[str, Any]) -> bytes:
    """An e-mail ready to send (or to load in a mailing tool): text part and HTML alternative, no recipient."""
    from datetime import datetime

    org = dossier["organisation"]
    sender = (org.get("dpo") or {}).get("email") or org.get("email") or "ne-pas-repondre@example.invalid"
    message = EmailMessage()
    message["Subject"] = document["subject"]
    message["From"] = f'"{org["name"][:60].replace(chr(34), "")}" <{sender}>'
    message["Date"] = format_datetime(datetime.fromisoformat(dossier["generated_at"]))
    message.set_content(plain_text(document))
    message.add_alternative(html(document), subtype="html")
    buffer = io.BytesIO()
    buffer.write(bytes(message))
    return buffer.getvalue()
