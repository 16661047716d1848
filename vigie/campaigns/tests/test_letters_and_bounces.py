"""Letters in batches with a manifest, and bounces read from a mailbox that switch a person to a letter."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from vigie.campaigns import letters, services
from vigie.campaigns.bounces import parse_dsn
from vigie.campaigns.models import CampaignStatus, Channel, LetterBatch, Recipient, State

pytestmark = pytest.mark.django_db


def test_letters_are_rendered_in_batches_with_a_manifest_and_each_person_knows_its_batch(
    imported, owner, settings
) -> None:
    settings.VIGIE_CAMPAIGN_LETTERS_PER_FILE = 2
    campaign = imported(5, email=False)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE
    batches = list(LetterBatch.objects.filter(campaign=campaign))
    assert [batch.size for batch in batches] == [2, 2, 1]
    rows = Recipient.objects.filter(campaign=campaign).order_by("pk")
    assert all(row.state == State.LETTER and row.letter_batch_id and row.letter_page for row in rows)
    manifest = letters.manifest_rows(batches[0])
    assert [(row["courrier"], row["page"], row["pages"]) for row in manifest] == [("1", "1", "1"), ("2", "2", "1")]
    assert manifest[0]["adresse_1"] == "Prénom1 NOM00001X" and manifest[0]["adresse_3"] == "75011 PARIS"
    pdf = letters.read_file(batches[0].pdf_path)
    assert pdf.startswith(b"%PDF")
    on_disk = (Path(settings.MEDIA_ROOT) / batches[0].pdf_path).read_bytes()
    assert not on_disk.startswith(b"%PDF")  # encrypted at rest


def _batch_document(*paragraphs: int) -> str:
    """A batch as render_batch writes it, with one letter per item of ``paragraphs`` (that many paragraphs)."""
    text = "Nous vous écrivons car des données qui vous concernent ont été touchées par un incident. " * 3
    return json.dumps(
        {
            "organisation": "Cabinet médical",
            "subject": "Information",
            "references": [["Notre référence", "2026-001"]],
            "signature": ["Dr Martin"],
            "footnote": "",
            "letterhead": {"contact": []},
            "batch": "1",
            "sender": ["1 rue de la Paix", "75002 Paris"],
            "place_date": "Paris, le 28/11/2026",
            "letters": [
                {"address": [f"M. PATIENT {n}"], "seq": str(n), "blocks": [{"type": "p", "text": text}] * count}
                for n, count in enumerate(paragraphs, start=1)
            ],
        },
        ensure_ascii=False,
    )


def test_the_manifest_knows_where_each_letter_starts_when_one_runs_onto_more_pages() -> None:
    data = _batch_document(2, 60, 2)
    pdf = letters.batch_pdf(data)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    assert total > 3  # the long letter runs onto more than one page
    assert letters.letter_pages(pdf, data, 3) == [(1, 1), (2, total - 2), (total, 1)]
    assert "Lot 1 — courrier 2" in PdfReader(io.BytesIO(pdf)).pages[2].extract_text()  # its second page too


def test_one_page_letters_are_found_from_the_page_tree_as_typst_would_place_them() -> None:
    data = _batch_document(2, 3, 1)
    pdf = letters.batch_pdf(data)
    assert letters.letter_pages(pdf, data, 3) == [(1, 1), (2, 1), (3, 1)]  # from the PDF's page count
    assert letters.letter_pages(b"", data, 3) == [(1, 1), (2, 1), (3, 1)]  # asked to typst: the same answer


def test_a_letter_batch_abandoned_by_a_dead_renderer_is_rendered_again(imported, owner, settings) -> None:
    campaign = imported(2, email=False)
    services.apply_channel_rules(campaign)
    batch = letters.claim_batch(campaign)
    assert batch is not None and letters.claim_batch(campaign) is None  # all claimed, lease alive
    LetterBatch.objects.filter(pk=batch.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    again = letters.claim_batch(campaign)
    assert again is not None and again.pk == batch.pk
    letters.render_batch(again)
    assert Recipient.objects.filter(campaign=campaign, state=State.LETTER).count() == 2


def _dsn(message_id: str, status: str = "5.1.1", action: str = "failed") -> str:
    """A delivery-status notification as Postfix writes them (RFC 3464)."""
    return f"""From: MAILER-DAEMON@mx.exemple-patient.fr
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b0und"

--b0und
Content-Type: text/plain

Your message could not be delivered.

--b0und
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.exemple-patient.fr

Final-Recipient: rfc822; patient1@exemple-patient.fr
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--b0und
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Information importante

--b0und--
"""


def test_a_bounce_read_from_an_mbox_switches_the_person_to_a_letter(smtp, imported, owner, tmp_path) -> None:
    campaign = imported(2)
    services.start_campaign(campaign, by=owner)
    recipient = Recipient.objects.filter(campaign=campaign).order_by("pk").first()
    mbox = tmp_path / "bounces.mbox"
    stranger = _dsn("<vigie.1.2.000000000000@example.fr>")  # forged tag: ignored
    delayed = _dsn(recipient.message_id, status="4.4.1", action="delayed")  # not a bounce
    text = "".join(f"From MAILER-DAEMON Sat Nov 28 10:00:00 2026\n{m}\n" for m in (
        _dsn(recipient.message_id), stranger, delayed))  # fmt: skip
    mbox.write_text(text)
    assert services.record_bounces(campaign, mbox) == {"found": 1, "recorded": 1}
    recipient.refresh_from_db()
    assert recipient.bounce_at and recipient.bounce_reason.startswith("5.1.1")
    assert recipient.channel == Channel.LETTER and recipient.state == State.LETTER  # the letter was produced
    assert campaign.counts()["bounced"] == 1
    assert services.record_bounces(campaign, mbox) == {"found": 1, "recorded": 0}  # idempotent


def test_a_report_that_is_not_a_delivery_failure_is_ignored() -> None:
    assert parse_dsn(message_from_string("Subject: hello\n\nhi\n")) is None
