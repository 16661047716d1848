"""The API fuzzed from its committed OpenAPI schema (schemathesis): whatever a client sends, no answer is a 5xx
and every answer conforms to the schema (status, media type, body). A few examples per operation keep it fast;
a breach and a campaign exist (id 1) so that the generated ids reach real rows too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from vigie.api.management.commands.api import SCHEMA_PATH
from vigie.api.models import Scope
from vigie.api.tokens import create_token
from vigie.breaches import services as breach_services
from vigie.campaigns.models import Campaign, CampaignStatus, Recipient

schema = schemathesis.openapi.from_dict(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
schema.app = WSGIHandler()


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Django closes the database connection at the end of each request; under a test, that connection holds the
    test's transaction (PostgreSQL), so keep it open, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(db: None, org: Any, owner: Any, settings: Any, keep_the_test_connection: None) -> str:
    settings.VIGIE_API_RATE = 0  # the fuzzer's requests are not the point of the limit
    breach = breach_services.declare_breach(
        org, by=owner, title="Rançongiciel", became_aware_at=timezone.now() - timedelta(hours=3),
        breach_types=["confidentiality"], origin="ransomware", data_categories=["health"], persons_count=10,
    )  # fmt: skip
    campaign = Campaign.objects.create(pk=1, breach=breach, status=CampaignStatus.READY, persons_count=1)
    Recipient.objects.create(campaign=campaign, line=2, identity_hash="x")
    _token, raw = create_token(org, user=owner, by=None, name="fuzz", scope=Scope.WRITE, expires_at=None)
    return raw


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)
@pytest.mark.django_db
def test_the_api_never_fails_and_answers_as_documented(case: Any, fuzz_token: str) -> None:
    # Every check but one: a request valid for the schema may still be refused for what it means (a moment in
    # the future, a cursor this API never gave, a campaign not in the state for it), with a 4xx problem.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {fuzz_token}"}, excluded_checks=[positive_data_acceptance]
    )
