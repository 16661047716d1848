"""Generated documents: the patient notice (web page and waiting-room poster), the record as PDF and XLSX.

Documents are in French (legal documents). The notice is built once, as plain data (:func:`build_notice`), and
shown by the public page and the poster alike, so that they cannot say different things. Values reach typst as
JSON (``sys.inputs``), never spliced into the markup: a name such as ``#import`` or ``$x$`` prints as written.
"""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import segno
from django.utils import timezone, translation

from vigie.accounts.models import Organisation
from vigie.breaches.choices import DataCategory, PersonCategory
from vigie.common.spreadsheets import workbook as new_workbook
from vigie.common.spreadsheets import write_text
from vigie.common.typesetting import compile_pdf
from vigie.risk.french import PARIS, integer

from .models import ComplianceProfile, ProcessingActivity, RecordVersion
from .record_templates import NO_TRANSFER

TEMPLATES = Path(__file__).parent / "templates" / "compliance"
POSTER_TEMPLATE = TEMPLATES / "poster.typ"
RECORD_TEMPLATE = TEMPLATES / "record.typ"
PAPERS = ("a4", "a3")

CNIL_ADDRESS = "CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07"
CNIL_WEBSITE = "www.cnil.fr"

# How each kind of structure calls itself on the poster: « dans notre cabinet ».
PLACES = {
    "cabinet_medical": "notre cabinet",
    "centre_sante": "notre centre de santé",
    "laboratoire": "notre laboratoire",
    "etablissement_sante": "notre établissement",
    "pharmacie": "notre pharmacie",
    "medico_social": "notre établissement",
}

# The persons' rights, in plain French, each with its source. Access to the medical file has its own time
# limits (CSP L.1111-7); the other requests are answered within a month (GDPR art. 12(3)).
RIGHTS: list[dict[str, str]] = [
    {
        "title": "Accès à votre dossier",
        "short": "une copie sous 8 jours, ou 2 mois si les informations ont plus de 5 ans (art. L.1111-7 CSP ; art. 15 RGPD).",
        "text": "Vous pouvez consulter votre dossier ou en obtenir une copie. Nous vous le communiquons dans les "
        "8 jours, ou dans les 2 mois si les informations datent de plus de 5 ans (art. L.1111-7 du code de la "
        "santé publique ; art. 15 du RGPD).",
    },
    {
        "title": "Rectification",
        "short": "faire corriger ce qui est inexact ou incomplet (art. 16 RGPD).",
        "text": "Vous pouvez faire corriger une information inexacte ou compléter une information incomplète "
        "(art. 16 du RGPD).",
    },
    {
        "title": "Effacement",
        "short": "dans les limites des durées de conservation légales (art. 17 RGPD).",
        "text": "Vous pouvez demander l'effacement de vos données, dans les limites des durées de conservation que "
        "la loi nous impose, notamment pour le dossier médical (art. 17 du RGPD).",
    },
    {
        "title": "Limitation",
        "short": "suspendre l'utilisation le temps d'une contestation (art. 18 RGPD).",
        "text": "Vous pouvez demander que l'utilisation de vos données soit suspendue le temps d'examiner une "
        "contestation (art. 18 du RGPD).",
    },
    {
        "title": "Opposition",
        "short": "notamment au partage avec d'autres professionnels et au DMP (art. 21 RGPD ; L.1110-4 CSP).",
        "text": "Vous pouvez vous opposer au partage de vos données avec d'autres professionnels et à "
        "l'alimentation de votre dossier médical partagé, ainsi qu'aux traitements fondés sur notre intérêt "
        "légitime, comme la vidéosurveillance (art. 21 du RGPD ; art. L.1110-4 du code de la santé publique).",
    },
    {
        "title": "Portabilité",
        "short": "recevoir les données que vous avez fournies, lorsque ce droit s'applique (art. 20 RGPD).",
        "text": "Lorsque vous nous avez fourni des données traitées de façon automatisée sur la base d'un "
        "contrat (par exemple une prise de rendez-vous en ligne), vous pouvez les recevoir dans un format "
        "courant (art. 20 du RGPD).",
    },
    {
        "title": "Directives après le décès",
        "short": "sur le sort de vos données (art. 85 loi Informatique et Libertés).",
        "text": "Vous pouvez nous indiquer ce que vous souhaitez que nous fassions de vos données après votre "
        "décès (art. 85 de la loi Informatique et Libertés).",
    },
]
RETENTION_SUMMARY = (
    "Dossier médical : 20 ans après votre dernière consultation ; pour un mineur, au moins jusqu'à ses 28 ans ; "
    "en cas de décès, 10 ans après le décès."
)


def paris_date(moment: datetime | None) -> str:
    return (moment or timezone.now()).astimezone(PARIS).strftime("%d/%m/%Y")


def _lines(text: str) -> list[str]:
    return ProcessingActivity.lines(text or "")


def _category_labels(codes: list[str], choices: type[DataCategory] | type[PersonCategory]) -> list[str]:
    labels = dict(choices.choices)
    with translation.override("fr"):
        return [str(labels[code]) for code in codes if code in labels]


def _address_lines(org: Organisation) -> list[str]:
    lines = _lines(org.address)
    town = " ".join(part for part in (org.postcode, org.city) if part)
    if town:
        lines.append(town)
    return lines


def build_notice(org: Organisation, profile: ComplianceProfile, *, updated: datetime | None = None) -> dict[str, Any]:
    """The patient information notice (GDPR art. 13) as plain French data, from the record of processing."""
    activities = list(ProcessingActivity.objects.for_org(org).for_patients())
    recipients: list[str] = []
    transfers: list[str] = []
    for activity in activities:
        recipients += [line for line in _lines(activity.recipients) if line not in recipients]
        text = activity.transfers.strip()
        if text and text != NO_TRANSFER and text not in transfers:
            transfers.append(text)
    contact = " · ".join(part for part in (org.phone, org.email) if part)
    dpo = " · ".join(part for part in (org.dpo_name, org.dpo_email, org.dpo_phone) if part)
    where = org.dpo_email or org.email
    if where:
        how = f"Adressez votre demande à {where}, ou par courrier à l'adresse ci-dessus."
    else:
        how = "Adressez votre demande par courrier à l'adresse ci-dessus, ou à l'accueil."
    how += (
        " Une pièce d'identité peut vous être demandée en cas de doute. Nous répondons dans le mois (art. 12 du "
        "RGPD), et dans les délais ci-dessus pour l'accès au dossier médical."
    )
    return {
        "place": PLACES.get(org.kind, "notre structure"),
        "controller": {
            "name": org.name,
            "address": _address_lines(org),
            "contact": contact,
            "website": org.website,
        },
        "dpo": dpo,
        "activities": [
            {
                "name": activity.name,
                "purposes": activity.purposes,
                "legal_basis": activity.legal_basis,
                "retention": activity.retention,
                "data": _category_labels(activity.data_categories, DataCategory),
                "data_details": _lines(activity.data_details),
                "recipients": _lines(activity.recipients),
            }
            for activity in activities
        ],
        "recipients": recipients,
        "transfers": transfers,
        "retention_summary": RETENTION_SUMMARY,
        "rights": RIGHTS,
        "how": how,
        "mandatory": (
            "Les informations administratives que nous vous demandons sont nécessaires à votre prise en charge et au "
            "remboursement de vos soins ; sans elles, nous ne pourrions pas vous soigner dans de bonnes conditions."
        ),
        "secrecy": (
            "Toutes les personnes qui ont accès à vos données sont tenues au secret professionnel (art. L.1110-4 du "
            "code de la santé publique). Vos données de santé confiées à un prestataire le sont à un hébergeur "
            "certifié pour les données de santé (art. L.1111-8)."
        ),
        "cnil": {"address": CNIL_ADDRESS, "website": CNIL_WEBSITE},
        "updated": paris_date(updated),
        "url": profile.notice_url,
    }


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG document (black modules, no border: the poster draws its own frame)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=0, xmldecl=False, dark="#1d2433")
    return buffer.getvalue().decode()


def _compile(template: Path, inputs: dict[str, str]) -> bytes:
    # Only the fonts typst carries with it (Libertinus Serif): the documents look the same on every machine.
    return compile_pdf(template, inputs)


def poster_pdf(notice: dict[str, Any], *, paper: str = "a4") -> bytes:
    """The waiting-room poster: one page, A4 or A3 (the same layout, scaled)."""
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    return _compile(
        POSTER_TEMPLATE,
        {"data": json.dumps(notice, ensure_ascii=False), "qr": qr_svg(notice["url"]), "paper": paper},
    )


def _record_data(org_name: str, version: RecordVersion | None, snapshot: dict[str, Any]) -> dict[str, Any]:
    controller = snapshot["controller"]
    activities = []
    for activity in snapshot["activities"]:
        activities.append(
            {
                **{key: value or "" for key, value in activity.items() if isinstance(value, str)},
                "data": _category_labels(activity.get("data_categories", []), DataCategory),
                "persons": _category_labels(activity.get("person_categories", []), PersonCategory),
                "data_details": _lines(activity.get("data_details", "")),
                "recipients": _lines(activity.get("recipients", "")),
                "security_measures": _lines(activity.get("security_measures", "")),
                "processors": _lines(activity.get("processors", "")),
                "estimated_persons": (
                    integer(activity["estimated_persons"]) if activity.get("estimated_persons") is not None else ""
                ),
            }
        )
    town = " ".join(part for part in (controller.get("postcode", ""), controller.get("city", "")) if part)
    return {
        "organisation": controller.get("name") or org_name,
        "kind": controller.get("kind", ""),
        "siret": controller.get("siret", ""),
        "address": [*_lines(controller.get("address", "")), *([town] if town else [])],
        "contact": " · ".join(p for p in (controller.get("phone", ""), controller.get("email", "")) if p),
        "dpo": " · ".join(
            p
            for p in (controller.get("dpo_name", ""), controller.get("dpo_email", ""), controller.get("dpo_phone", ""))
            if p
        ),
        "version": str(version.number) if version else "",
        "version_date": paris_date(version.created_at) if version else paris_date(None),
        "printed": paris_date(None),
        "activities": activities,
    }


def record_pdf(org: Organisation, version: RecordVersion | None, snapshot: dict[str, Any]) -> bytes:
    """The record of processing activities (art. 30) as an A4 document, one section per activity."""
    return _compile(
        RECORD_TEMPLATE, {"data": json.dumps(_record_data(org.name, version, snapshot), ensure_ascii=False)}
    )


RECORD_COLUMNS = (
    ("name", "Activité de traitement"),
    ("purposes", "Finalités"),
    ("legal_basis", "Base légale"),
    ("data", "Catégories de données"),
    ("data_details", "Données collectées"),
    ("persons", "Catégories de personnes"),
    ("estimated_persons", "Nombre estimé de personnes"),
    ("recipients", "Destinataires"),
    ("transfers", "Transferts hors UE"),
    ("retention", "Durées de conservation"),
    ("security_measures", "Mesures de sécurité"),
    ("processors", "Sous-traitants"),
)


def record_xlsx(org: Organisation, version: RecordVersion | None, snapshot: dict[str, Any]) -> bytes:
    """The record as a workbook: the controller on a first sheet, one row per activity on the second."""
    data = _record_data(org.name, version, snapshot)
    output = io.BytesIO()
    workbook = new_workbook(output)
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#e8edf5"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet = workbook.add_worksheet("Responsable du traitement")
    rows = [
        ("Registre des activités de traitement", "Article 30 du RGPD"),
        ("Responsable du traitement", data["organisation"]),
        ("Type de structure", data["kind"]),
        ("SIRET", data["siret"]),
        ("Adresse", "\n".join(data["address"])),
        ("Contact", data["contact"]),
        ("Délégué à la protection des données ou référent", data["dpo"]),
        ("Version", data["version"]),
        ("Date de la version", data["version_date"]),
    ]
    for line, (label, value) in enumerate(rows):
        write_text(sheet, line, 0, label, bold)
        write_text(sheet, line, 1, value, wrap)
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, 1, 70)
    sheet = workbook.add_worksheet("Activités")
    for col, (_, header) in enumerate(RECORD_COLUMNS):
        write_text(sheet, 0, col, header, bold)
        sheet.set_column(col, col, 18 if col == 6 else 40)
    for line, activity in enumerate(data["activities"], start=1):
        for col, (key, _) in enumerate(RECORD_COLUMNS):
            value = activity.get(key, "")
            text = "\n".join(value) if isinstance(value, list) else str(value)
            write_text(sheet, line, col, text, wrap)
    sheet.freeze_panes(1, 1)
    workbook.close()
    return output.getvalue()
