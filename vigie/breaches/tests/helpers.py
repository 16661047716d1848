"""Small helpers shared by the breach tests: a GP practice's ransomware, declared through the services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches import services
from vigie.breaches.models import Breach

RANSOMWARE_FACTS: dict[str, Any] = {
    "breach_types": ["confidentiality", "availability"],
    "origin": "ransomware",
    "malicious": True,
    "data_categories": ["identity", "health"],
    "persons_count": 1200,
    "persons_count_is_estimate": True,
    "person_categories": ["patients"],
    "exfiltration": "confirmed",
}


def declare_ransomware(
    org: Organisation, by: User | None, *, aware: datetime | None = None, hours_ago: float = 5, **facts: Any
) -> Breach:
    """A GP practice's server encrypted by ransomware, with patient files taken out."""
    became_aware_at = aware or timezone.now() - timedelta(hours=hours_ago)
    return services.declare_breach(
        org,
        by=by,
        title="Rançongiciel sur le serveur du cabinet",
        became_aware_at=became_aware_at,
        awareness_note="Message de rançon affiché sur le poste de la secrétaire.",
        **{**RANSOMWARE_FACTS, **facts},
    )
