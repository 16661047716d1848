"""Sending the e-mails (and SMS) of a running campaign: nobody missed, nobody told twice.

The send-side checkpoint
========================
Plain SMTP has no idempotency key: once the server has answered DATA the message is gone, and a process can
die between that answer and the moment we write it down. The design makes that window exactly one message per
crashed connection, and makes the one possible repeat recognisable:

1. **Claim.** A sender takes a chunk of pending recipients in one short transaction: ``state=sending``, a
   random ``claimed_by`` token and a lease (``lease_until``). On PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED``
   lets several senders, on several machines, claim disjoint chunks; on SQLite the IMMEDIATE transaction
   serialises the claims. The lease is renewed while the chunk is worked on.
2. **Send, then record, one by one, in a fixed order** (ascending id) over one connection: the outcome of
   message *k* (sent with the server's answer, or a failure) is **committed before message k+1 is handed
   over** (before its DATA; on PostgreSQL the commit of *k* runs while the server accepts k+1's sender and
   recipients, see ``recording``).
3. **Crash.** If the process dies, its recipients stay ``sending`` until the lease expires. Because of (2),
   every recipient of the chunk before the first still-``sending`` one is recorded, and every one after it was
   never handed to the server. Only that first one — sent or not, we cannot know — is in doubt: that is the
   window, one message per crashed connection.
4. **Reclaim.** Any sender may reclaim recipients whose lease expired. The lowest id of each expired claim is
   flagged ``in_doubt``; it is sent again with the **same deterministic Message-ID** (``messages.message_id``),
   so that mail systems and the person's mail client can recognise it as the same message, and the ledger
   gets a ``resent_after_crash`` entry. The others are sent normally.
5. **Stalled, not dead.** A sender that outlives its lease (a very slow server) may find its chunk taken:
   every record is conditional on still holding the claim (``claimed_by``); when it no longer does it stops
   at once. The message it had just sent is the other sender's ``in_doubt`` one: still at most one.

Commits are the price of the guarantee: one per message. They are kept cheap: a plain successful send is one
UPDATE by primary key, run alone in autocommit mode (the statement is its own transaction: one commit, no
BEGIN/COMMIT round trips; the same SQL text each time, so SQLite's statement cache compiles it once; on
PostgreSQL it is a prepared statement, sent without waiting and its answer collected before the next DATA,
see ``recording``); the rare cases (retry, failure, resend after a crash) add a ledger row in the same
transaction. On PostgreSQL ``synchronous_commit = off`` while a sender runs. That setting is safe
against what this design protects from — the death of a *worker*: the commit is acknowledged once it is in
the server's memory and the server writes it out within milliseconds, whatever happens to the client. Only a
crash of the PostgreSQL server itself in those milliseconds could lose the last few records, and the
messages concerned would then be resent with their same Message-IDs.

A failure of the server as a whole (``mail.Outcome.server``: connection refused or timed out, authentication
or sender refused, 421) is nobody's fault among the recipients: the recipient in hand goes back to ``pending``
as it was (no attempt counted), the rest of the chunk is given back, and the campaign pauses with the server's
answer and alerts the organisation (``services.pause_for_server_failure``); the other senders stop within two
seconds. A database error (locked beyond the busy time-out, connection lost) is retried with a back-off
(``VIGIE_CAMPAIGN_DB_RETRIES``): a record retried is the same conditional UPDATE, so nothing is recorded twice.

A temporary failure of one recipient (4xx) puts the recipient back to ``pending`` with
``next_attempt_at`` (exponential back-off from ``VIGIE_CAMPAIGN_RETRY_SECONDS``) until
``VIGIE_CAMPAIGN_MAX_ATTEMPTS``; a permanent failure (5xx) is final. A failed or bounced e-mail falls back to
a postal letter when the person has an address. The throughput is limited per campaign (messages per
second, shared by the parallel senders).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from . import crypto
from .mail import Outcome, Sender, delivers
from .messages import Composer, message_id
from .models import Campaign, CampaignStatus, Channel, DeliveryEvent, EventKind, Recipient, State
from .recording import LeaseLost, PipelinedRecorder, recorder
from .sms import SMSProvider, sms_sender

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200
SENT_CHANNELS = (Channel.EMAIL, Channel.SMS)
#: How a sender waits between two tries of a database statement (replaced in tests).
backoff_sleep: Callable[[float], None] = time.sleep


def retrying(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one database step of a sender, trying again on ``OperationalError`` (SQLite's "database is locked"
    beyond its busy time-out, a lost PostgreSQL connection) after 0.5 s, 1 s, 2 s… (``VIGIE_CAMPAIGN_DB_RETRIES``
    times); then the error propagates (the task fails, the campaign watch queues a sender again). Each step is
    its own transaction, conditional on the claim, so trying it again is safe."""
    tries = max(1, settings.VIGIE_CAMPAIGN_DB_RETRIES)
    for attempt in range(tries):
        try:
            return function(*args, **kwargs)
        except OperationalError as error:
            if attempt + 1 >= tries or connection.in_atomic_block:
                raise
            logger.warning("database error in a sender (try %d of %d): %s", attempt + 1, tries, error)
            connection.close_if_unusable_or_obsolete()
            backoff_sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


def _lease() -> timedelta:
    return timedelta(seconds=settings.VIGIE_CAMPAIGN_LEASE_SECONDS)


def _cheap_commits(on: bool) -> None:
    """On PostgreSQL, while a sender runs: commits do not wait for the WAL flush (see the module docstring).

    Set for the session rather than per transaction (``SET LOCAL``) to save a round trip per message, and
    reset when the sender stops, so that the worker's other tasks commit as usual.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off" if on else "RESET synchronous_commit")


@dataclass
class Claim:
    token: str
    ids: list[int]  # in the order they must be sent
    lease_until: datetime


def claim_chunk(campaign: Campaign, *, size: int = CHUNK_SIZE, now: datetime | None = None) -> Claim | None:
    """Claim up to ``size`` recipients to send: expired claims of crashed senders first, then pending ones."""
    now = now or timezone.now()
    token = secrets.token_hex(8)
    lease_until = now + _lease()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        base = Recipient.objects.filter(campaign=campaign, channel__in=SENT_CHANNELS)
        if skip_locked:
            base = base.select_for_update(skip_locked=True)
        expired = list(
            base.filter(state=State.SENDING, lease_until__lt=now).order_by("pk").values_list("pk", "claimed_by")[:size]
        )
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        # One channel at a time: the claim index then yields the ids in order. With both channels in one query,
        # PostgreSQL walked the primary key over every recipient already sent, for each claim (quadratic).
        fresh: list[int] = []
        for channel in SENT_CHANNELS:
            room = size - len(expired) - len(fresh)
            if room <= 0:
                break
            pending = base.filter(due, channel=channel, state=State.PENDING).order_by("pk")
            fresh += pending.values_list("pk", flat=True)[:room]
        if not expired and not fresh:
            return None
        # The window: of each crashed claim, only its lowest still-unrecorded recipient may have been sent.
        first_of_claim: dict[str, int] = {}
        for pk, old_token in expired:
            first_of_claim.setdefault(old_token, pk)
        doubtful = list(first_of_claim.values())
        ids = sorted([pk for pk, _ in expired] + fresh)
        Recipient.objects.filter(pk__in=ids).update(state=State.SENDING, claimed_by=token, lease_until=lease_until)
        if doubtful:
            Recipient.objects.filter(pk__in=doubtful).update(in_doubt=True)
    return Claim(token, ids, lease_until)


class Pacer:
    """Spaces the messages of one sender so that ``rate`` per second is not exceeded (0: no limit)."""

    def __init__(
        self, rate: float, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.next_at = clock()
        self.sleep = sleep

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at > now:
            self.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + self.interval


@dataclass
class Stats:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    resent: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _record(pk: int, token: str, campaign_id: int, event: tuple[str, str] | None, **values: Any) -> None:
    """Commit one recipient's outcome, only while the claim is still ours (see point 5 of the docstring)."""
    with transaction.atomic():
        updated = Recipient.objects.filter(pk=pk, claimed_by=token, state=State.SENDING).update(**values)
        if not updated:
            raise LeaseLost
        if event is not None:
            DeliveryEvent.objects.create(campaign_id=campaign_id, recipient_id=pk, kind=event[0], detail=event[1][:500])


class Dispatcher:
    """One sender: claims chunks of one campaign and works through them over one reused connection."""

    def __init__(self, campaign: Campaign, *, sender: Sender | None = None, senders: int | None = None) -> None:
        self.campaign = campaign
        self.composer = Composer(campaign)
        self.sender = sender or Sender()
        self.sms: SMSProvider | None = None
        rate = campaign.rate_limit or settings.VIGIE_CAMPAIGN_RATE
        self.pacer = Pacer(rate / max(1, senders or settings.VIGIE_CAMPAIGN_SENDERS) if rate > 0 else 0)
        self.ring = crypto.keyring()
        self.stats = Stats()
        self.max_attempts = settings.VIGIE_CAMPAIGN_MAX_ATTEMPTS
        self.retry_base = settings.VIGIE_CAMPAIGN_RETRY_SECONDS
        self.recorder = recorder()
        self.halted: Outcome | None = None  # the server's failure that stopped this sender

    def still_running(self) -> bool:
        status = retrying(Campaign.objects.filter(pk=self.campaign.pk).values_list("status", flat=True).first)
        return bool(status == CampaignStatus.RUNNING)

    def delivers_or_stop(self) -> bool:
        """A campaign that is not a rehearsal never goes through a backend that delivers nothing: the worker's
        settings may differ from those of the process that started it. It is paused, as for a failed server."""
        if self.campaign.rehearsal or delivers(self.sender.backend_path):
            return True
        if not Recipient.objects.filter(campaign=self.campaign, channel=Channel.EMAIL).pending().exists():
            return True  # SMS alone
        from .services import pause_for_server_failure

        pause_for_server_failure(
            self.campaign.pk, response=f"aucun serveur de messagerie sur l'exécuteur ({self.sender.backend_path})"
        )
        logger.error("campaign %s paused: its worker's e-mail backend delivers nothing", self.campaign.pk)
        return False

    def run(self, *, deadline: float | None = None) -> Stats:
        """Claim and send chunks until none is left, the campaign is paused, or ``deadline`` (monotonic) passes."""
        if not self.delivers_or_stop():
            return self.stats
        _cheap_commits(True)
        try:
            while self.still_running() and (deadline is None or time.monotonic() < deadline):
                claim = retrying(claim_chunk, self.campaign)
                if claim is None:
                    if not self._wait_for_work(deadline):
                        break
                    continue
                try:
                    self.work(claim)
                except LeaseLost:
                    DeliveryEvent.objects.create(campaign=self.campaign, kind=EventKind.LEASE_LOST,
                                                 detail=f"claim {claim.token}")  # fmt: skip
                if self.halted is not None:
                    break
        finally:
            self.sender.close()
            _cheap_commits(False)
        if self.halted is not None:
            from .services import pause_for_server_failure

            retrying(pause_for_server_failure, self.campaign.pk, response=self.halted.response)
        return self.stats

    def _wait_for_work(self, deadline: float | None) -> bool:
        """Nothing to claim now. Wait (briefly) for other senders' leases or retries that fall due soon."""
        wake = next_wake_up(self.campaign)
        if wake is None:
            return False
        delay = (wake - timezone.now()).total_seconds()
        if delay > settings.VIGIE_CAMPAIGN_LEASE_SECONDS + 1:
            return False  # a later dispatch is scheduled by the task (``services.after_dispatch``)
        if deadline is not None and time.monotonic() + delay > deadline:
            return False
        time.sleep(min(max(delay, 0.05), 1.0))
        return True

    def work(self, claim: Claim) -> None:
        try:
            self._work(claim)
            self.recorder.settle()
        finally:
            self.recorder.drain()

    def _work(self, claim: Claim) -> None:
        rows = {
            pk: (channel, payload, in_doubt, attempts, has_address)
            for pk, channel, payload, in_doubt, attempts, has_address in Recipient.objects.filter(
                pk__in=claim.ids
            ).values_list("pk", "channel", "payload", "in_doubt", "attempts", "has_address")
        }
        renew_every = min(2.0, settings.VIGIE_CAMPAIGN_LEASE_SECONDS / 3)
        renewed = time.monotonic()
        for index, pk in enumerate(claim.ids):  # the fixed order of the checkpoint
            if time.monotonic() - renewed > renew_every:
                self.recorder.settle()
                if not self.still_running():  # paused: the rest of the chunk was never sent, give it back
                    retrying(self._release, claim, claim.ids[index:])
                    return
                retrying(self._renew, claim)
                renewed = time.monotonic()
            channel, payload, in_doubt, attempts, has_address = rows[pk]
            data = crypto.decrypt(payload, campaign_id=self.campaign.pk, ring=self.ring)
            self.pacer.wait()
            mid = None
            if channel == Channel.SMS:
                self.recorder.settle()
                outcome = self._send_sms(data)
            else:  # the previous record is settled before this message's DATA (see ``recording``)
                message = self.composer.prepared(pk, data)
                mid = message.message_id
                outcome = self.sender.send(message, before_data=self.recorder.settle)
            self.recorder.settle()
            if outcome.server:  # not this recipient's failure: it and the rest of the chunk wait for the resume
                self.halted = outcome
                retrying(self._release, claim, claim.ids[index:], response=outcome.response)
                return
            self._after(
                pk, claim.token, outcome, in_doubt=in_doubt, attempts=attempts, has_address=has_address, mid=mid
            )

    def _send_sms(self, data: dict[str, Any]) -> Outcome:
        if self.sms is None:
            self.sms = sms_sender()
        return self.sms.send(data["phone"], self.composer.sms(data))

    def _release(self, claim: Claim, ids: list[int], *, response: str = "") -> None:
        """Give back recipients of the chunk not sent (the first one with the server's answer, if any)."""
        with transaction.atomic():
            mine = Recipient.objects.filter(claimed_by=claim.token, state=State.SENDING)
            if response and ids:
                mine.filter(pk=ids[0]).update(smtp_response=response[:500])
            mine.filter(pk__in=ids).update(state=State.PENDING, claimed_by="", lease_until=None)

    def _renew(self, claim: Claim) -> None:
        with transaction.atomic():
            Recipient.objects.filter(pk__in=claim.ids, claimed_by=claim.token, state=State.SENDING).update(
                lease_until=timezone.now() + _lease()
            )

    def _after(
        self,
        pk: int,
        token: str,
        outcome: Outcome,
        *,
        in_doubt: bool,
        attempts: int,
        has_address: bool,
        mid: str | None = None,
    ) -> None:
        now = timezone.now()
        campaign_id = self.campaign.pk
        mid = mid or message_id(campaign_id, pk, self.composer.domain)
        if outcome.sent and not in_doubt:  # the plain case: one UPDATE, its own commit (see ``recording``)
            if isinstance(self.recorder, PipelinedRecorder):  # its errors surface when it settles
                self.recorder.sent(pk, token, now, outcome.response, mid)
            else:
                retrying(self.recorder.sent, pk, token, now, outcome.response, mid)
            self.stats.sent += 1
            return
        common = {"claimed_by": "", "lease_until": None, "attempts": F("attempts") + 1, "in_doubt": False}
        if outcome.sent:
            event = (EventKind.RESENT_AFTER_CRASH, f"{mid} {outcome.response}") if in_doubt else None
            retrying(_record, pk, token, campaign_id, event, state=State.SENT, sent_at=now,
                    smtp_response=outcome.response, message_id=mid, **common)  # fmt: skip
            self.stats.sent += 1
            self.stats.resent += int(in_doubt)
            return
        attempt = attempts + 1
        if outcome.temporary and attempt < self.max_attempts:
            retry_at = now + timedelta(seconds=self.retry_base * 2 ** (attempt - 1))
            retrying(_record, pk, token, campaign_id, (EventKind.RETRY, outcome.response), state=State.PENDING,
                    next_attempt_at=retry_at, smtp_response=outcome.response, message_id=mid, **common)  # fmt: skip
            self.stats.retried += 1
            return
        # Permanent failure (or too many temporary ones): final for this channel; a letter if we have an address.
        retrying(_record, pk, token, campaign_id, (EventKind.FAILED, outcome.response), state=State.FAILED,
                smtp_response=outcome.response, message_id=mid, **common)  # fmt: skip
        self.stats.failed += 1
        if has_address:
            retrying(fall_back_to_letter, [pk], campaign_id=campaign_id, reason=outcome.response)


def fall_back_to_letter(ids: list[int], *, campaign_id: int, reason: str) -> int:
    """Send a letter to persons whose e-mail failed or bounced (when they have an address)."""
    with transaction.atomic():
        moved = list(
            Recipient.objects.filter(pk__in=ids, has_address=True)
            .exclude(channel=Channel.LETTER)
            .values_list("pk", flat=True)
        )
        Recipient.objects.filter(pk__in=moved).update(
            channel=Channel.LETTER, state=State.PENDING, next_attempt_at=None, claimed_by="", lease_until=None
        )
        DeliveryEvent.objects.bulk_create(
            DeliveryEvent(campaign_id=campaign_id, recipient_id=pk, kind=EventKind.FALLBACK_LETTER, detail=reason[:500])
            for pk in moved
        )
    return len(moved)


def next_wake_up(campaign: Campaign) -> datetime | None:
    """When something may next become claimable: a retry falling due, or another sender's lease expiring."""
    base = Recipient.objects.filter(campaign=campaign, channel__in=SENT_CHANNELS)
    retry = base.filter(state=State.PENDING).aggregate(at=Min("next_attempt_at"))["at"]
    lease = base.filter(state=State.SENDING).aggregate(at=Min("lease_until"))["at"]
    moments = [moment for moment in (retry, lease) if moment is not None]
    if base.filter(state=State.PENDING, next_attempt_at__isnull=True).exists():
        moments.append(timezone.now())
    return min(moments) if moments else None


def dispatch(campaign_id: int, *, sender: Sender | None = None, max_seconds: float | None = None) -> Stats:
    """Run one sender on a campaign until there is nothing left to claim (the body of the dispatch task)."""
    campaign = Campaign.objects.select_related("breach__organisation").get(pk=campaign_id)
    if campaign.status != CampaignStatus.RUNNING:
        return Stats()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    return Dispatcher(campaign, sender=sender).run(deadline=deadline)
