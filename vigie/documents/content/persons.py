"""Communicating the breach to the persons concerned (GDPR art. 34): letter, e-mail, SMS, public notice.

Each carries what art. 34(2) asks in plain words: what happened (nature), which of the person's data, the
likely consequences, what was done, what the person should do, the contact point (DPO), and — ours, as the
CNIL recommends — the right to complain to the CNIL.
"""

from __future__ import annotations

from ..address import SPECIMEN, format_address
from ..sms import fit
from ..templating import blocks, context, fill, text_for
from .common import Block, Document, Section, View, doc, long_date, p
from .grammar import cap, de, join
from .plain import quoted


def _signature(view: View) -> list[str]:
    return [view.name, *view.dpo_signature()]


CONFIDENTIAL = "Personnel et confidentiel"


def letter(view: View, recipient: list[str] | None = None) -> Document:
    """The individual letter, A4, its address block in the window of a DL or C5 envelope."""
    kind = "letter-parent" if view.parent else "letter"
    text, version = text_for(view, kind)
    subject = (
        "Information sur un incident touchant les données de votre enfant"
        if view.parent
        else "Information sur un incident touchant vos données personnelles"
    )
    return doc(
        view,
        kind,
        "letter",
        subject,
        [Section("", blocks(text, context(view)))],
        recipient=format_address(recipient or SPECIMEN),
        mention=CONFIDENTIAL,
        place_date=view.place_date(),
        references=[["Notre référence", view.reference]] + ([["Modèle", f"version {version}"]] if version else []),
        subject=subject,
        signature=_signature(view),
    )


def email(view: View) -> Document:
    kind = "email-parent" if view.parent else "email"
    text, _version = text_for(view, kind)
    about = "les données de votre enfant" if view.parent else "vos données personnelles"
    return doc(
        view,
        kind,
        "report",
        f"Information importante sur {about}",
        [Section("", blocks(text, context(view, letter=False)))],
        subject=f"Information importante sur {about} – {view.name}",
        signature=_signature(view),
    )


def message_blocks(view: View) -> list[Block]:
    """The body of the message to the persons: the public notice when that is the channel, else the letter."""
    document = public_notice(view) if view.decision.get("data_subjects_channel") == "public" else letter(view)
    return document.sections[0].blocks


def message_text(view: View) -> str:
    """The body of the message to the persons as plain text (the CNIL asks for a copy of it)."""
    lines = []
    for block in message_blocks(view):
        if block.type == "list":
            lines += [f"– {item}" for item in block.items]
        else:
            lines.append(block.text)
    return "\n".join(lines)


def sms(view: View) -> str:
    """The text message, folded to GSM-7 and cut to fit two segments (306 characters)."""
    text, _version = text_for(view, "sms")
    values = context(view)
    # The organisation's name may be long: a shortened one keeps the advice, which matters more.
    name = view.name if len(view.name) <= 40 else view.name[:39].rstrip() + "."
    return fit(fill(text, {**values, "organisation.name": name}))


def press_measures(view: View) -> str:
    """The measures in the third person, for the press (the CNIL's notification follows in its own sentence);
    the organisation's own notes quoted as theirs."""
    parts = []
    if view.done_at("police_complaint"):
        parts.append(f"une plainte a été déposée le {long_date(view.done_at('police_complaint'))}")  # type: ignore[arg-type]
    if view.facts.get("confidentiality", {}).get("recovered_or_deleted"):
        parts.append("les données ont été récupérées ou effacées")
    if view.restored and "availability" in view.types and not view.facts.get("availability", {}).get("permanent_loss"):
        parts.append("les données sont de nouveau disponibles")
    text = cap(join(parts)) + "." if parts else ""
    notes = view.narrative("measures_taken")
    if notes:
        text += f" Mesures prises, selon les notes {view.named.of_} : {quoted(notes)}."
    return text.strip()


def public_notice(view: View) -> Document:
    """Art. 34(3)(c): a notice for the website and a press text, when each person cannot be reached."""
    text, _version = text_for(view, "public-notice")
    values = context(view, letter=False)
    press = [
        p(
            f"{view.city + ', le ' if view.city else 'Le '}{long_date(view.generated_at)}. {view.named.subject} "
            f"informe le public d'une violation de données personnelles, constatée le {long_date(view.aware_at)}."
        ),
        p(f"{values['summary']}"),
        *([p(measures)] if (measures := press_measures(view)) else []),
        p(
            f"{view.cnil_status()} Les personnes concernées sont invitées à la plus grande vigilance face aux "
            f"tentatives d'escroquerie : appels, courriels ou SMS se réclamant {view.named.of_} ou de l'Assurance "
            f"Maladie. Elles peuvent obtenir des informations auprès {de(view.dpo_the())} : {view.contact_formal()}."
        ),
    ]
    return doc(
        view,
        "public-notice",
        "report",
        "Communication publique sur une violation de données personnelles",
        [
            Section("Avis à publier sur le site internet et à afficher", blocks(text, values), id="web"),
            Section("Communiqué de presse", press, id="press"),
        ],
        subtitle="Communication publique selon l'article 34, paragraphe 3, point c, du RGPD",
    )
