"""The incident's two PDFs, laid out by the documents app (``vigie.documents.render.typeset``):

- ``notice_pdf(link)``: the processor's notice to one controller (GDPR art. 33(2)): who the processor is, the
  incident's facts, when the alert was sent, what the controller must do, the link to acknowledge it;
- ``summary_pdf(incident)``: the processor's own record of the incident, one line per controller from
  ``services.progress`` (dates and counts, never a patient).

Like every document Vigie writes, these are French records, not screens: their text is not translated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vigie.accounts.models import Organisation
from vigie.documents.content.common import Document, Section, bullets, fields_known, fld, h, long_date, p
from vigie.documents.render import french, typeset
from vigie.risk import BREACH_TYPE_LABELS_FR, DATA_CATEGORY_LABELS_FR, PERSON_CATEGORY_LABELS_FR
from vigie.risk.french import date_time, integer

from .models import ExternalAlert, ExternalController, Incident, IncidentController
from .services import acknowledge_url, progress


def _letterhead(org: Organisation) -> dict[str, Any]:
    lines = [line for line in org.address.splitlines() if line.strip()]
    if org.postcode or org.city:
        lines.append(f"{org.postcode} {org.city}".strip())
    contact = [value for value in (f"Tél. {org.phone}" if org.phone else "", org.email, org.website) if value]
    ids = [f"SIRET {org.siret}"] if org.siret else []
    return {"name": org.name, "lines": lines, "contact": contact, "ids": ids, "logo": False}


def _labels(values: Any, labels: dict[str, str]) -> str:
    return ", ".join(labels.get(value, value) for value in values or [])


def _moment(value: Any) -> str:
    return date_time(value) if value else ""


def _facts(incident: Incident) -> list[Any]:
    facts = incident.facts or {}
    count = facts.get("persons_count")
    return fields_known(
        ("title", "Incident", incident.title),
        ("occurred_at", "Survenu le", _moment(_parse(facts.get("occurred_at")))),
        ("breach_types", "Nature de la violation", _labels(facts.get("breach_types"), BREACH_TYPE_LABELS_FR)),
        ("data_categories", "Données concernées", _labels(facts.get("data_categories"), DATA_CATEGORY_LABELS_FR)),
        ("person_categories", "Personnes concernées",
         _labels(facts.get("person_categories"), PERSON_CATEGORY_LABELS_FR)),
        ("persons_count", "Nombre de personnes (tous responsables)", integer(count)
         if isinstance(count, int) else ""),
        ("description", "Description", str(facts.get("description") or "")),
        ("measures", "Mesures prises", str(facts.get("measures_taken") or "")),
    )  # fmt: skip


def _parse(value: Any) -> Any:
    return parse_datetime(value) if isinstance(value, str) else None


def notice(link: IncidentController) -> Document:
    """The processor's notice to the controller of ``link``."""
    incident, processor, org = link.incident, link.incident.processor, link.organisation
    now = timezone.now()
    sent = _moment(link.alert_sent_at) or "pas encore envoyée"
    todo = [
        "Accuser réception de l'alerte dans Vigie : votre délai de 72 heures court à partir du moment où vous "
        "avez eu connaissance de la violation.",
        "Évaluer le risque pour les personnes dont vous êtes le responsable de traitement.",
        "Notifier la CNIL dans les 72 heures si la violation présente un risque (RGPD, art. 33).",
        "Informer les personnes concernées si le risque est élevé (RGPD, art. 34).",
        "Consigner la violation dans votre registre (RGPD, art. 33, paragraphe 5).",
    ]
    sections = [
        Section("Le sous-traitant", [
            fld("processor", "Sous-traitant", processor.name),
            *fields_known(("processor_dpo", "Contact du sous-traitant", processor.dpo_email or processor.email)),
        ], id="processor"),
        Section("L'incident", _facts(incident), id="facts"),
        Section("L'alerte", [
            fld("controller", "Responsable de traitement", org.name),
            fld("code", "Votre code dans le fichier concerné", link.code),
            fld("alert_sent_at", "Alerte envoyée le", sent),
            *fields_known(("acknowledged_at", "Accusé de réception", _moment(link.acknowledged_at))),
        ], id="alert"),
        Section("Ce que vous devez faire", [bullets(todo), h("Accuser réception"), p(acknowledge_url(link))],
                id="todo"),
    ]  # fmt: skip
    return _notice(incident, org.name, sections, now)


def external_notice(external: ExternalController) -> Document:
    """The processor's notice to a controller not on Vigie, attached to the e-mail that alerts it: the same facts,
    and what to do without Vigie (acknowledge by replying to the processor)."""
    incident, processor = external.incident, external.incident.processor
    now = timezone.now()
    contact = processor.dpo_email or processor.email
    todo = [
        "Accuser réception de cette alerte auprès du sous-traitant"
        + (f" ({contact})" if contact else "")
        + " : votre délai de 72 heures court à partir du moment où vous avez eu connaissance de la violation.",
        "Évaluer le risque pour les personnes dont vous êtes le responsable de traitement.",
        "Notifier la CNIL dans les 72 heures si la violation présente un risque (RGPD, art. 33).",
        "Informer les personnes concernées si le risque est élevé (RGPD, art. 34).",
        "Consigner la violation dans votre registre (RGPD, art. 33, paragraphe 5).",
    ]
    if external.alert_status == ExternalAlert.ACCEPTED:
        sent = _moment(external.alert_sent_at)
    elif external.alert_status == ExternalAlert.FAILED:
        sent = f"échec de l'envoi le {_moment(external.alert_attempted_at)}"
    else:
        sent = ""
    sections = [
        Section("Le sous-traitant", [
            fld("processor", "Sous-traitant", processor.name),
            *fields_known(("processor_dpo", "Contact du sous-traitant", contact)),
        ], id="processor"),
        Section("L'incident", _facts(incident), id="facts"),
        Section("L'alerte", [
            fld("controller", "Responsable de traitement", external.name),
            fld("contact", "Adressée à", external.email),
            fld("code", "Votre code dans le fichier concerné", external.code),
            *fields_known(("alert_sent_at", "Alerte envoyée le", sent)),
        ], id="alert"),
        Section("Ce que vous devez faire", [bullets(todo)], id="todo"),
    ]  # fmt: skip
    return _notice(incident, external.name, sections, now)


def _notice(incident: Incident, controller: str, sections: list[Section], now: datetime) -> Document:
    """The processor's notice to one controller (on Vigie or not), around its sections."""
    processor = incident.processor
    return Document(
        kind="incident-notice",
        layout="report",
        title="Notification d'une violation au responsable de traitement",
        subtitle=f"{processor.name} → {controller}",
        letterhead=_letterhead(processor),
        sections=sections,
        generated=f"Document établi le {long_date(now)} à partir de l'incident « {incident.title} ».",
    )


def summary(incident: Incident) -> Document:
    """The processor's record of the incident: each controller's alert, acknowledgement, CNIL and information."""
    now = timezone.now()
    rows = progress(incident, now=now)
    sections = [Section("L'incident", _facts(incident), id="facts")]
    for row in rows:
        if row.cnil_notified_at:
            cnil = f"notifiée le {date_time(row.cnil_notified_at)}"
        elif row.cnil_required is False:
            cnil = "non requise"
        elif row.cnil_deadline:
            cnil = f"non notifiée, échéance le {date_time(row.cnil_deadline)}"
        else:
            cnil = "non notifiée"
        sections.append(Section(row.organisation, [
            fld("code", "Code", row.code),
            fld("alert_sent_at", "Alerte envoyée le", _moment(row.alert_sent_at) or "pas encore envoyée"),
            fld("acknowledged_at", "Accusé de réception", _moment(row.acknowledged_at) or "pas encore"),
            fld("cnil", "Notification à la CNIL", cnil),
            fld("persons", "Personnes informées", f"{row.persons_informed} sur {row.persons_total}"),
            fld("closed", "Dossier clos", "oui" if row.closed else "non"),
        ], id=f"controller-{row.organisation_id}"))  # fmt: skip
    for external in incident.external_controllers.order_by("pk"):
        if external.alert_status == ExternalAlert.ACCEPTED:
            alert = f"acceptée par le serveur de messagerie le {_moment(external.alert_sent_at)}"
        elif external.alert_status == ExternalAlert.FAILED:
            alert = f"échec de l'envoi le {_moment(external.alert_attempted_at)}"
        else:
            alert = "pas encore envoyée"
        sections.append(Section(f"{external.name} (hors Vigie)", [
            fld("code", "Code", external.code),
            fld("email", "Adresse", external.email),
            fld("alert_sent_at", "Alerte par courriel", alert),
        ], id=f"external-{external.pk}"))  # fmt: skip
    rows_count = len(rows) + incident.external_controllers.count()
    return Document(
        kind="incident-summary",
        layout="report",
        title="Synthèse d'un incident chez le sous-traitant",
        subtitle=f"{incident.title} — {rows_count} responsables de traitement",
        letterhead=_letterhead(incident.processor),
        sections=sections,
        generated=f"Document établi le {long_date(now)} pour le registre de {incident.processor.name}.",
    )


def notice_pdf(link: IncidentController) -> bytes:
    return typeset(french(notice(link)))


def external_notice_pdf(external: ExternalController) -> bytes:
    return typeset(french(external_notice(external)))


def summary_pdf(incident: Incident) -> bytes:
    return typeset(french(summary(incident)))
