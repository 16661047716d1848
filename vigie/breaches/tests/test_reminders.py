"""E-mail reminders at T-24 h and T-6 h of an open deadline, to the DPO and the owners, each sent once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from vigie.accounts.models import Role
from vigie.breaches import services
from vigie.breaches.models import EventKind, ReminderSent
from vigie.breaches.tasks import send_breach_reminders
from vigie.breaches.tests.helpers import declare_ransomware

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_reminders_go_once_at_t_minus_24_and_6_hours_to_the_dpo_and_owners(org, owner, make_member) -> None:
    dpo = make_member(org, Role.DPO)
    make_member(org, Role.MEMBER, email="secretaire@example.fr")
    breach = declare_ransomware(org, owner, hours_ago=10)
    due = breach.cnil_deadline
    assert due is not None and mail.outbox == []

    assert services.send_due_reminders(now=due - timedelta(hours=25)) == 0
    assert services.send_due_reminders(now=due - timedelta(hours=23)) == 1
    assert services.send_due_reminders(now=due - timedelta(hours=22)) == 0
    assert services.send_due_reminders(now=due - timedelta(hours=5)) == 1
    assert services.send_due_reminders(now=due - timedelta(hours=4)) == 0
    assert services.send_due_reminders(now=due + timedelta(hours=1)) == 0

    assert len(mail.outbox) == 2
    first, second = mail.outbox
    assert sorted(first.to) == sorted({owner.email, dpo.email, "dpo@example.fr"})
    assert "secretaire@example.fr" not in first.to
    assert breach.reference in first.subject and "24 heures" in first.subject
    assert "6 heures" in second.subject
    url = settings.SITE_URL + reverse("breaches:detail", args=[org.pk, breach.pk])
    assert url in first.body
    assert "Notifier la violation à la CNIL" in first.body and "avant le" in first.body
    assert sorted(ReminderSent.objects.values_list("hours_before", flat=True)) == [6, 24]
    assert breach.events.filter(kind=EventKind.REMINDER_SENT).count() == 2


def test_no_reminder_once_the_obligation_is_done_or_the_breach_closed(org, owner) -> None:
    done = declare_ransomware(org, owner, hours_ago=10)
    closed = declare_ransomware(org, owner, hours_ago=10)
    services.mark_obligation_done(done, "notify_cnil", by=owner, done_at=timezone.now())
    services.close_breach(
        closed, by=owner, justification="Fausse alerte confirmée par le prestataire, aucune donnée touchée."
    )

    assert services.send_due_reminders(now=done.cnil_deadline - timedelta(hours=5)) == 0
    assert mail.outbox == []


def test_the_most_urgent_reminder_supersedes_a_missed_earlier_one(org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=10)

    assert services.send_due_reminders(now=breach.cnil_deadline - timedelta(hours=3)) == 1
    assert services.send_due_reminders(now=breach.cnil_deadline - timedelta(hours=2)) == 0
    assert list(ReminderSent.objects.values_list("hours_before", flat=True)) == [6]


def test_a_moved_deadline_is_reminded_again(org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=10)
    services.send_due_reminders(now=breach.cnil_deadline - timedelta(hours=5))
    services.update_facts(breach, by=owner, changes={"became_aware_at": breach.became_aware_at + timedelta(hours=2)})

    assert services.send_due_reminders(now=breach.cnil_deadline - timedelta(hours=5)) == 1
    assert len(mail.outbox) == 2


def test_assessing_enqueues_the_reminders_at_their_moments(org, owner) -> None:
    with override_settings(TASKS=DUMMY_TASKS):
        breach = declare_ransomware(org, owner, hours_ago=10)
        results = task_backends["default"].results

    due = breach.cnil_deadline
    assert {result.task.run_after for result in results} == {due - timedelta(hours=24), due - timedelta(hours=6)}
    assert all(result.task.name == "send_breach_reminders" and result.args == [breach.pk] for result in results)


def test_a_deadline_already_close_is_reminded_at_once(org, owner) -> None:
    """With the immediate backend of the tests, the task runs at assessment: 5 hours left, the T-6 h reminder goes."""
    breach = declare_ransomware(org, owner, hours_ago=67)

    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get(breach=breach).hours_before == 6


def test_the_task_is_idempotent(org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=67)

    assert send_breach_reminders.call(breach.pk) == 0
    assert send_breach_reminders.call(breach.pk) == 0
    assert len(mail.outbox) == 1
