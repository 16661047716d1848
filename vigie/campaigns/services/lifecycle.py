"""A campaign's life once imported: channel rules, start, pause (by a user or by the mail server's failure),
resume, the senders and letter renderers enqueued, and the end (the breach's ``inform_persons`` obligation
marked done)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
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
from vigie.risk.french import integer

from ..models import Campaign, CampaignStatus, Channel, DeliveryEvent, EventKind, Recipient, State
from ..sms import sms_available
from .guards import _require, _scrub
from .imports import _ensure_watching

logger = logging.getLogger(__name__)


CHANNEL_CONDITIONS = {
    Channel.EMAIL: Q(has_email=True),
    Channel.LETTER: Q(has_address=True),
    Channel.SMS: Q(has_mobile=True),
}


def usable_order(rules: dict[str, Any]) -> list[str]:
    """The rules' channel order, without SMS when no provider is configured."""
    order = [str(channel) for channel in rules.get("order", []) if channel in CHANNEL_CONDITIONS]
    return [channel for channel in order if channel != Channel.SMS or sms_available()]


def set_rules(campaign: Campaign, *, order: list[str], rate: float, by: User | None) -> Campaign:
    """Change the channel rules (first usable channel wins) and the sending rate, before start or while paused."""
    _require(by, campaign, Role.DPO)
    with transaction.atomic():
        # Under the lock, so that a start meanwhile is not sent with other rules than the ones it applied.
        if not Campaign.objects.select_for_update().get(pk=campaign.pk).can_edit_rules:
            raise ValidationError(_("The rules can only be changed before the start or while paused."))
        if not order:
            raise ValidationError(_("Choose at least one channel."))
        campaign.channel_rules = {"order": [str(channel) for channel in order]}
        campaign.rate_limit = max(0.0, float(rate))
        campaign.save(update_fields=["channel_rules", "rate_limit"])
        record("campaign.rules_set", actor=by, organisation=campaign.breach.organisation, obj=campaign,
               detail={"order": campaign.channel_rules["order"], "rate": campaign.rate_limit})  # fmt: skip
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
    from ..mail import delivers

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
            from ..messages import NoMailDomain, mail_domain

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
    from ..tasks import dispatch_campaign, render_campaign_letters

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


def after_dispatch(campaign_id: int) -> None:
    """A sender stopped: finish the campaign if everyone is done, or come back when a retry falls due."""
    from ..dispatch import next_wake_up
    from ..tasks import dispatch_campaign

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
    reference = f"Campagne n° {campaign.pk} : {integer(counts['sent'])} par message"
    if counts["letters_posted"]:
        reference += f", {integer(counts['letters_posted'])} par courrier déposé"
    by = by or campaign.started_by
    if by is None:
        return
    try:
        mark_obligation_done(
            campaign.breach, "inform_persons", by=by, done_at=timezone.now(), reference=reference[:200]
        )
    except (ValidationError, PermissionDenied) as error:
        logger.info("inform_persons not marked done for campaign %s: %s", campaign.pk, error)


def reopen_for_letters(campaign: Campaign) -> None:
    """Late bounces turned into letters: a finished campaign runs again until they are produced."""
    if Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DONE).update(status=CampaignStatus.RUNNING):
        enqueue_work(campaign)
    else:
        ensure_letters(campaign)


def ensure_letters(campaign: Campaign) -> bool:
    """Enqueue a letter renderer when letters wait and none is queued (harmless if one is running)."""
    from ..tasks import render_campaign_letters

    waiting = Recipient.objects.filter(campaign=campaign, channel=Channel.LETTER).pending().exists()
    running = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.RUNNING).exists()
    if not waiting or not running or _queued_tasks(campaign.pk):
        return False
    render_campaign_letters.enqueue(campaign.pk)
    return True
