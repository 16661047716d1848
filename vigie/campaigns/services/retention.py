"""Retention: erasing the persons' personal data (the proof kept), and re-encrypting under the current key."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Role, User
from vigie.audit.services import record

from .. import crypto
from ..models import Campaign, CampaignStatus, DeliveryEvent, EventKind, LetterBatch, Recipient, State
from ..signals import campaign_purged, purge_due_run
from .guards import _require, _scrub
from .imports import _purpose

# --- Purge and keys -------------------------------------------------------------------------------------------


def purge_campaign(campaign: Campaign, *, by: User | None, force: bool = False) -> int:
    """Erase the persons' personal data; keep the counts and a proof ledger that identifies nobody.

    What stays per person: its number, the line of the imported file, the channel, the times queued and sent,
    the server's answer or the letter batch, the bounce, and the keyed identity hash (with the data key, it
    lets the controller show that a given person was informed; without it, it identifies nobody). E-mail
    addresses are removed from server answers and ledger details. Deletes the letter files and the upload.
    Chunked ``UPDATE``\\s: constant memory whatever the size.
    """
    _require(by, campaign, Role.DPO)
    if campaign.status == CampaignStatus.PURGED:
        return 0
    if campaign.status in (CampaignStatus.RUNNING, CampaignStatus.IMPORTING) and not force:
        raise ValidationError(_("Pause or finish the campaign before purging it."))
    rows = Recipient.objects.filter(campaign=campaign)
    bounds = list(rows.order_by("pk").values_list("pk", flat=True)[::5000])
    purged = 0
    for start in bounds:
        with transaction.atomic():
            purged += rows.filter(pk__gte=start, pk__lt=start + 5000).exclude(payload=b"").update(payload=b"")
    for model, fields in ((Recipient, ("smtp_response", "bounce_reason")), (DeliveryEvent, ("detail",))):
        for field in fields:
            for pk, text in model.objects.filter(campaign=campaign, **{f"{field}__contains": "@"}).values_list(
                "pk", field
            ):
                model.objects.filter(pk=pk).update(**{field: _scrub(text)})
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "campaigns" / str(campaign.pk), ignore_errors=True)
    LetterBatch.objects.filter(campaign=campaign).update(pdf_path="", manifest_path="")
    with transaction.atomic():
        Recipient.objects.filter(campaign=campaign, state__in=(State.PENDING, State.SENDING)).update(
            state=State.UNREACHABLE, claimed_by="", lease_until=None
        )
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.PURGED, purged_at=timezone.now(), mapping={}
        )
        DeliveryEvent.objects.create(campaign=campaign, kind=EventKind.PURGED, detail=f"{purged} personnes")
        record("campaign.purge", actor=by, organisation=campaign.breach.organisation, obj=campaign,
               detail={"persons": purged})  # fmt: skip
    campaign.refresh_from_db()
    campaign_purged.send(sender=Campaign, campaign=campaign)
    return purged


def purge_due(*, now: datetime | None = None) -> int:
    """Purge every finished campaign whose retention has passed (the periodic purge), then let the other apps
    purge what is due (``signals.purge_due_run``: the leak matchings)."""
    now = now or timezone.now()
    due = Campaign.objects.filter(status=CampaignStatus.DONE, purge_after__lte=now)
    purged = sum(1 for campaign in due if purge_campaign(campaign, by=None) >= 0)
    purge_due_run.send(sender=Campaign, now=now)
    return purged


def rotate_keys(*, progress: Callable[[int], None] | None = None, chunk: int = 2000) -> int:
    """Re-encrypt every payload and file not under the current key, and re-key every identity hash, those of
    purged campaigns included (they keep only their hash: ``crypto.rekey_index`` moves it to the new key, so
    that a person informed before the purge is still found "already informed" after the rotation). Resumable:
    a row is done once its ``identity_key_id`` is the current key's (its payload is re-encrypted with it).
    """
    current = crypto.current_key()
    ring = crypto.keyring()
    done = 0
    for campaign_id in Campaign.objects.values_list("pk", flat=True):
        last = 0
        while True:
            rows = list(
                Recipient.objects.filter(campaign_id=campaign_id, pk__gt=last)
                .exclude(identity_key_id__in=("", current.hex_id))
                .order_by("pk")
                .values_list("pk", "payload", "identity_hash", "identity_key_id")[:chunk]
            )
            if not rows:
                break
            last = rows[-1][0]
            changed = []
            for pk, payload, identity_hash, key_id in rows:
                recipient = Recipient(pk=pk, payload=bytes(payload), identity_key_id=current.hex_id)
                if payload:
                    data = crypto.decrypt(payload, campaign_id=campaign_id, ring=ring)
                    recipient.payload = crypto.encrypt(data, campaign_id=campaign_id, key=current)
                    recipient.identity_hash = crypto.blind_index(data.get("identity_key") or "", key=current)
                else:  # purged: only the hash is left
                    old = crypto.key_by_hex_id(key_id, ring)
                    if old is None:
                        raise crypto.DecryptionFailed(f"the key {key_id} of campaign {campaign_id} is not configured")
                    recipient.identity_hash = crypto.rekey_index(identity_hash, old=old, new=current)
                changed.append(recipient)
            with transaction.atomic():
                Recipient.objects.bulk_update(changed, ["payload", "identity_hash", "identity_key_id"], batch_size=500)
            done += len(changed)
            if progress is not None:
                progress(done)
        folder = Path(settings.MEDIA_ROOT) / "campaigns" / str(campaign_id)
        for path in folder.glob("*.enc") if folder.is_dir() else ():
            blob = path.read_bytes()
            if crypto.key_id_of(blob) != current.id:
                purpose = _purpose(path)
                path.write_bytes(crypto.encrypt_bytes(crypto.decrypt_bytes(blob, purpose=purpose), purpose=purpose))
    return done
