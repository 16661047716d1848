"""Signed checkpoints of the access log's head, kept outside the database.

A keyed chain stops an edit from being re-hashed, but whoever can write the database can still cut the tail of the
log (and the :class:`~vigie.audit.models.ChainHead` with it), or turn every entry back to a plain SHA-256 chain and
recompute it whole. A checkpoint remembers, outside the database, how long the chain was and the hash of its last
entry, and from which entry it is keyed; ``vigie audit verify`` checks the database against every checkpoint.

One JSON line per checkpoint, appended to ``VIGIE_AUDIT_CHECKPOINT_FILE``, each signed with an HMAC under a key
derived from the audit key: a line written by someone without the key reads as forged. Copy the file off the
machine (backup, another mount) so that an attacker of the server cannot cut it too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import chain_key


@dataclass(frozen=True)
class Checkpoint:
    """The chain as it stood at ``at``: ``length`` entries, the last one hashed ``hash``; keyed from ``keyed_from``."""

    at: datetime
    length: int
    hash: str
    keyed_from: int

    def fields(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "length": self.length, "hash": self.hash, "keyed_from": self.keyed_from}


def _mac(fields: dict[str, Any]) -> str:
    key = hmac.new(chain_key(), b"vigie.audit.checkpoint", hashlib.sha256).digest()
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def path() -> Path:
    return Path(settings.VIGIE_AUDIT_CHECKPOINT_FILE)


def append(checkpoint: Checkpoint) -> None:
    """Add one signed line to the file (created 0600), flushed to the disk before returning."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fields = checkpoint.fields()
    line = json.dumps({**fields, "mac": _mac(fields)}, sort_keys=True) + "\n"
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        file.write(line)
        file.flush()
        os.fsync(file.fileno())


def read() -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature holds, and a problem for each line that does not."""
    target = path()
    if not target.exists():
        return [], []
    found: list[Checkpoint] = []
    problems: list[str] = []
    for number, line in enumerate(target.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            fields = {key: data[key] for key in ("at", "length", "hash", "keyed_from")}
            signed = hmac.compare_digest(str(data["mac"]), _mac(fields))
            checkpoint = Checkpoint(
                at=datetime.fromisoformat(fields["at"]),
                length=int(fields["length"]),
                hash=str(fields["hash"]),
                keyed_from=int(fields["keyed_from"]),
            )
        except (ValueError, KeyError, TypeError):
            signed = False
        if not signed:
            problems.append(f"checkpoint line {number} is not signed with this installation's audit key")
            continue
        found.append(checkpoint)
    return found, problems


def now() -> datetime:
    return timezone.now()
