"""Done means done: « inform the persons » is done once every person is e-mailed or their letter is recorded as
deposited with the mail house, receipt attached; a letter produced is not a letter sent (issue 12, point 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vigie.audit.models import AuditEvent
from vigie.breaches import services as breach_services
from vigie.breaches.models import Breach, ObligationState, TimelineEvent
from vigie.campaigns import deposits, exports, services
from vigie.campaigns.models import Campaign, LetterBatch
from vigie.campaigns.tests.conftest import person_line

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% bordereau de depot\n"


@pytest.fixture
def assessed(org, owner) -> Breach:
    breach = breach_services.declare_breach(
        org, by=owner, title="Rançongiciel au cabinet", became_aware_at=timezone.now() - timedelta(hours=10),
        breach_types=["confidentiality", "availability"], origin="ransomware", malicious=True,
        data_categories=["identity", "health"], persons_count=3, person_categories=["patients"],
        description="Le serveur du cabinet a été chiffré.",
    )  # fmt: skip
    assert breach.obligation("inform_persons") is not None
    return breach


def _informed(breach: Breach) -> bool:
    return ObligationState.objects.filter(breach=breach, obligation="inform_persons", done_at__isnull=False).exists()


def _started(breach: Breach, owner, write_list, lines: list[str]) -> Campaign:
    campaign, _report = services.import_path(breach, write_list(lines=lines))
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    return campaign


def test_letters_produced_do_not_complete_the_obligation_and_their_deposit_does(
    smtp, assessed, owner, write_list
) -> None:
    campaign = _started(assessed, owner, write_list, [person_line(1), person_line(2), person_line(3, email=False)])
    counts = campaign.counts()
    assert (counts["sent"], counts["letters"], counts["letters_posted"]) == (2, 1, 0) and len(smtp.messages) == 2
    assert campaign.status == "done" and not _informed(assessed)  # the letter is produced, not posted
    assert not services.everyone_informed(campaign)
    assert "Courrier produit (non déposé)" in "".join(exports.ledger_csv(campaign))

    deposit = deposits.record_letter_deposit(
        campaign, by=owner, deposited_on=timezone.localdate(), receipt_name="bordereau.png", receipt=PNG
    )
    assert deposit.letters == 1 and deposit.receipt_type == "image/png" and bytes(deposit.receipt) == PNG
    assert campaign.counts()["letters_posted"] == 1 and services.everyone_informed(campaign)
    assert _informed(assessed)
    note = TimelineEvent.objects.get(breach=assessed, data__deposit=deposit.pk)
    assert note.summary.startswith(f"Campagne n° {campaign.pk} : 1 courrier déposé chez le routeur le")
    assert AuditEvent.objects.filter(action="campaign.letters_deposited").exists()
    day = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Courrier déposé le {day}" in "".join(exports.ledger_csv(campaign))
    with pytest.raises(ValidationError):  # nothing left to deposit
        deposits.record_letter_deposit(
            campaign, by=owner, deposited_on=timezone.localdate(), receipt_name="b.pdf", receipt=PDF
        )


def test_a_person_without_any_channel_keeps_the_obligation_open(smtp, assessed, owner, write_list) -> None:
    campaign = _started(assessed, owner, write_list, [person_line(1), person_line(2, email=False, address=False)])
    assert campaign.status == "done" and campaign.counts()["unreachable"] == 1
    assert not _informed(assessed)


def test_e_mails_alone_complete_the_obligation(smtp, assessed, owner, write_list) -> None:
    _started(assessed, owner, write_list, [person_line(1), person_line(2)])
    assert _informed(assessed)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bordereau.pdf", b"MZ\x90\x00 not a pdf", "ne correspond pas"),
        ("bordereau.gif", b"GIF89a....", "PDF, PNG ou JPEG"),
        ("bordereau.pdf", b"", "vide"),
        ("bordereau.pdf", PDF + b"x" * (deposits.MAX_RECEIPT_BYTES + 1), "trop volumineux"),
    ],
)
def test_the_receipt_must_be_a_small_pdf_png_or_jpeg(smtp, assessed, owner, write_list, name, content, reason) -> None:
    campaign = _started(assessed, owner, write_list, [person_line(1, email=False)])
    with pytest.raises(ValidationError) as refused:
        deposits.record_letter_deposit(
            campaign, by=owner, deposited_on=timezone.localdate(), receipt_name=name, receipt=content
        )
    assert reason in " ".join(refused.value.messages)
    assert not LetterBatch.objects.filter(campaign=campaign, deposit__isnull=False).exists()


def test_the_deposit_day_is_neither_future_nor_before_the_letters(smtp, assessed, owner, write_list) -> None:
    campaign = _started(assessed, owner, write_list, [person_line(1, email=False)])
    for day in (timezone.localdate() + timedelta(days=1), timezone.localdate() - timedelta(days=1)):
        with pytest.raises(ValidationError):
            deposits.record_letter_deposit(campaign, by=owner, deposited_on=day, receipt_name="b.pdf", receipt=PDF)
    assert not _informed(assessed)


def test_the_campaign_page_records_the_deposit_and_serves_the_receipt(
    smtp, assessed, owner, owner_client, org, write_list
) -> None:
    campaign = _started(assessed, owner, write_list, [person_line(1, email=False)])
    page = reverse("campaigns:detail", args=[org.pk, campaign.pk])
    shown = owner_client.get(page).content.decode()
    assert (
        'id="deposit"' in shown and f'value="{timezone.localdate().isoformat()}"' in shown
    )  # today, as <input type=date> wants it
    answer = owner_client.post(
        reverse("campaigns:deposit", args=[org.pk, campaign.pk]),
        {"deposited_on": timezone.localdate().isoformat(), "receipt": SimpleUploadedFile("depot.pdf", PDF)},
        follow=True,
    )
    assert "1 courrier enregistré comme déposé le" in answer.content.decode()
    deposit = campaign.deposits.get()
    receipt = owner_client.get(reverse("campaigns:deposit_receipt", args=[org.pk, campaign.pk, deposit.pk]))
    assert receipt.status_code == 200 and receipt.content == PDF and receipt["Content-Type"] == "application/pdf"
    assert _informed(assessed)
    refused = owner_client.post(
        reverse("campaigns:deposit", args=[org.pk, campaign.pk]),
        {"deposited_on": timezone.localdate().isoformat(), "receipt": SimpleUploadedFile("x.exe", b"MZ\x90")},
        follow=True,
    )
    assert campaign.deposits.count() == 1 and refused.status_code == 200
