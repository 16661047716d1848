"""The proof ledger as files for the CNIL: CSV (all persons, streamed) and PDF (summary and persons, in parts).

Per person: number, line of the imported file, name (while not purged), channel, state, time queued, time
sent, Message-ID, the server's answer or the letter batch, the bounce, and the history (retries, fall-backs,
resend after a crash). Each export is written to the access log by the view that serves it.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from vigie.common.spreadsheets import csv_writer
from vigie.common.typesetting import DEJAVU, compile_pdf
from vigie.risk.french import PARIS

from . import crypto
from .messages import full_name
from .models import Campaign, Channel, DeliveryEvent, EventKind, LetterBatch, Recipient, State

TEMPLATE = Path(__file__).parent / "templates" / "campaigns" / "ledger.typ"
PDF_PART_SIZE = 20_000

HEADER = [
    "Destinataire n°",
    "Ligne du fichier",
    "Nom",
    "Canal",
    "État",
    "Mis en file le",
    "Envoyé le",
    "Message-ID",
    "Réponse du serveur ou lot de courrier",
    "Rebond le",
    "Motif du rebond",
    "Historique",
]

CHANNELS_FR = {"email": "Courriel", "letter": "Courrier postal", "sms": "SMS", "none": "Aucun"}
STATES_FR = {
    "pending": "En attente",
    "sending": "En cours d'envoi",
    "sent": "Envoyé",
    "failed": "Échec",
    "bounced": "Rebond",
    "letter": "Courrier produit",
    "unreachable": "Injoignable",
    "duplicate": "Déjà informé (autre campagne)",
}
EVENTS_FR: dict[str, str] = {
    EventKind.RETRY: "échec temporaire",
    EventKind.FAILED: "échec définitif",
    EventKind.BOUNCED: "rebond",
    EventKind.FALLBACK_LETTER: "bascule vers un courrier",
    EventKind.RESENT_AFTER_CRASH: "renvoyé après interruption (même Message-ID)",
    EventKind.LEASE_LOST: "reprise par un autre expéditeur",
}


def paris(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M:%S")


def _history(campaign: Campaign) -> dict[int, list[str]]:
    history: dict[int, list[str]] = defaultdict(list)
    events = DeliveryEvent.objects.filter(campaign=campaign, recipient__isnull=False).exclude(kind=EventKind.SENT)
    for recipient_id, kind, at, detail in events.order_by("at", "pk").values_list(
        "recipient_id", "kind", "at", "detail"
    ):
        label = EVENTS_FR.get(kind, kind)
        history[recipient_id].append(f"{paris(at)} {label}{' : ' + detail if detail else ''}")
    return history


REHEARSAL = "Répétition / rehearsal"


def ledger_rows(campaign: Campaign, *, start: int = 0, limit: int | None = None) -> Iterator[list[str]]:
    """One list of French strings per person, in recipient order. In a rehearsal, the state of every person
    says so: nothing reached a mail server."""
    history = _history(campaign)
    mark = f"{REHEARSAL} : " if campaign.rehearsal else ""
    deposited = {  # batch → the day its letters were handed to the mail house
        pk: day
        for pk, day in LetterBatch.objects.filter(campaign=campaign, deposit__isnull=False).values_list(
            "pk", "deposit__deposited_on"
        )
    }
    ring = crypto.keyring()
    rows = Recipient.objects.filter(campaign=campaign).select_related("letter_batch").order_by("pk")
    if limit is not None:
        rows = rows[start : start + limit]
    for recipient in rows.iterator(chunk_size=2000):
        name = ""
        if recipient.payload:
            name = full_name(crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring))
        state = STATES_FR.get(recipient.state, recipient.state)
        if recipient.channel == Channel.LETTER and recipient.letter_batch is not None:
            proof = f"Lot {recipient.letter_batch.number}, courrier {recipient.letter_page}"
            day = deposited.get(recipient.letter_batch.pk)
            if day is not None and recipient.state == State.LETTER:
                state = f"Courrier déposé le {day:%d/%m/%Y}"
                proof += f", déposé chez le routeur le {day:%d/%m/%Y}"
            elif recipient.state == State.LETTER:
                state += " (non déposé)"
        else:
            proof = recipient.smtp_response
        yield [
            str(recipient.pk),
            str(recipient.line),
            name,
            CHANNELS_FR.get(recipient.channel, recipient.channel),
            mark + state,
            paris(recipient.queued_at),
            paris(recipient.sent_at),
            recipient.message_id,
            proof,
            paris(recipient.bounce_at),
            recipient.bounce_reason,
            " | ".join(history.get(recipient.pk, [])),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def ledger_csv(campaign: Campaign) -> Iterator[str]:
    """The CSV, streamed line by line (UTF-8 with BOM and ``;``, for French Excel)."""
    writer = csv_writer(_Echo())
    header = list(HEADER)
    if campaign.rehearsal:
        header[HEADER.index("État")] = f"État ({REHEARSAL} : rien n'a été envoyé)"
    yield "\ufeff" + writer.writerow(header)
    for row in ledger_rows(campaign):
        yield writer.writerow(row)


def summary(campaign: Campaign) -> list[tuple[str, str]]:
    counts = campaign.counts()
    report = campaign.import_report or {}
    rows = [("Nature", f"{REHEARSAL} : aucun message n'a quitté la machine")] if campaign.rehearsal else []
    return rows + [
        ("Organisation", campaign.breach.organisation.name),
        ("Violation", f"{campaign.breach.reference} — {campaign.breach.title}"),
        ("Fichier importé", campaign.source_name),
        ("Lignes lues", str(report.get("rows", ""))),
        ("Lignes invalides", str(report.get("invalid", ""))),
        ("Doublons fusionnés", str(report.get("duplicates", ""))),
        ("Personnes", str(counts["total"])),
        ("Courriels ou SMS envoyés (acceptés par le serveur)", str(counts["sent"])),
        *([("Messages de la répétition (non envoyés)", str(counts["rehearsed"]))] if campaign.rehearsal else []),
        ("Courriers produits", str(counts["letters"])),
        ("Courriers déposés chez le routeur", str(counts["letters_posted"])),
        ("En attente", str(counts["pending"])),
        ("Échecs définitifs", str(counts["failed"])),
        ("Rebonds", str(counts["bounced"])),
        ("Sans canal utilisable", str(counts["unreachable"])),
        ("Déjà informées par une autre campagne", str(counts["duplicates"])),
        ("Démarrée le", paris(campaign.started_at)),
        ("Terminée le", paris(campaign.finished_at)),
        ("Données personnelles purgées le", paris(campaign.purged_at)),
    ]


def ledger_pdf(campaign: Campaign, *, part: int = 1, now: datetime) -> bytes:
    """The ledger in PDF: the summary, then persons ``PDF_PART_SIZE`` per part (``part`` from 1)."""
    total = Recipient.objects.filter(campaign=campaign).count()
    parts = max(1, -(-total // PDF_PART_SIZE))
    start = (part - 1) * PDF_PART_SIZE
    data: dict[str, Any] = {
        "title": (
            f"RÉPÉTITION / REHEARSAL — registre de la campagne n° {campaign.pk} (rien n'a été envoyé)"
            if campaign.rehearsal
            else f"Registre de preuve — campagne n° {campaign.pk}"
        ),
        "rehearsal": campaign.rehearsal,
        "organisation": campaign.breach.organisation.name,
        "extracted_at": now.astimezone(PARIS).strftime("%d/%m/%Y à %H:%M"),
        "part": f"partie {part} sur {parts}" if parts > 1 else "",
        "summary": [{"label": label, "value": value} for label, value in summary(campaign)],
        "header": [HEADER[i] for i in (0, 1, 2, 3, 4, 6, 8, 9)],
        "rows": [
            [row[i] for i in (0, 1, 2, 3, 4, 6, 8, 9)]
            for row in ledger_rows(campaign, start=start, limit=PDF_PART_SIZE)
        ],
    }
    return compile_pdf(TEMPLATE, {"data": json.dumps(data, ensure_ascii=False)}, fonts=DEJAVU)


def errors_csv(campaign: Campaign) -> str:
    """The import report, line by line: the lines not imported (errors), then every value changed or dropped
    (warnings): line (header = 1), column, kind, reason. No value from the file."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["Ligne", "Colonne", "Motif", "Nature"])
    report = campaign.import_report or {}
    for key, kind in (("errors", "ligne non importée"), ("warnings", "valeur modifiée ou écartée")):
        for error in report.get(key, []):
            writer.writerow([error.get("line", ""), str(error.get("column", "")), str(error.get("reason", "")), kind])
    return "\ufeff" + out.getvalue()
