"""The reminders of deadlines: scheduled at each decision, sent before a deadline, then daily once overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Membership, Organisation, Role

from .. import journal as j
from ..models import Breach, EventKind, ObligationRow, OverdueReminderSent, ReminderSent, obligation_title
from ..wording import moment, remaining_roughly
from .events import _event, _french, _titled

# Reminders go out this many hours before an open deadline (the most urgent one due supersedes the others).
REMINDER_HOURS = (24, 6)


# --- Reminders ------------------------------------------------------------------------------------------------


def schedule_reminders(breach: Breach, *, now: datetime | None = None) -> int:
    """Enqueue the reminder task at T-24 h and T-6 h of each open deadline; return how many were enqueued.

    The task looks at the breach afresh when it runs (``send_due_reminders``), so a reminder whose obligation
    was done, or whose deadline moved, in the meantime sends nothing. Call inside the write's transaction: the
    database backend enqueues in it, so a rolled-back change schedules nothing.
    """
    from ..tasks import ensure_overdue_clock, send_breach_reminders

    now = now or timezone.now()
    if breach.is_closed:
        return 0
    ensure_overdue_clock()  # once the deadline passes, the daily overdue reminders take over
    moments = sorted(
        {
            max(row.due - timedelta(hours=hours), now)
            for row in breach.obligation_rows()
            if row.is_open and row.due is not None and row.due > now
            for hours in REMINDER_HOURS
        }
    )
    if not moments:
        return 0
    if not send_breach_reminders.get_backend().supports_defer:
        # A backend that cannot wait (immediate, in tests and development) runs it now: what is due goes out.
        send_breach_reminders.enqueue(breach.pk)
        return 1
    for when in moments:
        task = send_breach_reminders if when <= now else send_breach_reminders.using(run_after=when)
        task.enqueue(breach.pk)
    return len(moments)


def alert_recipients(org: Organisation) -> list[str]:
    """Who is alerted by e-mail of what needs the organisation's attention (reminders, a campaign's pause)."""
    return _recipients(org)


def _recipients(org: Organisation) -> list[str]:
    """The organisation's DPO and owners, and its DPO contact address."""
    emails = set(
        Membership.objects.filter(organisation=org, role__in=[Role.DPO, Role.OWNER], user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if org.dpo_email:
        emails.add(org.dpo_email.lower())
    return sorted(emails)


def _due_reminders(breach: Breach, now: datetime) -> list[tuple[ObligationRow, int]]:
    """The (obligation, hours before) whose reminder is due now and not yet sent."""
    sent: dict[tuple[str, datetime | None], set[int]] = {}
    for obligation, due, hours in breach.reminders_sent.values_list("obligation", "due", "hours_before"):
        sent.setdefault((obligation, due), set()).add(hours)
    out = []
    for row in breach.obligation_rows():
        if not row.is_open or row.due is None or row.due <= now:
            continue
        reached = [hours for hours in REMINDER_HOURS if row.due - timedelta(hours=hours) <= now]
        if not reached:
            continue
        hours = min(reached)
        # A reminder as urgent as this one, or more, already went out for this very deadline.
        if any(done <= hours for done in sent.get((row.id, row.due), set())):
            continue
        out.append((row, hours))
    return out


def send_due_reminders(*, now: datetime | None = None, breach_id: int | None = None) -> int:
    """Send the reminder e-mails that are due (of one breach, or of all open ones); return how many were sent.

    Idempotent: each (breach, obligation, deadline, step) is sent at most once, guarded by ``ReminderSent``'s
    unique key, and only while the obligation is open and its deadline ahead — so it may run any number of
    times, from any number of workers.
    """
    now = now or timezone.now()
    breaches = Breach.objects.open().assessed().select_related("organisation")
    if breach_id is not None:
        breaches = breaches.filter(pk=breach_id)
    sent = 0
    for breach in breaches:
        due = _due_reminders(breach, now)
        recipients = _recipients(breach.organisation)
        if not due or not recipients:
            continue
        try:
            with transaction.atomic():
                for row, hours in due:
                    ReminderSent.objects.create(breach=breach, obligation=row.id, due=row.due, hours_before=hours)
                _send_reminder(breach, due, recipients, now)
        except IntegrityError:
            # Another worker sent it first.
            continue
        sent += 1
    return sent


def _send_reminder(breach: Breach, due: list[tuple[ObligationRow, int]], recipients: list[str], now: datetime) -> None:
    url = settings.SITE_URL + reverse("breaches:detail", args=[breach.organisation_id, breach.pk])
    with _french():
        items = [
            {"title": obligation_title(row.id), "due": moment(row.due), "remaining": remaining_roughly(row.due, now)}
            for row, _hours in due
            if row.due is not None
        ]
        context = {"breach": breach, "items": items, "url": url, "hours": min(hours for _row, hours in due)}
        subject = _("[Vigie] Breach %(reference)s: deadline in less than %(hours)d hours") % {
            "reference": breach.reference,
            "hours": context["hours"],
        }
        body = render_to_string("breaches/email/reminder.txt", context)
        send_mail(subject, body, None, recipients)
        what = j.joined((_titled(row.id, row.due) for row, _hours in due if row.due is not None), j.SEMICOLON)
        _event(
            breach,
            EventKind.REMINDER_SENT,
            j.say(gettext_noop("Reminder sent to %(who)s: %(what)s."), who=", ".join(recipients), what=what),
            by=None,
            data={"obligations": [row.id for row, _hours in due], "hours_before": context["hours"]},
        )


# An overdue obligation is reminded of once a day, until it is done or the breach closed. The clock that looks
# for them runs every hour (``tasks.overdue_clock``), so the first message goes within the hour of the deadline.
OVERDUE_CHECK = timedelta(hours=1)


def send_overdue_reminders(*, now: datetime | None = None, breach_id: int | None = None) -> int:
    """E-mail the DPO and the owners about each open breach with an overdue obligation; return how many were sent.

    Idempotent per day: one message per breach and local day (``OverdueReminderSent``'s unique key), listing
    every obligation overdue at that moment. Runs any number of times, from any number of workers.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    breaches = Breach.objects.open().assessed().select_related("organisation").exclude(overdue_reminders__day=today)
    if breach_id is not None:
        breaches = breaches.filter(pk=breach_id)
    sent = 0
    for breach in breaches:
        rows = [row for row in breach.obligation_rows() if row.overdue(now)]
        recipients = _recipients(breach.organisation)
        if not rows or not recipients:
            continue
        try:
            with transaction.atomic():
                OverdueReminderSent.objects.create(breach=breach, day=today, obligations=[row.id for row in rows])
                _send_overdue(breach, rows, recipients, now)
        except IntegrityError:
            continue  # another worker sent today's
        sent += 1
    return sent


def _send_overdue(breach: Breach, rows: list[ObligationRow], recipients: list[str], now: datetime) -> None:
    url = settings.SITE_URL + reverse("breaches:detail", args=[breach.organisation_id, breach.pk])
    with _french():
        items = [
            {"title": obligation_title(row.id), "due": moment(row.due), "late": remaining_roughly(now, row.due)}
            for row in rows
            if row.due is not None
        ]
        subject = _("[Vigie] Breach %(reference)s: overdue, still not done") % {"reference": breach.reference}
        body = render_to_string("breaches/email/overdue.txt", {"breach": breach, "items": items, "url": url})
        send_mail(subject, body, None, recipients)
        what = j.joined((_titled(row.id, row.due) for row in rows if row.due is not None), j.SEMICOLON)
        _event(
            breach,
            EventKind.REMINDER_SENT,
            j.say(gettext_noop("Overdue reminder sent to %(who)s: %(what)s."), who=", ".join(recipients), what=what),
            by=None,
            data={"obligations": [row.id for row in rows], "overdue": True},
        )
