from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches import services
from vigie.breaches.models import Breach

FACTS: dict[str, Any] = {
    "breach_types": ["confidentiality", "availability"],
    "origin": "ransomware",
    "malicious": True,
    "data_categories": ["identity", "contact", "health"],
    "persons_count": 1200,
    "persons_count_is_estimate": True,
    "person_categories": ["patients"],
    "exfiltration": "confirmed",
    "description": "Chiffrement du serveur du cabinet ; copie de dossiers revendiquée.",
    "measures_taken": "Serveur isolé ; mots de passe changés",
}


def declare(org: Organisation, by: User | None, *, hours_ago: float = 5, **facts: Any) -> Breach:
    return services.declare_breach(
        org,
        by=by,
        title="Rançongiciel sur le serveur du cabinet",
        became_aware_at=timezone.now() - timedelta(hours=hours_ago),
        awareness_note="Message de rançon sur le poste de la secrétaire.",
        **{**FACTS, **facts},
    )


@pytest.fixture
def breach(org: Organisation, owner: User) -> Breach:
    org.address, org.postcode, org.city, org.phone = "12 rue des Tilleuls", "69003", "Lyon", "04 78 00 00 00"
    org.dpo_name = "Dr Claire Martin"
    org.save()
    return declare(org, owner)
