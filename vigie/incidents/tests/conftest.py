from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from vigie.accounts.models import Organisation, Role, User

FACTS: dict[str, Any] = {
    "breach_types": ["confidentiality"],
    "origin": "hacking",
    "malicious": True,
    "data_categories": ["identity", "health"],
    "person_categories": ["patients"],
    "persons_count": 500000,
    "exfiltration": "confirmed",
    "description": "Faille du logiciel de laboratoire : exports de résultats téléchargés par un tiers.",
}


@pytest.fixture
def facts() -> dict[str, Any]:
    return dict(FACTS)


@pytest.fixture
def vendor(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("Éditeur LaboSoft", kind="other", profession="", dpo_email="dpo@labosoft.example")


@pytest.fixture
def vendor_user(vendor: Organisation, make_member: Callable[..., User]) -> User:
    return make_member(vendor, Role.OWNER, email="chef@labosoft.example", full_name="Paul Éditeur")


@pytest.fixture
def labs(make_org: Callable[..., Organisation], make_member: Callable[..., User]) -> list[Organisation]:
    out = []
    for number in (1, 2, 3):
        lab = make_org(f"Laboratoire n° {number}", kind="laboratoire", profession="pharmaciens",
                       dpo_email=f"dpo@lab{number}.example")  # fmt: skip
        make_member(lab, Role.OWNER, email=f"owner@lab{number}.example")
        make_member(lab, Role.READONLY, email=f"reader@lab{number}.example")
        out.append(lab)
    return out


@pytest.fixture
def incident(vendor: Organisation, vendor_user: User, labs: list[Organisation], facts: dict[str, Any]) -> Any:
    from vigie.incidents.services import create_incident

    return create_incident(
        vendor, controllers=[(lab, f"LAB{n}") for n, lab in enumerate(labs, start=1)], facts=facts,
        title="Faille LaboSoft", by=vendor_user,
    )  # fmt: skip
