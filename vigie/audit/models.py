"""The tamper-evident access log.

Each entry carries a hash of its own content and of the previous entry, so that changing or deleting any past
entry breaks every hash after it (:func:`vigie.audit.services.verify_chain`). Appends are serialised through the
single :class:`ChainHead` row, locked for the length of the transaction, so that two workers can never both chain
onto the same predecessor.

Chain versions: entries written before the key existed (version 1) carry a plain SHA-256, which whoever can write
the database could recompute after an edit. Every entry since (version 2) carries an HMAC-SHA256 under the audit
key (:func:`chain_key`), which is not in the database: an edited entry can no longer be re-hashed to look intact.
The head of the chain is also anchored outside the database, in signed checkpoints (``vigie.audit.checkpoints``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet

GENESIS = "0" * 64
PLAIN, KEYED = 1, 2  # chain versions: SHA-256 (entries before the audit key), HMAC-SHA256 under the audit key


def chain_key() -> bytes:
    """The key of the chain's HMAC: derived from ``VIGIE_AUDIT_KEY``, or from ``SECRET_KEY`` when that is unset.
    Never stored in the database. Changing it makes every keyed entry read as altered (docs/security.md)."""
    secret = settings.VIGIE_AUDIT_KEY or settings.SECRET_KEY
    return hmac.new(secret.encode(), b"vigie.audit.chain", hashlib.sha256).digest()


class ChainHead(models.Model):
    """The hash of the last entry; one row, locked by every append."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.length} entries, last {self.last_hash[:12]}"


class AuditEventQuerySet(OrgQuerySet["AuditEvent"]):
    pass


class AuditEvent(models.Model):
    """Who did what to which personal data, when, from where. Never updated, never deleted."""

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    # No database constraint and no cascade: deleting a user or an organisation must not rewrite the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: plain SHA-256 (entries older than the audit key); 2: HMAC-SHA256 under the audit key. Never goes down.
    chain_version = models.PositiveSmallIntegerField(default=KEYED)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError("Audit events are append-only.")

    def content(self) -> dict[str, Any]:
        """What the hash covers: every field but the hash itself. Foreign keys by id, so a renamed user or
        organisation does not break the chain. A keyed entry covers its version too."""
        content: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "organisation": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
            "ip_address": self.ip_address,
            "prev_hash": self.prev_hash,
        }
        if self.chain_version != PLAIN:
            content["chain_version"] = self.chain_version
        return content

    def compute_hash(self, key: bytes | None = None) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        if self.chain_version == PLAIN:
            return hashlib.sha256(canonical.encode()).hexdigest()
        return hmac.new(key or chain_key(), canonical.encode(), hashlib.sha256).hexdigest()
