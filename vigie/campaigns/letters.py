"""Postal letters: personalised PDFs rendered in batches (1,000 letters per file) with a manifest for the mail house.

A letter batch goes through the same claim → work → record steps as e-mails, with a lease: the batch row and
its recipients (``letter_batch``, ``letter_page``) are written in one transaction *before* rendering, so a
renderer killed mid-batch leaves a batch without ``rendered_at`` that any renderer re-renders once its lease
has expired — with the same recipients in the same order. Rendering twice is harmless: nothing leaves Vigie
until a person downloads the files for the mail house.

The files hold personal data (names and addresses, the letters themselves): they are encrypted with the data
key like the database payloads (``<MEDIA_ROOT>/campaigns/<id>/lot-00001.pdf.enc``), decrypted only when
downloaded (and the download is in the access log), and deleted by the purge.

The manifest is a CSV (UTF-8 with BOM, ``;``, for French Excel and mail-house software): batch, letter number
in the batch (printed at the foot of each of its pages), its first page in the PDF and its number of pages,
line in the imported file, recipient number and the six address lines (NF Z10-011).
"""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from vigie.common import typesetting
from vigie.common.spreadsheets import csv_writer
from vigie.common.typesetting import DEJAVU, compile_pdf

from . import crypto
from .messages import Composer
from .models import Campaign, CampaignStatus, Channel, DeliveryEvent, EventKind, LetterBatch, Recipient, State

TEMPLATE = Path(__file__).parent / "templates" / "campaigns" / "letters.typ"
MANIFEST_HEADER = [
    "lot",
    "courrier",
    "page",
    "pages",
    "ligne_fichier",
    "destinataire",
    *[f"adresse_{n}" for n in range(1, 7)],
]
PAGE_COUNT = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


def batch_dir(campaign_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "campaigns" / str(campaign_id)


def _lease() -> timedelta:
    return timedelta(seconds=max(settings.VIGIE_CAMPAIGN_LEASE_SECONDS, 300))  # a batch takes seconds to render


def claim_batch(campaign: Campaign, *, size: int | None = None) -> LetterBatch | None:
    """A batch to render: an abandoned one (lease expired), else a new one of the next pending letters."""
    size = size or settings.VIGIE_CAMPAIGN_LETTERS_PER_FILE
    now = timezone.now()
    token = secrets.token_hex(8)
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        batches = LetterBatch.objects.filter(campaign=campaign, rendered_at__isnull=True, lease_until__lt=now)
        if skip_locked:
            batches = batches.select_for_update(skip_locked=True)
        batch = batches.order_by("number").first()
        if batch is not None:
            batch.claimed_by, batch.lease_until = token, now + _lease()
            batch.save(update_fields=["claimed_by", "lease_until"])
            return batch
        pending = Recipient.objects.filter(
            campaign=campaign, channel=Channel.LETTER, state=State.PENDING, letter_batch__isnull=True
        )
        if skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        ids = list(pending.order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return None
        number = (LetterBatch.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        batch = LetterBatch.objects.create(
            campaign=campaign, number=number, size=len(ids), claimed_by=token, lease_until=now + _lease()
        )
        Recipient.objects.filter(pk__in=ids).update(letter_batch=batch, state=State.SENDING)
        pages = [Recipient(pk=pk, letter_page=page) for page, pk in enumerate(ids, start=1)]
        Recipient.objects.bulk_update(pages, ["letter_page"], batch_size=250)
    return batch


def render_batch(batch: LetterBatch, *, composer: Composer | None = None) -> None:
    """Render one batch's PDF and manifest, encrypt them to disk, then mark its letters produced."""
    campaign = batch.campaign
    composer = composer or Composer(campaign)
    rows = list(
        Recipient.objects.filter(letter_batch=batch)
        .order_by("letter_page")
        .values_list("pk", "line", "letter_page", "payload")
    )
    ring = crypto.keyring()
    letters = []
    for _, _, number, payload in rows:
        letter = composer.letter(crypto.decrypt(payload, campaign_id=campaign.pk, ring=ring))
        letter["seq"] = str(number)
        letters.append(letter)
    org = campaign.breach.organisation
    sender = [line for line in (org.address, f"{org.postcode} {org.city}".strip()) if line]
    document = {
        **composer.letter_common(),
        "batch": str(batch.number),
        "sender": [part for line in sender for part in line.splitlines() if part.strip()],
        "place_date": f"{org.city + ', ' if org.city else ''}le {timezone.localdate():%d/%m/%Y}",
        "letters": letters,
    }
    data = json.dumps(document, ensure_ascii=False)
    pdf = batch_pdf(data)
    manifest = io.StringIO()
    writer = csv_writer(manifest)  # the mail house opens it in a spreadsheet: formulas neutralised
    writer.writerow(MANIFEST_HEADER)
    for (pk, line, number, _), letter, (first, count) in zip(
        rows, letters, letter_pages(pdf, data, len(rows)), strict=True
    ):
        address = (letter["address"] + [""] * 6)[:6]
        writer.writerow([batch.number, number, first, count, line, pk, *address])
    folder = batch_dir(campaign.pk)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_path = folder / f"lot-{batch.number:05d}.pdf.enc"
    manifest_path = folder / f"lot-{batch.number:05d}.csv.enc"
    _write(pdf_path, pdf)
    _write(manifest_path, ("\ufeff" + manifest.getvalue()).encode())
    now = timezone.now()
    with transaction.atomic():
        LetterBatch.objects.filter(pk=batch.pk).update(
            rendered_at=now,
            pdf_path=str(pdf_path.relative_to(settings.MEDIA_ROOT)),
            manifest_path=str(manifest_path.relative_to(settings.MEDIA_ROOT)),
            claimed_by="",
            lease_until=None,
        )
        Recipient.objects.filter(letter_batch=batch).update(state=State.LETTER, sent_at=now, attempts=1)
        DeliveryEvent.objects.create(
            campaign=campaign, kind=EventKind.LETTER_BATCHED, detail=f"lot {batch.number} : {len(rows)} courriers"
        )


def batch_pdf(data: str) -> bytes:
    """The PDF of one batch (``data``: the JSON document), compiled by typst in a fresh child process (its layout
    cache would otherwise grow with every batch of a long-lived worker)."""
    return compile_pdf(TEMPLATE, {"data": data}, fonts=DEJAVU, pdf_tags=False, isolated=True)


def letter_pages(pdf: bytes, data: str, letters: int) -> list[tuple[int, int]]:
    """For each letter of a batch, in order: its first page in the PDF and its number of pages.

    Every letter starts on a new page, so when the PDF has as many pages as letters each letter has one page
    (the common case, read from the page tree). Otherwise typst is asked where each letter starts (a query on
    the same document, slower: it lays the batch out until the positions settle).
    """
    found = PAGE_COUNT.search(pdf)
    total = int(found.group(1)) if found else None
    if total == letters:
        return [(number, 1) for number in range(1, letters + 1)]
    answer = typesetting.query(TEMPLATE, "<letter-start>", {"data": data, "locate": "1"}, fonts=DEJAVU, isolated=True)
    starts = [int(page) for page in json.loads(answer)]
    if total is None:
        total = max(starts) if starts else 0  # the last letter has at least one page
    ends = [*starts[1:], total + 1]
    return [(start, end - start) for start, end in zip(starts, ends, strict=True)]


def _write(path: Path, data: bytes) -> None:
    relative = str(path.relative_to(settings.MEDIA_ROOT))
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(crypto.encrypt_bytes(data, purpose=relative))
    temporary.replace(path)  # atomic: a reader never sees half a file


def read_file(relative: str) -> bytes:
    """A batch file decrypted (for the download views)."""
    path = Path(settings.MEDIA_ROOT) / relative
    return crypto.decrypt_bytes(path.read_bytes(), purpose=relative)


def render_letters(campaign_id: int, *, max_seconds: float | None = None) -> int:
    """Render batches until no pending letter is left (the body of the letters task); return the batches made."""
    campaign = Campaign.objects.select_related("breach__organisation").get(pk=campaign_id)
    composer = None
    done = 0
    deadline = time.monotonic() + max_seconds if max_seconds else None
    while deadline is None or time.monotonic() < deadline:
        status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first()
        if status not in (CampaignStatus.RUNNING, CampaignStatus.DONE):
            break
        batch = claim_batch(campaign)
        if batch is None:
            break
        composer = composer or Composer(campaign)
        render_batch(batch, composer=composer)
        done += 1
    return done


def manifest_rows(batch: LetterBatch) -> list[dict[str, Any]]:
    """The decrypted manifest of a batch, as dictionaries (tests, checks)."""
    text = read_file(batch.manifest_path).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))
