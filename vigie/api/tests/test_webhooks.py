"""Webhooks against a real HTTP server on 127.0.0.1: signatures checked by an implementation of the test's own,
retries with back-off, the SSRF guard, no redirects, the events and their clock, the delivery log and replay."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import default_task_backend

from vigie.api import events, outbound, webhooks
from vigie.api.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint, WebhookNotice
from vigie.api.secrets import decrypt_secret
from vigie.audit.models import AuditEvent
from vigie.breaches import services as breach_services
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient, State


@pytest.fixture(autouse=True)
def allow_loopback(settings: Any) -> None:
    """The receiver listens on 127.0.0.1, which the SSRF guard refuses unless the setting allows it."""
    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.VIGIE_WEBHOOK_RETRY_SECONDS = [5, 60, 300, 1800, 7200, 21600]


@dataclass
class Receiver:
    """A real HTTP server: records each request, answers with the next status of ``answers`` (then 204)."""

    port: int = 0
    received: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    redirect_to: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/vigie?source=test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append({"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)})
            if state.redirect_to:
                self.send_response(307)
                self.send_header("Location", state.redirect_to)
            else:
                self.send_response(state.answers.pop(0) if state.answers else 204)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> dict[str, Any]:
    """An independent Standard Webhooks verifier, as a receiver would write it from the specification."""
    key = base64.b64decode(secret.split("_", 1)[1])
    msg_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
    assert abs(int(timestamp) - int(timezone.now().timestamp())) <= tolerance
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ") if part.startswith("v1,")]
    assert any(hmac.compare_digest(expected.decode(), signature) for signature in given), "bad signature"
    return json.loads(body)


def _endpoint(org, owner, url: str, events_: list[str] | None = None) -> tuple[WebhookEndpoint, str]:
    return webhooks.create_endpoint(org, by=owner, url=url, events=events_ or [EventType.BREACH_CREATED])


def test_a_breach_declared_in_the_pages_is_delivered_signed(
    receiver, org, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint, secret = _endpoint(org, owner, receiver.url)
    assert secret.startswith("whsec_") and secret.encode() not in bytes(endpoint.secret_encrypted)
    assert decrypt_secret(endpoint.secret_encrypted) == secret
    with django_capture_on_commit_callbacks(execute=True):
        breach = breach_services.declare_breach(
            org, by=owner, title="Ordinateur volé", became_aware_at=timezone.now() - timedelta(hours=2)
        )
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request["path"] == "/hooks/vigie?source=test"
    assert request["headers"]["Host"] == f"127.0.0.1:{receiver.port}"
    payload = verify(secret, request["headers"], request["body"])
    assert payload["type"] == "breach.created"
    assert payload["data"]["breach"]["id"] == breach.pk and payload["data"]["breach"]["reference"] == breach.reference
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 204)
    assert request["headers"]["webhook-id"] == delivery.message_id
    with pytest.raises(AssertionError, match="bad signature"):
        verify("whsec_" + base64.b64encode(b"x" * 32).decode(), request["headers"], request["body"])


def test_a_rolled_back_declaration_sends_nothing(receiver, org, owner, django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    _endpoint(org, owner, receiver.url)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        breach_services.declare_breach(org, by=owner, title="x", became_aware_at=timezone.now() - timedelta(hours=1))
        raise RuntimeError("rolled back")
    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_back_off_then_given_up(receiver, org, owner) -> None:
    endpoint, secret = _endpoint(org, owner, receiver.url)
    receiver.answers = [500] * 10
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 1}})
    now = timezone.now()
    waits = []
    for _try in range(10):
        delivery = webhooks.deliver(delivery.pk, now=now)
        if delivery.status != DeliveryStatus.PENDING:
            break
        waits.append((delivery.next_attempt_at - now).total_seconds())
        assert webhooks.deliver(delivery.pk, now=now).attempts == delivery.attempts  # not due yet: nothing sent
        now = delivery.next_attempt_at
    assert waits == [5, 60, 300, 1800, 7200, 21600]
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 7 == len(receiver.received)
    ids = {request["headers"]["webhook-id"] for request in receiver.received}
    assert ids == {delivery.message_id}  # the same message each time, so the receiver can deduplicate
    for request in receiver.received:
        verify(secret, request["headers"], request["body"], tolerance=10**6)


def test_a_success_after_failures_stops_the_retries(receiver, org, owner) -> None:
    _endpoint(org, owner, receiver.url)
    receiver.answers = [503, 502]
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 1}})
    now = timezone.now()
    for _n in range(3):
        delivery = webhooks.deliver(delivery.pk, now=now)
        now = delivery.next_attempt_at or now
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 3)
    assert [t.status_code for t in delivery.tries.all()] == [503, 502, 204]


def test_a_retry_is_a_deferred_task(receiver, org, owner, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _endpoint(org, owner, receiver.url)
    receiver.answers = [500]
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 1}})
    default_task_backend.clear()
    delivery = webhooks.deliver(delivery.pk)
    (queued,) = default_task_backend.results
    assert queued.task.name == "deliver_webhook" and queued.args == [delivery.pk]
    assert queued.task.run_after == delivery.next_attempt_at


def test_a_redirect_is_not_followed(receiver, org, owner) -> None:
    _endpoint(org, owner, receiver.url)
    receiver.redirect_to = "http://169.254.169.254/latest/meta-data/"
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 1}})
    delivery = webhooks.deliver(delivery.pk)
    assert len(receiver.received) == 1
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 307


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",  # noqa: S104
     "240.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"],
)  # fmt: skip
def test_private_local_and_reserved_addresses_are_refused(address, settings) -> None:
    import ipaddress

    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = []
    assert outbound.is_forbidden(ipaddress.ip_address(address))


def test_a_public_address_is_allowed() -> None:
    import ipaddress

    assert not outbound.is_forbidden(ipaddress.ip_address("93.184.215.14"))
    assert not outbound.is_forbidden(ipaddress.ip_address("2606:4700::1111"))


def test_a_host_that_resolves_to_a_private_address_is_refused_before_any_connection(
    receiver, monkeypatch, settings
) -> None:
    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = []

    def resolver(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        assert host == "siem.example.org"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]  # fmt: skip

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(outbound.Refused, match="127.0.0.1"):
        outbound.post(f"https://siem.example.org:{receiver.port}/", b"{}", {})
    assert receiver.received == []


def test_the_connection_goes_to_the_checked_address(receiver, monkeypatch) -> None:
    answers = iter(["127.0.0.1", "10.9.9.9"])  # a rebinding DNS: a second lookup would give a private address

    def resolver(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    answer = outbound.post(f"http://siem.example.org:{receiver.port}/x", b"{}", {"Content-Type": "application/json"})
    assert answer.status == 204
    assert receiver.received[0]["headers"]["Host"] == f"siem.example.org:{receiver.port}"


def test_plain_http_and_credentials_are_refused(settings) -> None:
    settings.VIGIE_WEBHOOK_ALLOW_HTTP = False
    with pytest.raises(outbound.Refused, match="https://"):
        outbound.check_url("http://siem.example.org/")
    with pytest.raises(outbound.Refused, match="mot de passe"):
        outbound.check_url("https://user:pw@siem.example.org/")


def test_an_endpoint_on_a_loopback_address_cannot_be_created(receiver, org, owner, settings) -> None:
    from django.core.exceptions import ValidationError

    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(ValidationError, match="127.0.0.1 est privée, locale ou réservée"):
        webhooks.create_endpoint(org, by=owner, url=receiver.url, events=[EventType.BREACH_CREATED])
    assert not WebhookEndpoint.objects.exists()


def test_the_clock_emits_each_deadline_moment_once(receiver, org, owner, assessed_breach) -> None:
    _endpoint(org, owner, receiver.url, [EventType.OBLIGATION_DUE_24H, EventType.OBLIGATION_DUE_6H,
                                         EventType.OBLIGATION_OVERDUE])  # fmt: skip
    cnil = assessed_breach.obligation("notify_cnil")
    assert cnil is not None and cnil.due is not None
    assert events.scan(now=cnil.due - timedelta(hours=30)) == 0
    for moment, kind in ((timedelta(hours=23), "obligation.due_24h"), (timedelta(hours=5), "obligation.due_6h"),
                         (-timedelta(minutes=1), "obligation.overdue")):  # fmt: skip
        now = cnil.due - moment
        assert events.scan(now=now) >= 1
        assert events.scan(now=now) == 0  # once
        types = list(WebhookDelivery.objects.filter(event_type=kind).values_list("payload", flat=True))
        assert "notify_cnil" in {payload["data"]["obligation"]["id"] for payload in types}
    overdue = WebhookDelivery.objects.filter(event_type="obligation.overdue").first()
    assert overdue is not None and overdue.payload["data"]["breach"]["id"] == assessed_breach.pk


def test_done_obligations_and_other_organisations_raise_no_event(
    receiver, org, owner, make_org, assessed_breach
) -> None:
    _endpoint(org, owner, receiver.url, [EventType.OBLIGATION_OVERDUE])
    for row in assessed_breach.obligation_rows():
        if row.is_open and row.due:
            breach_services.mark_obligation_done(assessed_breach, row.id, by=owner, done_at=timezone.now(),
                                                 delay_reasons="Rattrapage")  # fmt: skip
    assert events.scan(now=timezone.now() + timedelta(days=30)) == 0
    assert not WebhookNotice.objects.exists()


def test_campaign_progress_by_tenths_then_finished(receiver, org, owner, assessed_breach) -> None:
    _endpoint(org, owner, receiver.url, [EventType.CAMPAIGN_PROGRESS, EventType.CAMPAIGN_FINISHED])
    campaign = Campaign.objects.create(breach=assessed_breach, status=CampaignStatus.RUNNING, persons_count=10)
    for line in range(10):
        Recipient.objects.create(campaign=campaign, line=line + 2, identity_hash=f"h{line}", state=State.PENDING)
    assert events.scan() == 0
    Recipient.objects.filter(pk__in=list(Recipient.objects.values_list("pk", flat=True)[:3])).update(state=State.SENT)
    assert events.scan() == 1 and events.scan() == 0
    Recipient.objects.filter(campaign=campaign).update(state=State.SENT)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.DONE, finished_at=timezone.now())
    assert events.scan() == 2
    progress = [
        d.payload["data"]["campaign"]["percent"]
        for d in WebhookDelivery.objects.filter(event_type="campaign.progress").order_by("pk")
    ]
    assert progress == [30.0, 100.0]
    finished = WebhookDelivery.objects.get(event_type="campaign.finished")
    assert finished.payload["data"]["campaign"]["counts"]["sent"] == 10
    assert events.scan() == 0


def test_the_tick_tries_deliveries_whose_task_was_lost(receiver, org, owner) -> None:
    from vigie.api.tasks import webhook_tick

    _endpoint(org, owner, receiver.url)
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 1}})  # no commit: no task ran
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    webhook_tick.call()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.received) == 1


def test_the_delivery_log_shows_each_try_and_replays(
    receiver, owner_client, org, owner, django_capture_on_commit_callbacks
) -> None:
    endpoint, _secret = _endpoint(org, owner, receiver.url)
    receiver.answers = [500]
    (delivery,) = webhooks.emit(org, EventType.BREACH_CREATED, {"breach": {"id": 7}})
    webhooks.deliver(delivery.pk)
    page = owner_client.get(f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/").content.decode()
    assert "Journal des livraisons" in page and "HTTP 500" in page and delivery.message_id in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = owner_client.post(
            f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/livraisons/{delivery.pk}/rejouer/"
        )
    assert answer.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert [(t.status_code, t.manual) for t in delivery.tries.all()] == [(500, False), (204, True)]
    assert AuditEvent.objects.filter(action="webhook.replayed", actor=owner).exists()
    page = owner_client.get(f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/").content.decode()
    assert "HTTP 204" in page and "(renvoi)" in page


def test_webhook_pages_show_the_secret_once_and_send_a_test(
    receiver, owner_client, org, owner, django_capture_on_commit_callbacks
) -> None:
    answer = owner_client.post(f"/organisations/{org.pk}/api/webhooks/", {
        "url": receiver.url, "description": "SIEM", "events": ["breach.created", "obligation.overdue"]})  # fmt: skip
    assert answer.status_code == 201, answer.content.decode()[:2000]
    secret = answer.context["secret"]
    endpoint = WebhookEndpoint.objects.get()
    assert secret in answer.content.decode() and endpoint.events == ["breach.created", "obligation.overdue"]
    assert secret not in owner_client.get(f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/test/")
    payload = verify(secret, receiver.received[0]["headers"], receiver.received[0]["body"])
    assert payload["type"] == "webhook.ping"
    rotated = owner_client.post(f"/organisations/{org.pk}/api/webhooks/{endpoint.pk}/secret/").context["secret"]
    assert rotated != secret and decrypt_secret(WebhookEndpoint.objects.get().secret_encrypted) == rotated


def test_only_an_owner_manages_webhooks(client, signed_in, org, make_member) -> None:
    from vigie.accounts.models import Role

    signed_in(client, make_member(org, Role.DPO))
    assert client.get(f"/organisations/{org.pk}/api/webhooks/").status_code == 403


def test_the_delivery_log_forgets_old_deliveries_but_not_pending_ones(org, owner, receiver) -> None:
    _endpoint(org, owner, receiver.url)
    old, pending, recent = (webhooks.emit(org, EventType.BREACH_CREATED, {"n": n})[0] for n in range(3))
    long_ago = timezone.now() - timedelta(days=31)
    WebhookDelivery.objects.filter(pk=old.pk).update(created_at=long_ago, status=DeliveryStatus.SUCCEEDED)
    WebhookDelivery.objects.filter(pk=pending.pk).update(created_at=long_ago)
    assert webhooks.forget_old_deliveries() == 1
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}


def test_a_finished_campaign_is_not_counted_again(
    org, owner, receiver, assessed_breach, django_assert_max_num_queries
) -> None:
    _endpoint(org, owner, receiver.url, [EventType.CAMPAIGN_FINISHED])
    Campaign.objects.create(breach=assessed_breach, status=CampaignStatus.DONE, finished_at=timezone.now())
    assert events.scan() == 1
    with django_assert_max_num_queries(8):
        assert events.scan() == 0
