"""Communicating the breach to the persons concerned (GDPR art. 34): letter, e-mail, SMS, public notice.

Each carries what art. 34(2) asks in plain words: what happened (nature), which of the person's data, the
likely consequences, what was done, what the person should do, the contact point (DPO), and — ours, as the
CNIL recommends — the right to complain to the CNIL.
"""

from __future__ import annotations

from ..address import SPECIMEN, format_address
from ..sms import fit
from ..templating import blocks, context, fill, text_for
from .common import Document, Section, View, doc, long_date, p


def _signature(view: View) -> list[str]:
    lines = [view.name]
    if view.dpo["name"]:
        lines.append(f"{view.dpo['name']}, délégué(e) à la protection des données")
    return lines


def letter(view: View, recipient: list[str] | None = None) -> Document:
    """The individual letter, A4, its address block in the window of a DL or C5 envelope."""
    text, version = text_for(view, "letter")
    return doc(
        view,
        "letter",
        "letter",
        "Information sur un incident touchant vos données personnelles",
        [Section("", blocks(text, context(view)))],
        recipient=format_address(recipient or SPECIMEN),
        place_date=view.place_date(),
        references=[["Notre référence", view.reference]] + ([["Modèle", f"version {version}"]] if version else []),
        subject="Information sur un incident touchant vos données personnelles",
        signature=_signature(view),
        footnote="Personnel et confidentiel.",
    )


def email(view: View) -> Document:
    text, _version = text_for(view, "email")
    return doc(
        view,
        "email",
        "report",
        "Information importante sur vos données personnelles",
        [Section("", blocks(text, context(view)))],
        subject=f"Information importante sur vos données personnelles – {view.name}",
        signature=_signature(view),
    )


def sms(view: View) -> str:
    """The text message, folded to GSM-7 and cut to fit two segments (306 characters)."""
    text, _version = text_for(view, "sms")
    values = context(view)
    # The organisation's name may be long: a shortened one keeps the advice, which matters more.
    name = view.name if len(view.name) <= 40 else view.name[:39].rstrip() + "."
    return fit(fill(text, {**values, "organisation.name": name}))


def public_notice(view: View) -> Document:
    """Art. 34(3)(c): a notice for the website and a press text, when each person cannot be reached."""
    text, _version = text_for(view, "public-notice")
    values = context(view)
    press = [
        p(
            f"{view.city + ', le ' if view.city else 'Le '}{long_date(view.generated_at)}. {view.name} informe le public "
            f"d'une violation de données personnelles dont il a eu connaissance le {long_date(view.aware_at)}."
        ),
        p(f"{values['summary']}"),
        p("L'incident a été pris en charge dès sa découverte. " + " ".join(str(item) for item in values["measures"])),
        p(
            f"{view.cnil_status()} Les personnes concernées sont invitées à la plus grande vigilance face aux "
            "tentatives d'escroquerie (appels, courriels ou SMS se réclamant de l'établissement ou de l'Assurance "
            "Maladie) et peuvent obtenir des informations auprès du délégué à la protection des données : "
            f"{view.contact_formal()}."
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
        subtitle="Article 34, paragraphe 3, point c) du RGPD : communication publique",
    )
