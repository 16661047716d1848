"""Recovery of work lost with a worker: imports and senders taken up again, leftovers removed; idempotent."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Campaign, CampaignStatus, Recipient, State
from .imports import upload_path
from .lifecycle import _queued_tasks, enqueue_work

logger = logging.getLogger(__name__)


def recover_imports(*, now: datetime | None = None) -> int:
    """Imports that died with their worker (no sign of life for ``VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS``).

    An uploaded list is still on disk (encrypted) until its import succeeds: the import is queued again and
    starts from scratch (``run_import`` is idempotent). A list imported from the command line was never kept:
    the campaign is marked failed, with a reason, so that nobody waits for it. Return the imports queued again.
    """
    from ..tasks import import_campaign

    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS)
    queued = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.IMPORTING, import_heartbeat__lt=stale):
        if _queued_tasks(campaign.pk):
            continue
        # Taken by this call only (two workers starting together must not both queue it).
        mine = Campaign.objects.filter(
            pk=campaign.pk, status=CampaignStatus.IMPORTING, import_heartbeat=campaign.import_heartbeat
        )
        if upload_path(campaign).exists():
            if mine.update(import_heartbeat=now):
                import_campaign.enqueue(campaign.pk)
                queued += 1
        else:
            reason = _("The import was interrupted and the file was not kept: import the list again.")
            mine.update(status=CampaignStatus.FAILED, import_report={"fatal": str(reason)})
    return queued


#: What versions before issue 20 left in the temporary folder when an import's worker was killed: the list in clear.
IMPORT_LEFTOVER_PREFIX = "vigie-import-"


def remove_import_leftovers(folder: Path | None = None) -> int:
    """Delete the plaintext copies of imported lists left in the temporary folder by a killed worker (versions
    before issue 20 decrypted the upload there; today's import reads it in memory). Return how many."""
    folder = folder or Path(tempfile.gettempdir())
    removed = 0
    for leftover in folder.glob(f"{IMPORT_LEFTOVER_PREFIX}*"):
        try:
            if leftover.is_dir() and not leftover.is_symlink() and leftover.stat().st_uid == os.getuid():
                shutil.rmtree(leftover)
                removed += 1
        except OSError as error:
            logger.warning("import leftover not removed: %s", error.strerror)
    return removed


def recover_campaigns() -> int:
    """Re-enqueue the work of campaigns whose tasks may have died with a worker: imports, then sending.

    Harmless when the tasks are alive: a sender that finds nothing to claim stops at once.
    """
    remove_import_leftovers()
    queued = recover_imports()
    for campaign in Campaign.objects.filter(status__in=(CampaignStatus.RUNNING, CampaignStatus.DONE)):
        if (
            campaign.status == CampaignStatus.DONE
            and not Recipient.objects.filter(campaign=campaign).pending().exists()
        ):
            continue
        if _queued_tasks(campaign.pk):
            continue
        queued += enqueue_work(campaign)
    return queued


def watch_campaigns(*, now: datetime | None = None) -> int:
    """The periodic recovery (``tasks.watch_campaigns``, every ``VIGIE_CAMPAIGN_WATCH_SECONDS`` while a campaign
    runs or imports), for what dies without its worker: a sender task that failed on a database error, a sender
    whose process hung or died. A running campaign gets its senders queued again when recipients are still
    "being sent" ``VIGIE_CAMPAIGN_STUCK_SECONDS`` after their claim expired (live senders renew theirs every two
    seconds), or when people wait and no task of the campaign is queued or running. The new sender reclaims the
    expired claims as after a crash (the one message in doubt is sent again with its Message-ID). Imports
    silent for too long are queued again (``recover_imports``). Return the tasks queued.
    """
    now = now or timezone.now()
    queued = recover_imports(now=now)
    stuck_before = now - timedelta(seconds=settings.VIGIE_CAMPAIGN_STUCK_SECONDS)
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING):
        rows = Recipient.objects.filter(campaign=campaign)
        stuck = rows.filter(state=State.SENDING, lease_until__lt=stuck_before).exists()
        idle = rows.pending().exists() and not _queued_tasks(campaign.pk, ("READY", "RUNNING"))
        if (stuck or idle) and not _queued_tasks(campaign.pk):
            queued += enqueue_work(campaign)
    return queued
