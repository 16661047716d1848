"""Sending: every person reached once, the checkpoint after a crash, retries, permanent failures, pause."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, connection, transaction
from django.utils import timezone

from vigie.campaigns import dispatch, recording, services
from vigie.campaigns.mail import Sender, SMTPBackend
from vigie.campaigns.messages import Composer
from vigie.campaigns.models import CampaignStatus, Channel, DeliveryEvent, EventKind, Recipient, State
from vigie.campaigns.tests.conftest import person_line

pytestmark = pytest.mark.django_db


def test_starting_a_campaign_sends_one_email_to_each_person_over_real_smtp(smtp, imported, owner) -> None:
    campaign = imported(5)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE
    assert sorted(smtp.recipients()) == sorted(f"patient{n}@exemple-patient.fr" for n in range(1, 6))
    assert len(set(smtp.message_ids())) == 5
    assert all(mid.endswith("@example.fr>") for mid in smtp.message_ids())  # the DPO's domain, never localhost
    rows = Recipient.objects.filter(campaign=campaign)
    assert {row.state for row in rows} == {State.SENT}
    assert all(row.smtp_response.startswith("250") and row.sent_at and row.queued_at for row in rows)
    assert sorted(row.message_id for row in rows) == sorted(smtp.message_ids())


def test_the_email_is_personal_and_in_french(smtp, imported, owner) -> None:
    services.start_campaign(imported(1), by=owner)
    message = smtp.messages[0]
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Madame NOM00001X" in text
    assert "informations sur votre santé" in text  # the documents' plain French (see test_messages.py)
    assert "dpo@example.fr" in text
    assert message["Reply-To"] == "dpo@example.fr"


def test_persons_without_email_get_a_letter_and_without_any_channel_are_counted_unreachable(
    smtp, breach, write_list, owner
) -> None:
    lines = [person_line(1), person_line(2, email=False), person_line(3, email=False, address=False)]
    campaign, _report = services.import_path(breach, write_list(lines=lines))
    services.start_campaign(campaign, by=owner)
    counts = campaign.counts()
    assert (counts["sent"], counts["letters"], counts["unreachable"], counts["pending"]) == (1, 1, 1, 0)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE


def test_the_channel_rules_can_put_letters_first(smtp, imported, owner) -> None:
    campaign = imported(2)
    services.set_rules(campaign, order=["letter", "email"], rate=5, by=owner)
    services.start_campaign(campaign, by=owner)
    assert smtp.messages == []
    assert campaign.counts()["letters"] == 2


def test_the_message_id_never_uses_localhost(smtp, imported, owner, settings) -> None:
    campaign = imported(1)
    org = campaign.breach.organisation
    org.email = org.dpo_email = ""
    org.save()
    settings.VIGIE_CAMPAIGN_FROM_EMAIL = settings.DEFAULT_FROM_EMAIL = "Vigie <vigie@localhost>"
    with pytest.raises(ValidationError):
        services.start_campaign(campaign, by=owner)
    assert smtp.messages == []


class Crash(BaseException):
    """Stands for ``kill -9``: raised after the server accepted a message, before it is recorded."""


class CrashingBackend(SMTPBackend):
    after = 3
    sent = 0

    def send_messages(self, messages: Any) -> int:
        count = super().send_messages(messages)
        CrashingBackend.sent += count
        if CrashingBackend.sent == CrashingBackend.after:
            raise Crash
        return count


def test_a_crash_between_send_and_record_repeats_exactly_one_message_with_its_message_id(
    smtp, imported, owner, settings
) -> None:
    campaign = imported(8)
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = "vigie.campaigns.tests.test_dispatch.CrashingBackend"
    CrashingBackend.sent, CrashingBackend.after = 0, 3
    services.start_campaign(campaign, by=owner)  # the task dies (the immediate backend records it failed)
    assert len(smtp.messages) == 3
    assert Recipient.objects.filter(campaign=campaign, state=State.SENT).count() == 2  # the third is unrecorded
    # The worker is restarted after the lease of the dead one expired.
    Recipient.objects.filter(campaign=campaign, state=State.SENDING).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    CrashingBackend.after = -1
    assert services.recover_campaigns() >= 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE
    ids = smtp.message_ids()
    assert len(ids) == 9 and len(set(ids)) == 8  # nobody missed, one repeat
    repeated = [mid for mid in set(ids) if ids.count(mid) == 2]
    assert repeated == [ids[2]]  # the message in flight at the crash, with its original Message-ID
    event = DeliveryEvent.objects.get(campaign=campaign, kind=EventKind.RESENT_AFTER_CRASH)
    assert event.recipient.message_id == ids[2]
    assert Recipient.objects.filter(campaign=campaign, state=State.SENT).count() == 8


def test_a_live_claim_is_not_taken_by_another_sender(smtp, imported, owner) -> None:
    campaign = imported(3)
    services.apply_channel_rules(campaign)
    claim = dispatch.claim_chunk(campaign)
    assert claim is not None and len(claim.ids) == 3
    assert dispatch.claim_chunk(campaign) is None


def test_a_temporary_failure_is_retried_then_sent(smtp, imported, owner) -> None:
    smtp.answers = ["451 4.3.0 Try again later"]
    campaign = imported(1)
    services.start_campaign(campaign, by=owner)
    recipient = Recipient.objects.get(campaign=campaign)
    assert recipient.state == State.SENT and recipient.attempts == 2
    assert DeliveryEvent.objects.filter(recipient=recipient, kind=EventKind.RETRY, detail__startswith="451").exists()
    assert len(smtp.messages) == 1


def test_a_permanent_failure_is_final_and_falls_back_to_a_letter(smtp, imported, owner) -> None:
    smtp.answers = ["550 5.1.1 Unknown user"]
    campaign = imported(1)
    services.start_campaign(campaign, by=owner)
    recipient = Recipient.objects.get(campaign=campaign)
    assert recipient.attempts == 1 and recipient.smtp_response.startswith("550")
    assert recipient.channel == Channel.LETTER and recipient.state == State.LETTER
    assert DeliveryEvent.objects.filter(recipient=recipient, kind=EventKind.FAILED).exists()


def test_a_permanent_failure_without_address_is_counted_failed(smtp, imported, owner) -> None:
    smtp.answers = ["550 5.1.1 Unknown user"]
    campaign = imported(1, address=False)
    services.start_campaign(campaign, by=owner)
    assert campaign.counts()["failed"] == 1
    assert Recipient.objects.get(campaign=campaign).state == State.FAILED


def test_too_many_temporary_failures_end_in_failure(smtp, imported, owner, settings) -> None:
    settings.VIGIE_CAMPAIGN_MAX_ATTEMPTS = 2
    smtp.answers = ["451 4.7.1 Greylisted", "452 4.2.2 Full"]  # 421 would pause the campaign (test_smtp_faults)
    campaign = imported(1, address=False)
    services.start_campaign(campaign, by=owner)
    recipient = Recipient.objects.get(campaign=campaign)
    assert recipient.state == State.FAILED and recipient.attempts == 2


def test_a_paused_campaign_sends_nothing_until_resumed(smtp, imported, owner) -> None:
    campaign = imported(3)
    services.apply_channel_rules(campaign)
    campaign.status = CampaignStatus.PAUSED
    campaign.started_by = owner
    campaign.save()
    assert dispatch.dispatch(campaign.pk).sent == 0
    assert smtp.messages == []
    services.resume_campaign(campaign, by=owner)
    assert len(smtp.messages) == 3


def test_the_rate_limit_spaces_the_messages() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = dispatch.Pacer(10, sleep=sleep, clock=lambda: now[0])
    for _ in range(5):
        pacer.wait()
    assert slept == pytest.approx([0.1] * 4)


def test_each_message_is_handed_over_only_once_the_previous_one_is_recorded(smtp, imported, owner) -> None:
    """The checkpoint's order, as the server sees it: RCPT of k+1, then k recorded, then DATA of k+1."""
    campaign = imported(4)
    services.apply_channel_rules(campaign)
    claim = dispatch.claim_chunk(campaign)
    assert claim is not None
    dispatcher = dispatch.Dispatcher(campaign)
    settle = dispatcher.recorder.settle

    def settle_and_look() -> None:
        settle()
        sent = Recipient.objects.filter(campaign=campaign, state=State.SENT).order_by("pk")
        smtp.log.append(("recorded", ",".join(str(pk) for pk in sent.values_list("pk", flat=True))))

    dispatcher.recorder.settle = settle_and_look
    dispatcher.work(claim)
    address = {
        pk: f"patient{n}@exemple-patient.fr" for n, pk in enumerate(sorted(claim.ids), start=1)
    }  # the list's order is the ids' order
    ids = sorted(claim.ids)
    for k in range(1, len(ids)):
        rcpt = smtp.log.index(("RCPT", address[ids[k]]))
        data = smtp.log.index(("DATA", address[ids[k]]))
        between = [value for kind, value in smtp.log[rcpt:data] if kind == "recorded"]
        # Before k+1 is handed over, every message before it is recorded as sent.
        assert between and between[-1].split(",") == [str(pk) for pk in ids[:k]]
    assert Recipient.objects.filter(campaign=campaign, state=State.SENT).count() == 4


def test_a_sender_that_lost_its_claim_hands_nothing_more_over(smtp, imported, owner) -> None:
    """Point 5 of the checkpoint: another sender took the chunk; ours stops with at most the one message sent."""
    campaign = imported(3)
    services.apply_channel_rules(campaign)
    claim = dispatch.claim_chunk(campaign)
    assert claim is not None
    Recipient.objects.filter(pk__in=claim.ids).update(claimed_by="another-sender")
    dispatcher = dispatch.Dispatcher(campaign)
    with pytest.raises(recording.LeaseLost):
        dispatcher.work(claim)
    assert len(smtp.messages) == 1  # the one in doubt for the other sender, resent by it with the same Message-ID
    assert Recipient.objects.filter(campaign=campaign, state=State.SENT).count() == 0
    # The connection is left in a clean state: the next chunk goes out on it.
    Recipient.objects.filter(pk__in=claim.ids).update(state=State.PENDING, claimed_by="", lease_until=None)
    dispatcher.work(dispatch.claim_chunk(campaign))
    assert Recipient.objects.filter(campaign=campaign, state=State.SENT).count() == 3


def test_what_runs_before_data_is_not_a_failure_of_the_message(smtp, imported) -> None:
    """An error in ``before_data`` propagates as itself; the transaction is reset and nothing is delivered."""
    campaign = imported(2)
    composer = Composer(campaign)
    first, second = (composer.email(n, {"email": f"patient{n}@exemple-patient.fr"}) for n in (1, 2))
    sender = Sender()

    def refuse() -> None:
        raise recording.LeaseLost

    with pytest.raises(recording.LeaseLost):
        sender.send(first, before_data=refuse)
    assert smtp.messages == []
    assert smtp.log == [("RCPT", "patient1@exemple-patient.fr"), ("RSET", "")]
    assert sender.send(second, before_data=lambda: None).sent
    assert smtp.recipients() == ["patient2@exemple-patient.fr"]
    sender.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pipelined recorder is PostgreSQL's")
def test_the_pipelined_recorder_reports_database_errors_and_reuses_its_prepared_statement(imported) -> None:
    campaign = imported(2)
    services.apply_channel_rules(campaign)
    claim = dispatch.claim_chunk(campaign)
    assert claim is not None
    first, second = claim.ids
    one, other = recording.PipelinedRecorder(), recording.PipelinedRecorder()  # same connection: prepared once
    one.sent(first, claim.token, timezone.now(), "250 ok", "<a@example.fr>")
    one.settle()
    with pytest.raises(DataError), transaction.atomic():  # a Message-ID longer than the column: the server says no
        other.sent(second, claim.token, timezone.now(), "250 ok", "<" + "x" * 300 + "@example.fr>")
        other.settle()
    other.sent(second, claim.token, timezone.now(), "250 ok", "<b@example.fr>")
    other.settle()
    assert dict(Recipient.objects.filter(pk__in=claim.ids).values_list("pk", "message_id")) == {
        first: "<a@example.fr>",
        second: "<b@example.fr>",
    }
    with pytest.raises(recording.LeaseLost):  # recorded already: the claim is no longer held
        one.sent(first, claim.token, timezone.now(), "250 ok", "<a@example.fr>")
        one.settle()


def test_the_channel_rules_chosen_are_in_the_access_log(imported) -> None:
    from vigie.audit.models import AuditEvent

    services.set_rules(imported(), order=["letter"], rate=5, by=None)

    entry = AuditEvent.objects.filter(action="campaign.rules_set").get()
    assert entry.detail == {"order": ["letter"], "rate": 5.0}
