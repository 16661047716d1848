"""Obligations cannot be silently dropped: closing with one still required needs a justification, an overdue one
is shown as overdue on every page and reminded of by e-mail once a day until done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from vigie.accounts.models import Role
from vigie.breaches import services
from vigie.breaches.models import EventKind, OverdueReminderSent
from vigie.breaches.tasks import ensure_overdue_clock, overdue_clock
from vigie.breaches.tests.helpers import declare_ransomware
from vigie.campaigns.tests.conftest import smtp  # noqa: F401 (the real SMTP server fixture)

WHY = "La CNIL a été notifiée par courrier recommandé, hors de Vigie, accusé joint."


def test_closing_with_the_cnil_notification_still_due_is_refused_without_a_justification(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    with pytest.raises(ValidationError) as refused:
        services.close_breach(breach, by=owner, note="Fini.")
    assert "justification" in refused.value.message_dict
    assert "Notifier la violation à la CNIL" in refused.value.message_dict["justification"][0]
    breach.refresh_from_db()
    assert not breach.is_closed and not breach.events.filter(kind=EventKind.CLOSED).exists()

    services.close_breach(breach, by=owner, note="Fini.", justification=WHY)
    breach.refresh_from_db()
    assert breach.is_closed
    event = breach.events.get(kind=EventKind.CLOSED)
    assert WHY in event.summary and "Notifier la violation à la CNIL" in event.summary
    assert event.data == {"open_obligations": ["notify_cnil", "inform_persons"], "justification": WHY}


def test_closing_once_everything_required_is_done_needs_no_justification(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    now = timezone.now()
    for row in services.open_required(breach):
        services.mark_obligation_done(breach, row.id, by=owner, done_at=now)
    assert services.open_required(breach) == []
    services.close_breach(breach, by=owner)
    breach.refresh_from_db()
    assert breach.is_closed and breach.events.get(kind=EventKind.CLOSED).data == {}


def test_an_overdue_notification_is_shown_overdue_on_the_breach_the_dashboard_and_the_register(
    owner_client, org, owner
) -> None:
    breach = declare_ransomware(org, owner, hours_ago=80)
    detail = owner_client.get(reverse("breaches:detail", args=[org.pk, breach.pk])).content.decode()
    assert 'class="lead headline overdue"' in detail
    assert "En retard :" in detail and "notifier la CNIL immédiatement" in detail
    assert 'class="badge overdue"' in detail
    dashboard = owner_client.get(reverse("core:dashboard", args=[org.pk])).content.decode()
    assert 'class="badge overdue"' in dashboard
    register = owner_client.get(reverse("breaches:register", args=[org.pk])).content.decode()
    assert 'class="badge overdue"' in register

    on_time = declare_ransomware(org, owner, hours_ago=2)
    detail = owner_client.get(reverse("breaches:detail", args=[org.pk, on_time.pk])).content.decode()
    assert "headline overdue" not in detail and 'class="badge overdue"' not in detail


def test_an_overdue_obligation_is_reminded_of_once_a_day_until_done(org, owner, make_member, smtp, settings) -> None:  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    dpo = make_member(org, Role.DPO)
    # Aware at 06:00 five days ago: the deadline falls at 06:00, and the checks below stay within the day.
    aware = (timezone.localtime() - timedelta(days=5)).replace(hour=6, minute=0, second=0, microsecond=0)
    breach = declare_ransomware(org, owner, aware=aware)
    due = breach.cnil_deadline
    assert services.send_overdue_reminders(now=due - timedelta(minutes=5)) == 0  # not overdue yet

    first = due + timedelta(hours=1)
    assert services.send_overdue_reminders(now=first) == 1
    assert services.send_overdue_reminders(now=first + timedelta(hours=2)) == 0  # the same day: once
    (message,) = smtp.messages
    assert breach.reference in message["Subject"] and "retard" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "Notifier la violation à la CNIL" in body
    assert sorted(smtp.recipients()[0].split(", ")) == sorted({owner.email, dpo.email, "dpo@example.fr"})

    assert services.send_overdue_reminders(now=first + timedelta(days=1)) == 1  # the next day, again
    assert len(smtp.messages) == 2 and OverdueReminderSent.objects.filter(breach=breach).count() == 2
    reminders = breach.events.filter(kind=EventKind.REMINDER_SENT, data__overdue=True)
    assert reminders.count() == 2

    services.mark_obligation_done(breach, "notify_cnil", by=dpo, done_at=timezone.now(), delay_reasons="Retard.")
    assert services.send_overdue_reminders(now=first + timedelta(days=2)) == 0
    assert len(smtp.messages) == 2


def test_a_closed_breach_gets_no_overdue_reminder(org, owner, mailoutbox) -> None:
    breach = declare_ransomware(org, owner, hours_ago=80)
    services.close_breach(breach, by=owner, justification=WHY)
    assert services.send_overdue_reminders() == 0 and mailoutbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_overdue_clock_runs_every_hour_in_one_chain(org, owner, mailoutbox) -> None:
    declare_ransomware(org, owner, hours_ago=80)
    DBTaskResult.objects.all().delete()
    assert ensure_overdue_clock() is True
    assert ensure_overdue_clock() is False  # one chain, not one per worker
    DBTaskResult.objects.all().delete()
    assert overdue_clock.call() == 1 and len(mailoutbox) == 1
    (following,) = DBTaskResult.objects.filter(task_path__endswith="overdue_clock")
    assert following.run_after is not None and following.run_after > timezone.now() + timedelta(minutes=50)
