"""No false proof: a message is recorded as sent only when a mail server accepted it (issue 12, point 3).

Without a mail server (console, locmem, file, dummy backends) a campaign starts only as an explicit rehearsal,
whose counts, ledger and PDF say so on every line. With ``EMAIL_HOST`` set, the settings pick SMTP by
themselves, and ``sent`` equals what a real SMTP server (aiosmtpd) received.
"""

from __future__ import annotations

import io
import json
import runpy
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from vigie.breaches.models import ObligationState
from vigie.campaigns import exports, services
from vigie.campaigns.dispatch import dispatch
from vigie.campaigns.models import Campaign, CampaignStatus, DeliveryEvent, EventKind, State

pytestmark = pytest.mark.django_db

SETTINGS = Path(__file__).resolve().parents[2] / "settings.py"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _status(campaign: Campaign) -> dict[str, Any]:
    out = StringIO()
    call_command("campaign", "status", str(campaign.pk), "--json", stdout=out)
    return dict(json.loads(out.getvalue()))


def _settings_from(monkeypatch: pytest.MonkeyPatch, **environ: str) -> dict[str, Any]:
    """The settings module evaluated afresh with this environment (no EMAIL_BACKEND unless given)."""
    for name in ("EMAIL_BACKEND", "VIGIE_CAMPAIGN_EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


@pytest.fixture
def no_mail_server(settings: Any) -> None:
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = LOCMEM
    settings.VIGIE_CAMPAIGN_RATE = 0
    settings.VIGIE_CAMPAIGN_SENDERS = 1


@pytest.mark.parametrize("explicit", [False, True], ids=["EMAIL_HOST alone", "EMAIL_BACKEND=smtp"])
def test_sent_equals_what_the_smtp_server_received(smtp, monkeypatch, settings, imported, owner, explicit) -> None:
    environ = {"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port)}
    if explicit:
        environ["EMAIL_BACKEND"] = SMTP
    fresh = _settings_from(monkeypatch, **environ)
    assert fresh["EMAIL_BACKEND"] == fresh["VIGIE_CAMPAIGN_EMAIL_BACKEND"] == SMTP
    settings.EMAIL_BACKEND = fresh["EMAIL_BACKEND"]
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = fresh["VIGIE_CAMPAIGN_EMAIL_BACKEND"]
    settings.EMAIL_HOST, settings.EMAIL_PORT = fresh["EMAIL_HOST"], fresh["EMAIL_PORT"]
    smtp.answers = ["250 ok", "550 5.1.1 No such user"]  # the second message is refused for good
    campaign = services.start_campaign(imported(4, address=False), by=owner)
    status = _status(campaign)
    assert status["rehearsal"] is False and status["status"] == "done"
    assert status["sent"] == len(smtp.messages) == 3 and status["failed"] == 1


def test_without_a_mail_server_name_the_settings_stay_on_the_console(monkeypatch) -> None:
    fresh = _settings_from(monkeypatch)
    assert fresh["VIGIE_CAMPAIGN_EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.usefixtures("no_mail_server")
def test_a_campaign_refuses_to_start_without_a_mail_server(imported, owner) -> None:
    campaign = imported(2)
    with pytest.raises(ValidationError) as refused:
        services.start_campaign(campaign, by=owner)
    assert "Aucun serveur de messagerie" in refused.value.messages[0]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.READY and not campaign.recipients.filter(state=State.SENT).exists()


@pytest.mark.usefixtures("no_mail_server")
def test_the_command_and_the_page_refuse_too(imported, owner_client, org) -> None:
    campaign = imported(2)
    with pytest.raises(CommandError, match="Aucun serveur de messagerie"):
        call_command("campaign", "start", str(campaign.pk), stdout=StringIO())
    page = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert "Aucun serveur de messagerie" in page and 'name="rehearsal"' in page
    answer = owner_client.post(reverse("campaigns:start", args=[org.pk, campaign.pk]), follow=True)
    assert "Aucun serveur de messagerie" in answer.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.READY


@pytest.mark.usefixtures("no_mail_server")
def test_a_rehearsal_sends_nothing_and_says_so_everywhere(imported, owner, breach) -> None:
    campaign = services.start_campaign(imported(3), by=owner, rehearsal=True)
    campaign.refresh_from_db()
    assert campaign.rehearsal and campaign.status == CampaignStatus.DONE
    status = _status(campaign)
    assert status["rehearsal"] is True and status["sent"] == 0 and status["rehearsed"] == 3
    lines = "".join(exports.ledger_csv(campaign)).lstrip("\ufeff").splitlines()
    assert len(lines) == 4 and all("Répétition / rehearsal" in line for line in lines)
    assert "rien n'a été envoyé" in campaign.recipients.first().smtp_response
    pdf = PdfReader(io.BytesIO(exports.ledger_pdf(campaign, now=campaign.started_at)))
    first = " ".join(pdf.pages[0].extract_text().split())
    assert first.startswith("RÉPÉTITION / REHEARSAL")
    assert first.count("Répétition / rehearsal") >= 3 + 1  # every person's state, and the warning
    # A rehearsal informs nobody: the obligation stays open, and a real campaign will tell everyone.
    assert not ObligationState.objects.filter(breach=breach, obligation="inform_persons", done_at__isnull=False)


def test_a_rehearsal_is_refused_when_a_mail_server_is_configured(smtp, imported, owner) -> None:
    with pytest.raises(ValidationError, match="real e-mails|vrais courriels|serveur de messagerie est configuré"):
        services.start_campaign(imported(1), by=owner, rehearsal=True)
    assert not smtp.messages


@pytest.mark.usefixtures("no_mail_server")
def test_the_persons_of_a_rehearsal_are_not_already_informed(imported, owner, breach, write_list) -> None:
    services.start_campaign(imported(2), by=owner, rehearsal=True)
    real, _report = services.import_path(breach, write_list(2, name="encore.csv"))
    assert real.counts()["duplicates"] == 0 and real.counts()["pending"] == 2


def test_a_worker_without_a_mail_server_pauses_the_campaign_instead_of_recording_sent(
    smtp, imported, owner, settings
) -> None:
    settings.VIGIE_CAMPAIGN_SENDERS = 0  # started here, sent by a worker configured differently
    campaign = services.start_campaign(imported(2, address=False), by=owner)
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = LOCMEM
    stats = dispatch(campaign.pk)
    campaign.refresh_from_db()
    assert stats.sent == 0 and campaign.status == CampaignStatus.PAUSED
    assert DeliveryEvent.objects.filter(campaign=campaign, kind=EventKind.PAUSED).exists()
    assert "aucun serveur de messagerie" in campaign.pause_reason
    assert campaign.counts()["sent"] == 0 and not smtp.messages
