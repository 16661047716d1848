"""Letters deposited with the mail house: a letter produced is not a letter sent (issue 12, point 5).

The DPO records that the batches produced were handed to the mail house (or La Poste) on a date, with the
deposit receipt attached (PDF, PNG or JPEG, at most 10 MB). Only then do their persons count as informed, and
once every person of the breach's campaigns is (``services.everyone_informed``) the « inform the persons »
obligation is marked done. The deposit is in the breach's journal, the proof ledger and the access log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.breaches.models import EventKind as TimelineKind
from vigie.breaches.models import TimelineEvent

from .models import Campaign, DeliveryEvent, EventKind, LetterBatch, LetterDeposit
from .services.guards import _require
from .services.lifecycle import _mark_obligation

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
RECEIPT_TYPES = {  # extension → (content type, first bytes)
    ".pdf": ("application/pdf", b"%PDF-"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}


def check_receipt(name: str, size: int, head: bytes) -> str:
    """The content type of a deposit receipt (PDF, PNG or JPEG, at most 10 MB, its content matching its
    name); a ``ValidationError`` with the reason otherwise."""
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_RECEIPT_BYTES:
        raise ValidationError(
            _("The receipt is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": round(size / 1e6, 1), "limit": MAX_RECEIPT_BYTES // (1024 * 1024)}
        )
    kind = RECEIPT_TYPES.get(Path(name).suffix.lower())
    if kind is None:
        raise ValidationError(_("Send the deposit receipt as a PDF, PNG or JPEG file."))
    if not head.startswith(kind[1]):
        raise ValidationError(_("The content of the file does not match its type."))
    return kind[0]


def letters_to_deposit(campaign: Campaign) -> Any:
    """The batches of letters produced and not yet recorded as deposited."""
    return LetterBatch.objects.filter(campaign=campaign, rendered_at__isnull=False, deposit__isnull=True)


def record_letter_deposit(
    campaign: Campaign, *, by: User | None, deposited_on: date, receipt_name: str, receipt: bytes
) -> LetterDeposit:
    """Record that the letters produced (every batch not yet deposited) were handed to the mail house on
    ``deposited_on``, with its deposit receipt. Their persons then count as informed; once everyone is, the
    breach's « inform the persons » obligation is marked done. In the breach's journal and the access log."""
    _require(by, campaign, Role.DPO)
    content_type = check_receipt(receipt_name, len(receipt), receipt[:8])
    if campaign.rehearsal:
        raise ValidationError(_("The letters of a rehearsal are not to be posted: start the campaign itself."))
    today = timezone.localdate()
    if deposited_on > today:
        raise ValidationError({"deposited_on": _("This date is in the future.")})
    with transaction.atomic():
        batches = list(letters_to_deposit(campaign).select_for_update().order_by("number"))
        if not batches:
            raise ValidationError(_("No letters wait to be deposited."))
        produced = max(timezone.localdate(batch.rendered_at) for batch in batches if batch.rendered_at)
        if deposited_on < produced:
            raise ValidationError(
                {"deposited_on": _("The letters were produced on %(date)s: they cannot have been deposited before.")
                 % {"date": produced.strftime("%d/%m/%Y")}}
            )  # fmt: skip
        letters = sum(batch.size for batch in batches)
        deposit = LetterDeposit.objects.create(
            campaign=campaign, deposited_on=deposited_on, letters=letters, receipt=receipt,
            receipt_name=Path(receipt_name).name[:200], receipt_type=content_type, recorded_by=by,
        )  # fmt: skip
        LetterBatch.objects.filter(pk__in=[batch.pk for batch in batches]).update(deposit=deposit)
        numbers = ", ".join(str(batch.number) for batch in batches)
        day = deposited_on.strftime("%d/%m/%Y")
        DeliveryEvent.objects.create(
            campaign=campaign, kind=EventKind.LETTERS_DEPOSITED, detail=f"{day} : lots {numbers} ({letters} courriers)"
        )
        said = j.ngettext(
            "Campaign no. %(number)s: %(count)s letter deposited with the mail house on %(date)s "
            "(batches %(batches)s; deposit receipt attached).",
            "Campaign no. %(number)s: %(count)s letters deposited with the mail house on %(date)s "
            "(batches %(batches)s; deposit receipt attached).",
            letters,
            number=campaign.pk, count=letters, date=day, batches=numbers,
        )  # fmt: skip
        TimelineEvent.write(
            [said], breach=campaign.breach, kind=TimelineKind.NOTE, author=by,
            data={"campaign": campaign.pk, "deposit": deposit.pk, "letters_deposited": letters,
                  "deposited_on": deposited_on.isoformat()},
        )  # fmt: skip
        record("campaign.letters_deposited", actor=by, organisation=campaign.breach.organisation, obj=campaign,
               detail={"deposit": deposit.pk, "letters": letters, "receipt_bytes": len(receipt)})  # fmt: skip
    _mark_obligation(campaign, by=by)
    return deposit
