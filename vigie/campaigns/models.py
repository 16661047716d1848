"""Campaigns informing the persons affected by a breach (GDPR art. 34): one row per person, each tracked.

- :class:`Campaign`: one imported list of a breach, its channel rules, its state and its counts.
- :class:`Recipient`: one person. Their personal data is only in ``payload``, encrypted (``crypto.py``); the
  other columns are the per-person proof: channel, time queued, time sent, SMTP response or letter batch,
  bounce. After the purge the payload is emptied and the proof stays.
- :class:`DeliveryEvent`: the append-only history of what happened beyond the plain case (retry, permanent
  failure, bounce, fall-back to a letter, resend after a crash, purge). Together with the recipient columns it
  is the proof ledger exported for the CNIL. A plain successful send writes no event: its proof is the row
  itself, which keeps a 500,000-message campaign at one small write per message.
- :class:`LetterBatch`: one PDF of (by default) 1,000 letters and its manifest for the mail house.
- :class:`LetterDeposit`: the letters handed to the mail house (or La Poste) on a date, with its deposit receipt.
  A letter produced is not a letter sent: only a deposited one counts as informing its person.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.accounts.scoping import OrgQuerySet
from vigie.breaches.models import Breach


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting the column mapping")
    IMPORTING = "importing", _("Importing")
    READY = "ready", _("Ready to start")
    RUNNING = "running", _("Sending")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Finished")
    PURGED = "purged", _("Finished, personal data purged")
    FAILED = "failed", _("Import failed")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Postal letter")
    SMS = "sms", _("SMS")
    NONE = "none", _("No usable channel")


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    LETTER = "letter", _("Letter produced")
    UNREACHABLE = "unreachable", _("Unreachable")
    DUPLICATE = "duplicate", _("Already informed by another campaign")


#: Default rules: the first channel usable for a person wins. SMS is only used when a provider is configured.
DEFAULT_CHANNEL_RULES: dict[str, Any] = {"order": ["email", "letter"]}


class CampaignQuerySet(OrgQuerySet["Campaign"]):
    org_path = "breach__organisation"

    def running(self) -> CampaignQuerySet:
        return self.filter(status=CampaignStatus.RUNNING)


def _default_rules() -> dict[str, Any]:
    return dict(DEFAULT_CHANNEL_RULES)


class Campaign(models.Model):
    """The information of the persons of one imported list, for one breach."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="campaigns")
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    source_size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    channel_rules = models.JSONField(_("channel rules"), default=_default_rules, blank=True)
    rate_limit = models.FloatField(_("e-mails per second"), default=0, help_text=_("0: the installation's default."))
    # The validation report, without any value from the file: line, column, reason (errors hold no personal data).
    import_report = models.JSONField(default=dict, blank=True)
    import_done = models.PositiveIntegerField(default=0)  # rows read so far, for the progress bar
    import_total = models.PositiveIntegerField(default=0)  # estimate (file size based) while importing
    # The import's last sign of life (start, then each chunk read): one silent for long died with its worker and
    # is queued again by ``services.recover_imports``.
    import_heartbeat = models.DateTimeField(null=True, blank=True)
    persons_count = models.PositiveIntegerField(_("persons"), default=0)
    # Started on an e-mail backend that delivers nothing (console, locmem, file): no message left the machine,
    # the counts say "rehearsed" rather than "sent", the ledger says so on every line, no obligation is met.
    rehearsal = models.BooleanField(_("rehearsal"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    purge_after = models.DateTimeField(_("purge after"), null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # Why the campaign paused itself (the mail server failed: its answer), shown on its page until it is resumed.
    pause_reason = models.CharField(_("reason of the pause"), max_length=500, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Campagne n° {self.pk}"

    @property
    def organisation(self) -> Any:
        return self.breach.organisation

    @property
    def import_failure(self) -> str:
        """Why the import failed, in the reader's language when Vigie wrote the reason, else as recorded."""
        report = self.import_report or {}
        reason = report.get("fatal_reason")
        if isinstance(reason, dict) and isinstance(reason.get("message"), str):
            values = reason.get("values") or {}
            text = gettext(reason["message"])
            try:
                return text % values if values else text
            except (KeyError, TypeError, ValueError):
                pass
        return str(report.get("fatal", ""))

    @property
    def is_active(self) -> bool:
        return self.status in (CampaignStatus.IMPORTING, CampaignStatus.RUNNING)

    @property
    def can_start(self) -> bool:
        return self.status == CampaignStatus.READY and self.persons_count > 0

    @property
    def can_edit_rules(self) -> bool:
        return self.status in (CampaignStatus.READY, CampaignStatus.PAUSED)

    def counts(self) -> dict[str, int]:
        """Recipients per state, with the aggregates shown everywhere (page, ``status --json``, ledger).

        ``sent`` is what a mail server (or SMS provider) accepted: in a rehearsal, nothing; the messages a
        rehearsal went through are ``rehearsed``.
        """
        counts = Recipient.objects.filter(campaign=self).counts()
        counts["rehearsed"] = 0
        if self.rehearsal:
            counts["rehearsed"], counts["sent"] = counts["sent"], 0
        return counts


class RecipientQuerySet(OrgQuerySet["Recipient"]):
    org_path = "campaign__breach__organisation"

    def pending(self) -> RecipientQuerySet:
        return self.filter(state__in=(State.PENDING, State.SENDING))

    def counts(self) -> dict[str, int]:
        rows = {row["state"]: row["n"] for row in self.order_by().values("state").annotate(n=Count("pk"))}
        bounced = self.filter(bounce_at__isnull=False).count()
        counts = {state.value: rows.get(state.value, 0) for state in State}
        posted = self.filter(state=State.LETTER, letter_batch__deposit__isnull=False).count() if counts["letter"] else 0
        return {
            "total": sum(rows.values()),
            "pending": counts["pending"] + counts["sending"],
            "sent": counts["sent"],
            "failed": counts["failed"],
            "bounced": bounced,
            "letters": counts["letter"],
            "letters_posted": posted,
            "unreachable": counts["unreachable"],
            "duplicates": counts["duplicate"],
            "letters_pending": self.filter(channel=Channel.LETTER, state__in=(State.PENDING, State.SENDING)).count(),
        }


class Recipient(models.Model):
    """One affected person of a campaign: encrypted personal data, and the proof of how they were informed."""

    # Not indexed alone: every index below starts with it (each index costs every sent message an entry).
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients", db_index=False)
    line = models.PositiveIntegerField(_("line in the file"))
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.NONE)
    # AES-GCM(version ‖ key id ‖ nonce ‖ JSON of the person); empty once purged.
    payload = models.BinaryField(default=b"")
    # Keyed HMAC of the person's identity key: de-duplication across imports, finding a person in the ledger.
    identity_hash = models.CharField(max_length=32)  # indexed below (no pattern-matching twin on PostgreSQL)
    # Which data key the hash is under (``crypto.DataKey.hex_id``): a rotation re-keys it, purged rows included.
    identity_key_id = models.CharField(max_length=8, blank=True)
    # Which channels the person can be reached by (not the values): the channel rules run on these alone.
    has_email = models.BooleanField(default=False)
    has_address = models.BooleanField(default=False)
    has_mobile = models.BooleanField(default=False)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_response = models.CharField(max_length=500, blank=True)
    letter_batch = models.ForeignKey(
        "LetterBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="recipients"
    )
    letter_page = models.PositiveIntegerField(null=True, blank=True)
    bounce_at = models.DateTimeField(null=True, blank=True)
    bounce_reason = models.CharField(max_length=500, blank=True)
    # The claim of a sender: who (a random token per claimed chunk), until when; see ``dispatch.py``.
    claimed_by = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set on the one recipient of a crashed sender's chunk whose message may have left before it was recorded.
    in_doubt = models.BooleanField(default=False)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["campaign", "state"], name="recipient_campaign_state"),
            models.Index(fields=["campaign", "channel", "state", "id"], name="recipient_claim"),
            models.Index(fields=["campaign", "line"], name="recipient_campaign_line"),
            models.Index(fields=["identity_hash"], name="recipient_identity"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pk} ({self.state})"


class EventKind(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Temporary failure, will retry")
    FAILED = "failed", _("Permanent failure")
    BOUNCED = "bounced", _("Bounced")
    FALLBACK_LETTER = "fallback_letter", _("Switched to a postal letter")
    LETTER_BATCHED = "letter_batched", _("Letter produced")
    RESENT_AFTER_CRASH = "resent_after_crash", _("Sent again after a crash (same Message-ID)")
    LEASE_LOST = "lease_lost", _("Claim lost to another sender")
    PURGED = "purged", _("Personal data purged")
    PAUSED = "paused", _("Campaign paused: the mail server failed")
    LETTERS_DEPOSITED = "letters_deposited", _("Letters deposited with the mail house")


class DeliveryEventQuerySet(OrgQuerySet["DeliveryEvent"]):
    org_path = "campaign__breach__organisation"


class DeliveryEvent(models.Model):
    """One entry of the proof ledger. Append-only; ``detail`` never holds the person's data (codes, ids)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, null=True, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=500, blank=True)

    objects = DeliveryEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["campaign", "kind"], name="event_campaign_kind")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.kind}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError("Ledger entries are append-only.")
        super().save(*args, **kwargs)


class LetterBatchQuerySet(OrgQuerySet["LetterBatch"]):
    org_path = "campaign__breach__organisation"


class LetterBatch(models.Model):
    """One PDF of letters (and its manifest CSV) for the mail house; files encrypted under MEDIA_ROOT."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letter_batches")
    number = models.PositiveIntegerField()
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    pdf_path = models.CharField(max_length=300, blank=True)
    manifest_path = models.CharField(max_length=300, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # Set when the batch is recorded as handed to the mail house: only then are its letters "sent".
    deposit = models.ForeignKey(
        "LetterDeposit", on_delete=models.SET_NULL, null=True, blank=True, related_name="batches"
    )

    objects = LetterBatchQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="one_batch_number_per_campaign")]

    def __str__(self) -> str:
        return f"Lot n° {self.number}"

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None


class LetterDepositQuerySet(OrgQuerySet["LetterDeposit"]):
    org_path = "campaign__breach__organisation"


class LetterDeposit(models.Model):
    """Letters of a campaign handed to the mail house on a date, proved by its deposit receipt (PDF or image).

    The receipt is kept in the database (a few megabytes at most, checked on upload): it holds no person's
    data (a count of letters, a date, the sender) and outlives the purge of the persons, as proof.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deposits")
    deposited_on = models.DateField(_("deposited on"))
    letters = models.PositiveIntegerField(default=0)
    receipt = models.BinaryField(_("deposit receipt"))
    receipt_name = models.CharField(max_length=200)
    receipt_type = models.CharField(max_length=40)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = LetterDepositQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter deposit")
        verbose_name_plural = _("letter deposits")
        ordering = ["campaign", "deposited_on", "pk"]

    def __str__(self) -> str:
        return f"Dépôt du {self.deposited_on:%d/%m/%Y}"


def informed_by_channel(breach: Breach) -> dict[str, int]:
    """How many persons of the breach's campaigns each channel informed: an e-mail or SMS a server accepted, a
    letter deposited with the mail house (a letter produced is not sent); a rehearsal informs nobody."""
    informed = models.Q(state=State.SENT) | models.Q(state=State.LETTER, letter_batch__deposit__isnull=False)
    reached = (
        Recipient.objects.filter(informed, campaign__breach=breach, campaign__rehearsal=False)
        .exclude(channel=Channel.NONE)
        .order_by()
        .values("channel")
        .annotate(n=Count("pk"))
    )
    return {row["channel"]: row["n"] for row in reached}
