"""Letters in batches with a manifest, and bounces read from a mailbox that switch a person to a letter."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
from django.utils import timezone

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
    assert [row["page"] for row in manifest] == ["1", "2"]
    assert manifest[0]["adresse_1"] == "Prénom1 NOM00001X" and manifest[0]["adresse_3"] == "75011 PARIS"
    pdf = letters.read_file(batches[0].pdf_path)
    assert pdf.startswith(b"%PDF")
    on_disk = (Path(settings.MEDIA_ROOT) / batches[0].pdf_path).read_bytes()
    assert not on_disk.startswith(b"%PDF")  # encrypted at rest


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
