"""API tokens and webhooks of an organisation.

- :class:`ApiToken`: a bearer token of one member in one organisation, read or write, with an expiry. Only the
  SHA-256 of the token is stored; the token itself is shown once, when it is created.
- :class:`WebhookEndpoint`: a URL of the organisation's own tools that receives signed events (Standard
  Webhooks); its signing secret is stored encrypted (``secrets.py``).
- :class:`WebhookDelivery`: one event for one endpoint, from the moment it happened until it was accepted or
  given up, and :class:`WebhookAttempt`: each try, for the delivery log.
- :class:`WebhookNotice`: the events already emitted for a moment (a deadline 24 hours away, a campaign at
  50 %), so that the clock that looks for them emits each once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiTokenQuerySet(OrgQuerySet["ApiToken"]):
    def usable(self, now: datetime | None = None) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token acting as one member of one organisation, within the member's role and the token's scope.

    The token reads ``vigie_<prefix>_<secret>``: the prefix finds the row, the SHA-256 of the whole token
    (``token_hash``) proves it. A token has 256 random bits, so a fast hash is enough (no password to stretch).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class EventType(models.TextChoices):
    """The events an endpoint may subscribe to (the ``type`` of each payload)."""

    BREACH_CREATED = "breach.created", _("A breach is declared")
    OBLIGATION_DUE_24H = "obligation.due_24h", _("A formality is due within 24 hours")
    OBLIGATION_DUE_6H = "obligation.due_6h", _("A formality is due within 6 hours")
    OBLIGATION_OVERDUE = "obligation.overdue", _("A formality is overdue")
    CAMPAIGN_PROGRESS = "campaign.progress", _("A campaign has informed another tenth of its persons")
    CAMPAIGN_FINISHED = "campaign.finished", _("A campaign is finished")
    PING = "webhook.ping", _("Test event")


class WebhookEndpointQuerySet(OrgQuerySet["WebhookEndpoint"]):
    def active(self) -> WebhookEndpointQuerySet:
        return self.filter(active=True)

    def subscribed_to(self, event_type: str) -> WebhookEndpointQuerySet:
        """Active endpoints that want ``event_type``. Filtered in Python: SQLite has no JSON containment lookup,
        and an organisation has a handful of endpoints."""
        ids = [pk for pk, events in self.active().values_list("pk", "events") if event_type in (events or [])]
        return self.filter(pk__in=ids)


class WebhookEndpoint(models.Model):
    """A URL that receives the organisation's events, signed with the endpoint's secret."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # AES-GCM of the ``whsec_…`` secret under a key derived from SECRET_KEY (``secrets.py``).
    secret_encrypted = models.BinaryField()
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Given up")


class WebhookDeliveryQuerySet(OrgQuerySet["WebhookDelivery"]):
    org_path = "endpoint__organisation"

    def due(self, now: datetime | None = None) -> WebhookDeliveryQuerySet:
        now = now or timezone.now()
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


class WebhookDelivery(models.Model):
    """One event for one endpoint. ``message_id`` is the ``webhook-id``: the same on every try and replay, so
    that the receiver can recognise a message it already has."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookAttemptQuerySet(OrgQuerySet["WebhookAttempt"]):
    org_path = "delivery__endpoint__organisation"


class WebhookAttempt(models.Model):
    """One try of a delivery: when, the answer (status code, the start of the body) or the error."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    manual = models.BooleanField(default=False)  # a replay asked for in the delivery log

    objects = WebhookAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookNoticeQuerySet(OrgQuerySet["WebhookNotice"]):
    pass


class WebhookNotice(models.Model):
    """An event already emitted for a moment (``key``: e.g. ``obligation.due_24h:12:notify_cnil:<due>``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    objects = WebhookNoticeQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="one_webhook_notice_per_key")]

    def __str__(self) -> str:
        return self.key


def event_choices() -> list[tuple[str, Any]]:
    """The events an endpoint can subscribe to (not the test event, which is sent by hand)."""
    return [(value, label) for value, label in EventType.choices if value != EventType.PING]
