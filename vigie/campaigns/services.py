"""Every state change of a campaign, each in one function that owns its transaction.

Life of a campaign: ``new_campaign`` (upload, mapping guessed) → ``set_mapping`` → ``run_import`` (read,
validate, de-duplicate, encrypt, store) → ``start_campaign`` (channel rules applied, senders enqueued) →
``pause_campaign`` / ``resume_campaign`` → ``finish_if_complete`` (the breach's ``inform_persons`` obligation
marked done) → ``record_bounces`` (late bounces become letters) → ``purge_campaign`` (after the retention).

Background work runs as tasks (``tasks.py``). A task killed with its worker never finishes in the database
queue, so recovery is explicit and idempotent: ``recover_campaigns`` (run when ``vigie worker`` starts, and
by start and resume) enqueues the senders of every running campaign that still has someone to inform.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.breaches.models import Breach, TimelineEvent

from . import crypto, reader
from .models import (
    Campaign,
    CampaignStatus,
    Channel,
    DeliveryEvent,
    EventKind,
    LetterBatch,
    Recipient,
    State,
)
from .signals import campaign_purged, purge_due_run
from .sms import sms_available
from .store import mark_cross_campaign_duplicates, store_persons

logger = logging.getLogger(__name__)

# What the reader understands (vigie.campaigns.importing): old .xls and .ods are refused by content there.
ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".json", ".ndjson")
CHANNEL_CONDITIONS = {
    Channel.EMAIL: Q(has_email=True),
    Channel.LETTER: Q(has_address=True),
    Channel.SMS: Q(has_mobile=True),
}


def _max_bytes() -> int:
    from vigie.common.limits import current

    return current().file_bytes


def _require(user: User | None, campaign: Campaign, role: str) -> None:
    if user is None:
        return  # the command line and the worker act with the operator's authority
    membership = user.memberships.filter(organisation_id=campaign.breach.organisation_id).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied


def upload_path(campaign: Campaign) -> Path:
    return Path(settings.MEDIA_ROOT) / "campaigns" / str(campaign.pk) / "source.enc"


def _purpose(path: Path) -> str:
    return str(path.relative_to(settings.MEDIA_ROOT))


def check_upload(name: str, size: int, head: bytes) -> None:
    """Refuse a file too large or of the wrong type, with a reason the user understands."""
    limit = _max_bytes()
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB; at most %(limit)s MB).")
            % {"size": round(size / 1e6, 1), "limit": round(limit / 1e6)}
        )
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ValidationError(
            _("Unsupported file type: send a CSV or XLSX file (spreadsheet export) or a FHIR file (JSON).")
        )
    is_zip = head.startswith(b"PK\x03\x04")  # XLSX
    if name.lower().endswith(".xlsx") != is_zip or head.startswith((b"%PDF", b"\x7fELF", b"MZ")):
        raise ValidationError(_("The content of the file does not match its type."))


def new_campaign(breach: Breach, *, by: User | None, name: str, data: bytes) -> Campaign:
    """Receive an uploaded list: its format sniffed and its columns' mapping guessed, then stored encrypted.

    A file the reader cannot read at all is refused here, with its French reason (``ValidationError``).
    """
    check_upload(name, len(data), data[:8])
    guessed = _guess_from_bytes(data)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            breach=breach, created_by=by, source_name=Path(name).name[:255], source_size=len(data),
            mapping=guessed["mapping"], import_report={"sniffed": guessed},
        )  # fmt: skip
        path = upload_path(campaign)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(crypto.encrypt_bytes(data, purpose=_purpose(path)))
        record("campaign.upload", actor=by, organisation=breach.organisation, obj=campaign,
               detail={"file": name[:100], "bytes": len(data)})  # fmt: skip
    return campaign


def _guess_from_bytes(data: bytes) -> dict[str, Any]:
    from .importing import ImportError_

    try:
        return reader.guess(data)  # read in memory: the list in clear never touches the disk
    except ImportError_ as error:
        raise ValidationError(str(error)) from None


def set_mapping(campaign: Campaign, mapping: dict[str, Any], *, by: User | None) -> Campaign:
    _require(by, campaign, Role.MEMBER)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.FAILED):
        raise ValidationError(_("The list has already been imported."))
    campaign.mapping = mapping
    campaign.save(update_fields=["mapping"])
    return campaign


def request_import(campaign: Campaign, *, by: User | None) -> None:
    """Queue the import of an uploaded list (the page follows its progress)."""
    from .tasks import import_campaign

    _require(by, campaign, Role.MEMBER)
    with transaction.atomic():
        updated = Campaign.objects.filter(
            pk=campaign.pk, status__in=(CampaignStatus.DRAFT, CampaignStatus.FAILED)
        ).update(status=CampaignStatus.IMPORTING, import_done=0, import_heartbeat=None)
    if updated:
        import_campaign.enqueue(campaign.pk)
        _ensure_watching()


def _ensure_watching() -> None:
    from .tasks import ensure_watching

    ensure_watching()


def run_import(
    campaign: Campaign,
    *,
    path: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> Any:
    """Read, validate, de-duplicate, encrypt and store the list; return the reader's report.

    Idempotent: rows of an earlier, interrupted import of the same campaign are removed first. An uploaded list
    is decrypted in memory and read from there: its plaintext never touches the disk, so a worker killed
    mid-import (``kill -9``) leaves nothing in clear behind (issue 20; ``remove_import_leftovers`` clears what
    older versions left in the temporary folder).
    """
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.IMPORTING, import_done=0, import_heartbeat=timezone.now()
    )
    Recipient.objects.filter(campaign=campaign).delete()
    source: Path | bytes
    if path is None:
        encrypted = upload_path(campaign)
        source = crypto.decrypt_bytes(encrypted.read_bytes(), purpose=_purpose(encrypted))
    else:
        source = path

    def on_progress(done: int, total: int | None) -> None:
        Campaign.objects.filter(pk=campaign.pk).update(
            import_done=done, import_total=max(total or 0, done), import_heartbeat=timezone.now()
        )
        if progress is not None:
            progress(done, total)

    try:
        reading = reader.open_reading(source, campaign.mapping or None, progress=on_progress)
        stored = store_persons(campaign, reading.chunks)
        report = reading.report
        apply_amendments(campaign, report.amendments)
    except Exception as error:
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.FAILED, import_report={"fatal": str(error)[:500]}
        )
        raise
    with transaction.atomic():
        duplicates = mark_cross_campaign_duplicates(campaign)
        data = reader.report_dict(report)
        data["already_informed"] = duplicates
        Campaign.objects.filter(pk=campaign.pk).update(
            status=CampaignStatus.READY, import_report=data, persons_count=stored, import_done=stored
        )
    upload_path(campaign).unlink(missing_ok=True)  # the stored rows are all we keep of the file
    campaign.refresh_from_db()
    return report


def apply_amendments(campaign: Campaign, amendments: dict[int, dict[str, Any]]) -> int:
    """Fill channels of persons stored in an earlier chunk from their later duplicates (see ``importing``)."""
    from .store import is_mobile, person_data

    ring = crypto.keyring()
    changed = 0
    for line, fields in amendments.items():
        recipient = Recipient.objects.filter(campaign=campaign, line=line).first()
        if recipient is None:
            continue
        data = crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring)
        extra = person_data(_Fields(fields))
        for key, value in extra.items():
            if value and not data.get(key) and key != "identity_key":
                data[key] = value
        recipient.payload = crypto.encrypt(data, campaign_id=campaign.pk)
        recipient.has_email = bool(data.get("email"))
        recipient.has_address = len(data.get("address") or []) >= 2
        recipient.has_mobile = is_mobile(data.get("phone") or "")
        recipient.save(update_fields=["payload", "has_email", "has_address", "has_mobile"])
        changed += 1
    return changed


class _Fields:
    def __init__(self, fields: dict[str, Any]) -> None:
        self.__dict__.update(fields)


def import_path(
    breach: Breach,
    path: Path,
    *,
    mapping: dict[str, Any] | None = None,
    by: User | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> tuple[Campaign, Any]:
    """Create a campaign from a file on disk and import it now (the command line)."""
    campaign = Campaign.objects.create(
        breach=breach,
        created_by=by,
        source_name=path.name[:255],
        source_size=path.stat().st_size,
        mapping=mapping or {},
    )
    record("campaign.import", actor=by, organisation=breach.organisation, obj=campaign, detail={"file": path.name})
    report = run_import(campaign, path=path, progress=progress)
    return campaign, report


def usable_order(rules: dict[str, Any]) -> list[str]:
    """The rules' channel order, without SMS when no provider is configured."""
    order = [str(channel) for channel in rules.get("order", []) if channel in CHANNEL_CONDITIONS]
    return [channel for channel in order if channel != Channel.SMS or sms_available()]


def set_rules(campaign: Campaign, *, order: list[str], rate: float, by: User | None) -> Campaign:
    """Change the channel rules (first usable channel wins) and the sending rate, before start or while paused."""
    _require(by, campaign, Role.DPO)
    if not campaign.can_edit_rules:
        raise ValidationError(_("The rules can only be changed before the start or while paused."))
    if not order:
        raise ValidationError(_("Choose at least one channel."))
    campaign.channel_rules = {"order": [str(channel) for channel in order]}
    campaign.rate_limit = max(0.0, float(rate))
    campaign.save(update_fields=["channel_rules", "rate_limit"])
    return campaign


def apply_channel_rules(campaign: Campaign, *, now: datetime | None = None) -> None:
    """Give each person not yet contacted the first usable channel of the rules; nobody usable: unreachable."""
    now = now or timezone.now()
    whens = [
        When(CHANNEL_CONDITIONS[Channel(channel)], then=Value(channel))
        for channel in usable_order(campaign.channel_rules)
    ]
    untouched = Recipient.objects.filter(
        campaign=campaign, state__in=(State.PENDING, State.UNREACHABLE), attempts=0, bounce_at__isnull=True,
        letter_batch__isnull=True,
    )  # fmt: skip
    untouched.update(
        channel=Case(*whens, default=Value(Channel.NONE)) if whens else Value(Channel.NONE),
        state=State.PENDING,
        queued_at=Coalesce("queued_at", Value(now)),
    )
    Recipient.objects.filter(campaign=campaign, state=State.PENDING, channel=Channel.NONE).update(
        state=State.UNREACHABLE
    )


def _sends_email(campaign: Campaign) -> bool:
    """Whether starting (or resuming) would hand e-mails to the backend."""
    if Channel.EMAIL not in usable_order(campaign.channel_rules):
        return False
    return (
        Recipient.objects.filter(campaign=campaign, has_email=True).pending().exists()
        or Recipient.objects.filter(campaign=campaign, has_email=True, state=State.UNREACHABLE, attempts=0).exists()
    )


def check_delivery(campaign: Campaign, *, rehearsal: bool) -> None:
    """Refuse a start that would record as sent e-mails no mail server accepted (a proof that is not one).

    On a backend that delivers nothing (console, locmem, file, dummy), only an explicit rehearsal may start;
    on a real one, a rehearsal is refused: it would send real e-mails to the persons.
    """
    from .mail import delivers

    if not _sends_email(campaign):
        return
    real = delivers()
    if not real and not rehearsal:
        raise ValidationError(
            _(
                "No mail server is configured (EMAIL_HOST, or EMAIL_BACKEND set to SMTP): the e-mails would not "
                "leave this machine, and none can be recorded as sent. Configure the mail server, or start a "
                "rehearsal, which sends nothing and says so in its ledger."
            )
        )
    if real and rehearsal:
        raise ValidationError(
            _("A mail server is configured: a rehearsal would send real e-mails. Start the campaign itself.")
        )


def start_campaign(campaign: Campaign, *, by: User | None, rehearsal: bool = False) -> Campaign:
    """Start informing: channels chosen by the rules, then the senders and letter renderers enqueued.

    ``rehearsal``: the e-mail backend delivers nothing and the campaign is recorded as a rehearsal (see
    ``check_delivery``); otherwise a backend that delivers nothing is refused.
    """
    _require(by, campaign, Role.DPO)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.can_start:
            raise ValidationError(_("This campaign cannot be started."))
        check_delivery(campaign, rehearsal=rehearsal)
        if Channel.EMAIL in usable_order(campaign.channel_rules):
            from .messages import NoMailDomain, mail_domain

            try:
                mail_domain(campaign)
            except NoMailDomain:
                raise ValidationError(
                    _("Give the organisation an e-mail address on its own domain: e-mails are identified by it.")
                ) from None
        now = timezone.now()
        apply_channel_rules(campaign, now=now)
        campaign.status, campaign.started_at, campaign.started_by = CampaignStatus.RUNNING, now, by
        campaign.rehearsal = rehearsal
        campaign.save(update_fields=["status", "started_at", "started_by", "rehearsal"])
        record("campaign.start", actor=by, organisation=campaign.breach.organisation, obj=campaign,
               detail={"rehearsal": rehearsal})  # fmt: skip
    enqueue_work(campaign)
    _ensure_watching()
    return campaign


def pause_campaign(campaign: Campaign, *, by: User | None) -> Campaign:
    """Stop sending: within two seconds each sender records the message in hand, gives back the rest of its
    chunk and stops (``Dispatcher.work``)."""
    _require(by, campaign, Role.DPO)
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.RUNNING).update(
            status=CampaignStatus.PAUSED
        )
        if not updated:
            raise ValidationError(_("Only a running campaign can be paused."))
        record("campaign.pause", actor=by, organisation=campaign.breach.organisation, obj=campaign)
    campaign.refresh_from_db()
    return campaign


def pause_for_server_failure(campaign_id: int, *, response: str) -> bool:
    """The mail server failed as a whole (refused connection or authentication, sender refused, 421, time-out):
    pause the campaign with the reason, tell the organisation (journal of the breach, e-mail to its DPO and
    owners, banner on the campaign's page) and leave every recipient pending. Nobody is failed or switched to a
    letter for a fault of the server. False if the campaign was no longer running (another sender paused it).
    """
    from vigie.breaches.models import EventKind as BreachEventKind
    from vigie.breaches.services import alert_recipients

    response = _scrub(response)[:400]  # an address in a server's answer is never kept
    with transaction.atomic():
        updated = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.RUNNING).update(
            status=CampaignStatus.PAUSED, pause_reason=response
        )
        if not updated:
            return False
        campaign = Campaign.objects.select_related("breach__organisation").get(pk=campaign_id)
        breach = campaign.breach
        DeliveryEvent.objects.create(campaign=campaign, kind=EventKind.PAUSED, detail=response)
        record("campaign.pause", actor=None, organisation=breach.organisation, obj=campaign,
               detail={"server": response[:200]})  # fmt: skip
        paused = j.say(
            gettext_noop(
                "Campaign no. %(number)s paused: the mail server failed (%(answer)s). Nobody was marked failed; "
                "resume the campaign once the server works again."
            ),
            number=campaign.pk,
            answer=response,
        )
        event = TimelineEvent.write([paused], breach=breach, kind=BreachEventKind.CAMPAIGN_PAUSED,
                                    data={"campaign": campaign.pk})  # fmt: skip
        summary = event.summary  # the e-mail says it in French, as the journal records it
        with translation.override(settings.LANGUAGE_CODE):  # the e-mails are in French
            subject = _("[Vigie] Breach %(reference)s: campaign no. %(number)s paused") % {
                "reference": breach.reference,
                "number": campaign.pk,
            }
    recipients = alert_recipients(breach.organisation)
    if recipients:
        url = settings.SITE_URL + reverse("campaigns:detail", args=[breach.organisation_id, campaign.pk])
        try:  # the alert may go through the very relay that failed: the journal and the banner remain
            send_mail(subject, f"{summary}\n\n{url}\n", None, recipients)
        except Exception as error:  # noqa: BLE001
            logger.warning("alert of campaign %s's pause not sent: %s", campaign.pk, type(error).__name__)
    return True


def resume_campaign(campaign: Campaign, *, by: User | None) -> Campaign:
    """Send again after a pause (by a user, or by the server's failure once it is repaired)."""
    _require(by, campaign, Role.DPO)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.PAUSED:
            raise ValidationError(_("Only a paused campaign can be resumed."))
        check_delivery(campaign, rehearsal=campaign.rehearsal)
        apply_channel_rules(campaign)
        campaign.status, campaign.pause_reason = CampaignStatus.RUNNING, ""
        campaign.save(update_fields=["status", "pause_reason"])
        record("campaign.resume", actor=by, organisation=campaign.breach.organisation, obj=campaign)
    enqueue_work(campaign)
    _ensure_watching()
    return campaign


def enqueue_work(campaign: Campaign, *, senders: int | None = None) -> int:
    """Enqueue the senders (one connection each) and the letter renderers a campaign still needs."""
    from .tasks import dispatch_campaign, render_campaign_letters

    counts = Recipient.objects.filter(campaign=campaign).pending()
    queued = 0
    if counts.filter(channel__in=(Channel.EMAIL, Channel.SMS)).exists():
        for _n in range(senders or settings.VIGIE_CAMPAIGN_SENDERS):
            dispatch_campaign.enqueue(campaign.pk)
            queued += 1
    letters = counts.filter(channel=Channel.LETTER).count()
    if letters:
        batches = -(-letters // settings.VIGIE_CAMPAIGN_LETTERS_PER_FILE)
        for _n in range(min(batches, senders or settings.VIGIE_CAMPAIGN_SENDERS)):
            render_campaign_letters.enqueue(campaign.pk)
            queued += 1
    if not queued:
        finish_if_complete(campaign.pk)
    return queued


def _queued_tasks(campaign_id: int, statuses: tuple[str, ...] = ("READY",)) -> int:
    """Tasks of this campaign waiting in the database queue (not yet started), or in ``statuses``."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status__in=statuses, task_path__startswith="vigie.campaigns.tasks.")
    return sum(1 for args in waiting.values_list("args_kwargs", flat=True) if (args or {}).get("args") == [campaign_id])


def recover_imports(*, now: datetime | None = None) -> int:
    """Imports that died with their worker (no sign of life for ``VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS``).

    An uploaded list is still on disk (encrypted) until its import succeeds: the import is queued again and
    starts from scratch (``run_import`` is idempotent). A list imported from the command line was never kept:
    the campaign is marked failed, with a reason, so that nobody waits for it. Return the imports queued again.
    """
    from .tasks import import_campaign

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


def after_dispatch(campaign_id: int) -> None:
    """A sender stopped: finish the campaign if everyone is done, or come back when a retry falls due."""
    from .dispatch import next_wake_up
    from .tasks import dispatch_campaign

    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        return
    wake = next_wake_up(campaign)
    if wake is None:
        if not finish_if_complete(campaign_id):
            ensure_letters(campaign)  # e-mails that failed or bounced became letters after the renderers stopped
        return
    deferrable = dispatch_campaign.get_backend().supports_defer
    if deferrable and wake > timezone.now() and not _queued_tasks(campaign_id):
        dispatch_campaign.using(run_after=wake).enqueue(campaign_id)


def finish_if_complete(campaign_id: int) -> bool:
    """Close a running campaign once nobody is left to inform, and mark the breach's obligation done."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("breach").get(pk=campaign_id)
        if campaign.status != CampaignStatus.RUNNING:
            return False
        if Recipient.objects.filter(campaign=campaign).pending().exists():
            return False
        now = timezone.now()
        campaign.status, campaign.finished_at = CampaignStatus.DONE, now
        campaign.purge_after = now + timedelta(days=settings.VIGIE_CAMPAIGN_RETENTION_DAYS)
        campaign.save(update_fields=["status", "finished_at", "purge_after"])
    _mark_obligation(campaign)
    return True


def everyone_informed(campaign: Campaign) -> bool:
    """Whether every person of the campaign is informed: their e-mail or SMS accepted by the server, or their
    letter deposited with the mail house (a letter produced is not a letter sent), or already informed by
    another campaign. A rehearsal informed nobody; a person without any usable channel is not informed."""
    if campaign.rehearsal or campaign.status not in (CampaignStatus.DONE, CampaignStatus.PURGED):
        return False
    informed = Q(state__in=(State.SENT, State.DUPLICATE)) | Q(state=State.LETTER, letter_batch__deposit__isnull=False)
    return not Recipient.objects.filter(campaign=campaign).exclude(informed).exists()


def _breach_informed(breach: Breach) -> bool:
    """Every list of the breach imported and informed (an upload never imported or a failed import aside)."""
    campaigns = Campaign.objects.filter(breach=breach, rehearsal=False).exclude(
        status__in=(CampaignStatus.DRAFT, CampaignStatus.FAILED)
    )
    return campaigns.exists() and all(everyone_informed(campaign) for campaign in campaigns)


def _mark_obligation(campaign: Campaign, *, by: User | None = None) -> None:
    """Mark « inform the persons » done on the breach once every person of its campaigns is informed (see
    ``everyone_informed``)."""
    from vigie.breaches.services import mark_obligation_done

    if not _breach_informed(campaign.breach):
        return
    counts = campaign.counts()
    reference = f"Campagne n° {campaign.pk} : {counts['sent']:,} par message".replace(",", "\u202f")
    if counts["letters_posted"]:
        reference += f", {counts['letters_posted']:,} par courrier déposé".replace(",", "\u202f")
    by = by or campaign.started_by
    if by is None:
        return
    try:
        mark_obligation_done(
            campaign.breach, "inform_persons", by=by, done_at=timezone.now(), reference=reference[:200]
        )
    except (ValidationError, PermissionDenied) as error:
        logger.info("inform_persons not marked done for campaign %s: %s", campaign.pk, error)


# --- Bounces ------------------------------------------------------------------------------------------------


def record_bounce(campaign: Campaign, recipient_id: int, *, reason: str, at: datetime | None = None) -> bool:
    """Record one bounce; the person gets a letter when they have an address. False if already recorded."""
    from .dispatch import fall_back_to_letter

    at = at or timezone.now()
    with transaction.atomic():
        updated = Recipient.objects.filter(
            campaign=campaign, pk=recipient_id, bounce_at__isnull=True, channel=Channel.EMAIL
        ).update(bounce_at=at, bounce_reason=reason[:500], state=State.BOUNCED)
        if not updated:
            return False
        DeliveryEvent.objects.create(campaign=campaign, recipient_id=recipient_id, kind=EventKind.BOUNCED,
                                     detail=reason[:500])  # fmt: skip
        fall_back_to_letter([recipient_id], campaign_id=campaign.pk, reason=reason)
    return True


def record_bounces(campaign: Campaign, path: Path) -> dict[str, int]:
    """Read delivery-status notifications from a mailbox file and record the bounces of this campaign."""
    from .bounces import bounces_in_mailbox

    found = recorded = 0
    for bounce in bounces_in_mailbox(path):
        if bounce.campaign_id != campaign.pk:
            continue
        found += 1
        recorded += record_bounce(campaign, bounce.recipient_id, reason=bounce.reason)
    if recorded:
        reopen_for_letters(campaign)
    return {"found": found, "recorded": recorded}


def reopen_for_letters(campaign: Campaign) -> None:
    """Late bounces turned into letters: a finished campaign runs again until they are produced."""
    if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DONE).update(status=CampaignStatus.RUNNING):
        enqueue_work(campaign)
    else:
        ensure_letters(campaign)


def ensure_letters(campaign: Campaign) -> bool:
    """Enqueue a letter renderer when letters wait and none is queued (harmless if one is running)."""
    from .tasks import render_campaign_letters

    waiting = Recipient.objects.filter(campaign=campaign, channel=Channel.LETTER).pending().exists()
    running = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.RUNNING).exists()
    if not waiting or not running or _queued_tasks(campaign.pk):
        return False
    render_campaign_letters.enqueue(campaign.pk)
    return True


# --- Purge and keys -------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s<>\"';,]+@[^\s<>\"';,]+")


def _scrub(text: str) -> str:
    return _EMAIL.sub("[adresse effacée]", text)


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
