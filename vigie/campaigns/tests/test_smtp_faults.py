"""A failing mail server pauses the campaign; only a recipient refused at RCPT TO (or DATA) fails (issue 20.3).

A real SMTP server (aiosmtpd) scripted to answer each command as a failing relay does: 530 or 554 at MAIL FROM
(authentication required, relay refused), 421 (service closing), a refused login, a server that accepts the
connection and never answers, and no server at all. And the database held locked by another connection.
"""

from __future__ import annotations

import asyncio
import smtplib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from vigie.breaches.models import EventKind as BreachEventKind
from vigie.breaches.models import TimelineEvent
from vigie.campaigns import dispatch, services
from vigie.campaigns.mail import Sender, classify
from vigie.campaigns.models import Campaign, CampaignStatus, Channel, DeliveryEvent, EventKind, Recipient, State
from vigie.campaigns.tests.conftest import _free_port

pytestmark = pytest.mark.django_db


@dataclass
class Script:
    """How the server answers: MAIL FROM (a list consumed in order, then 250), RCPT TO per address, a hang."""

    mail: list[str] = field(default_factory=list)
    rcpt: dict[str, str] = field(default_factory=dict)
    data: list[str] = field(default_factory=list)
    drops: int = 0  # connections closed without an answer at MAIL FROM, one per message tried
    transactions: int = 0  # MAIL FROM commands received
    hang: bool = False
    released: asyncio.Event | None = None
    delivered: list[str] = field(default_factory=list)


class ScriptedHandler:
    def __init__(self, script: Script) -> None:
        self.script = script

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        self.script.transactions += 1
        if self.script.hang:
            self.script.released = self.script.released or asyncio.Event()
            await self.script.released.wait()  # until the test ends: the client's time-out fires first
        if self.script.drops:
            self.script.drops -= 1
            server.transport.close()
            return "421 closing"  # never reaches the client
        if self.script.mail:
            return self.script.mail.pop(0)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        answer = self.script.rcpt.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.script.data:
            return self.script.data.pop(0)
        self.script.delivered.extend(envelope.rcpt_tos)
        return "250 2.0.0 Ok: queued as TEST"


@pytest.fixture
def relay(settings: Any) -> Iterator[tuple[Script, Controller]]:
    script = Script()
    port = _free_port()
    controller = Controller(
        ScriptedHandler(script), hostname="127.0.0.1", port=port, auth_require_tls=False,
        authenticator=lambda *args: AuthResult(success=False, handled=False),
    )  # fmt: skip
    controller.start()
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.VIGIE_CAMPAIGN_SMTP_TIMEOUT = 5
    settings.VIGIE_CAMPAIGN_RATE = 0
    settings.VIGIE_CAMPAIGN_RETRY_SECONDS = 0
    settings.VIGIE_CAMPAIGN_SENDERS = 1
    yield script, controller
    if script.released is not None:
        controller.loop.call_soon_threadsafe(script.released.set)
    controller.stop()


def _assert_paused_and_nobody_failed(campaign: Campaign, owner: Any, *, answer: str) -> None:
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert answer in campaign.pause_reason
    rows = Recipient.objects.filter(campaign=campaign)
    assert set(rows.values_list("state", "channel", "attempts")) == {(State.PENDING, Channel.EMAIL, 0)}
    assert not DeliveryEvent.objects.filter(campaign=campaign, kind__in=(EventKind.FAILED, EventKind.FALLBACK_LETTER))
    assert DeliveryEvent.objects.filter(campaign=campaign, kind=EventKind.PAUSED, detail__contains=answer).exists()
    journal = TimelineEvent.objects.filter(breach=campaign.breach, kind=BreachEventKind.CAMPAIGN_PAUSED).get()
    assert answer in journal.summary
    alert = mail.outbox[-1]
    assert owner.email in alert.to and f"campagne n° {campaign.pk}" in alert.subject
    assert f"/campagnes/{campaign.pk}/" in alert.body


@pytest.mark.parametrize(
    "answer",
    [
        "530 5.7.0 Authentication required",
        "554 5.7.1 Relay access denied",
        "421 4.3.2 Service shutting down",
    ],
)
def test_a_relay_refusing_the_sender_pauses_the_campaign_and_fails_nobody(relay, imported, owner, answer) -> None:
    script, _controller = relay
    script.mail = [answer] * 10
    campaign = imported(5)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer=answer.split()[0])
    assert script.delivered == [] and script.transactions == 1


def test_a_message_refused_at_data_for_its_content_pauses_the_campaign(relay, imported, owner) -> None:
    script, _controller = relay
    script.data = ["554 5.7.1 Message rejected as spam"] * 10
    campaign = imported(4)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="554 5.7.1")


@pytest.mark.parametrize(
    ("answer", "recipient"),
    [
        ("550 5.1.1 Unknown user", True),
        ("552 5.2.2 Mailbox full", True),
        ("550 Requested action not taken: mailbox unavailable", True),
        ("554 5.7.1 Message rejected as spam", False),
        ("552 5.3.4 Message too big for system", False),
        ("554 Transaction failed", False),
        ("421 4.7.0 Try again later, closing connection", False),
        ("451 4.7.1 Greylisted", True),
    ],
)
def test_an_answer_to_data_concerns_the_recipient_or_the_server(answer: str, recipient: bool) -> None:
    outcome = classify(smtplib.SMTPDataError(int(answer[:3]), answer[4:].encode()))
    assert outcome.server is not recipient and not outcome.sent


@pytest.mark.parametrize(
    ("answer", "recipient"),
    [
        ("550 5.1.1 <a@b.fr>: Recipient address rejected: User unknown in relay recipient table", True),
        ("550 5.7.1 <a@b.fr>: Recipient address rejected: Access denied", True),
        ("450 4.2.0 <a@b.fr>: Mailbox busy", True),
        ("554 5.7.1 <a@b.fr>: Relay access denied", False),
        ("550 relay not permitted", False),
        ("530 5.7.0 Authentication required", False),
        ("421 4.4.2 Timeout, closing connection", False),
    ],
)
def test_an_answer_to_rcpt_concerns_the_recipient_or_the_server(answer: str, recipient: bool) -> None:
    refused = smtplib.SMTPRecipientsRefused({"a@b.fr": (int(answer[:3]), answer[4:].encode())})
    outcome = classify(refused)
    assert outcome.server is not recipient and not outcome.sent


def test_a_relay_refusing_to_relay_at_rcpt_pauses_the_campaign(relay, imported, owner) -> None:
    script, _controller = relay
    script.rcpt = {f"patient{n}@exemple-patient.fr": "554 5.7.1 Relay access denied" for n in range(1, 4)}
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="Relay access denied")


def test_a_refused_login_pauses_the_campaign(relay, imported, owner, settings) -> None:
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "vigie", "wrong password"
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="535")


def test_no_server_listening_pauses_the_campaign(relay, imported, owner, settings) -> None:
    settings.EMAIL_PORT = _free_port()  # nothing listens there: connection refused
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="Connection refused")


def test_a_hanging_server_costs_one_time_out_then_pauses_the_campaign(relay, imported, owner, settings) -> None:
    script, _controller = relay
    script.hang = True
    settings.VIGIE_CAMPAIGN_SMTP_TIMEOUT = 0.5
    campaign = imported(20)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="délai dépassé")
    assert script.transactions == 1  # one wait, not one per recipient


def test_only_a_recipient_refused_at_rcpt_fails_and_the_others_are_sent(relay, imported, owner) -> None:
    script, _controller = relay
    script.rcpt = {"patient2@exemple-patient.fr": "550 5.1.1 User unknown"}
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and not campaign.pause_reason
    refused = Recipient.objects.get(campaign=campaign, line=3)
    assert refused.smtp_response.startswith("550") and refused.channel == Channel.LETTER
    assert sorted(script.delivered) == ["patient1@exemple-patient.fr", "patient3@exemple-patient.fr"]


def test_a_paused_campaign_resumes_once_the_server_works_again(relay, imported, owner) -> None:
    script, _controller = relay
    script.mail = ["554 5.7.1 Relay access denied"]
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    services.resume_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and campaign.pause_reason == ""
    assert campaign.counts()["sent"] == 3 and len(script.delivered) == 3


@pytest.mark.django_db(transaction=True)
def test_a_database_held_locked_by_another_connection_is_waited_for(relay, imported, owner, monkeypatch) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's lock")
    script, _controller = relay
    campaign = imported(3)
    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
    real_send = Sender.send

    def send_then_lock(self: Sender, *args: Any, **kwargs: Any) -> Any:
        outcome = real_send(self, *args, **kwargs)
        if len(script.delivered) == 1:  # the first message is out, its record not yet written: lock the database
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE campaigns_recipient SET attempts = attempts WHERE id = -1")
        return outcome

    waits: list[float] = []

    def wait_then_release(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:  # the lock is held through two tries, then let go
            other.execute("COMMIT")

    monkeypatch.setattr(Sender, "send", send_then_lock)
    monkeypatch.setattr(dispatch, "backoff_sleep", wait_then_release, raising=False)
    try:
        services.start_campaign(campaign, by=owner)
    finally:
        other.close()
    campaign.refresh_from_db()
    assert waits == [0.5, 1.0]
    assert campaign.status == CampaignStatus.DONE
    assert campaign.counts()["sent"] == 3 and len(script.delivered) == 3
    assert not DeliveryEvent.objects.filter(campaign=campaign, kind=EventKind.RESENT_AFTER_CRASH).exists()


def test_the_page_of_a_campaign_paused_by_the_server_says_why_and_offers_to_resume(
    relay, imported, owner, owner_client, org
) -> None:
    script, _controller = relay
    script.mail = ["554 5.7.1 Relay access denied"]
    campaign = imported(2)
    services.start_campaign(campaign, by=owner)
    body = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert "554 5.7.1 Relay access denied" in body and 'role="alert"' in body
    assert "Personne n’a été marqué en échec" in body
    assert reverse("campaigns:resume", args=[org.pk, campaign.pk]) in body
    owner_client.post(reverse("campaigns:resume", args=[org.pk, campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and len(script.delivered) == 2
    body = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert "Relay access denied" not in body


def test_a_connection_dropped_once_is_tried_again_and_nobody_is_failed(relay, imported, owner) -> None:
    script, _controller = relay
    script.drops = 1
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and campaign.counts()["sent"] == 3
    assert set(Recipient.objects.filter(campaign=campaign).values_list("attempts", flat=True)) == {1}


def test_a_server_that_drops_every_connection_pauses_the_campaign(relay, imported, owner) -> None:
    script, _controller = relay
    script.drops = 100
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    _assert_paused_and_nobody_failed(campaign, owner, answer="connexion perdue")


def test_the_command_line_says_why_a_campaign_paused_and_resumes_it(relay, imported, owner) -> None:
    script, _controller = relay
    script.mail = ["530 5.7.0 Authentication required"]
    campaign = imported(2)
    services.start_campaign(campaign, by=owner)
    out = StringIO()
    call_command("campaign", "status", str(campaign.pk), stdout=out)
    assert "530 5.7.0 Authentication required" in out.getvalue()
    assert f"vigie campaign resume {campaign.pk}" in out.getvalue()
    call_command("campaign", "resume", str(campaign.pk), stdout=StringIO())
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE and len(script.delivered) == 2
