"""References in the register: « 2026-001 », unique per organisation even under concurrent declarations."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from vigie.breaches import services
from vigie.breaches.models import Breach

PARIS = ZoneInfo("Europe/Paris")


def test_references_number_each_organisations_breaches_by_year(org, owner, make_org) -> None:
    other = make_org()
    aware = datetime(2025, 12, 31, 23, 30, tzinfo=PARIS)
    refs = [services.declare_breach(org, by=owner, title=f"V{i}", became_aware_at=aware).reference for i in range(3)]
    new_year = services.declare_breach(org, by=owner, title="V", became_aware_at=aware + timedelta(hours=1))
    elsewhere = services.declare_breach(other, by=None, title="V", became_aware_at=aware)

    assert refs == ["2025-001", "2025-002", "2025-003"]
    assert new_year.reference == "2026-001"
    assert elsewhere.reference == "2025-001"


def test_a_reference_taken_meanwhile_is_skipped(org, owner, monkeypatch) -> None:
    first = services.declare_breach(org, by=owner, title="A", became_aware_at=timezone.now())
    from vigie.breaches.services import declaring

    real = declaring._next_reference
    calls = iter([first.reference])

    def racing(org_, year):
        # The first attempt returns a number another request has just taken, as in a race.
        return next(calls, None) or real(org_, year)

    monkeypatch.setattr(declaring, "_next_reference", racing)
    second = services.declare_breach(org, by=owner, title="B", became_aware_at=timezone.now())

    assert second.reference != first.reference
    assert Breach.objects.filter(organisation=org).count() == 2


def test_the_database_refuses_a_duplicate_reference(org) -> None:
    Breach.objects.create(organisation=org, reference="2026-001", title="A", became_aware_at=timezone.now())
    with pytest.raises(IntegrityError):
        Breach.objects.create(organisation=org, reference="2026-001", title="B", became_aware_at=timezone.now())


def test_declaring_refuses_awareness_in_the_future_and_unknown_facts(org, owner) -> None:
    with pytest.raises(ValidationError):
        services.declare_breach(org, by=owner, title="A", became_aware_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(TypeError):
        services.declare_breach(org, by=owner, title="A", became_aware_at=timezone.now(), colour="red")


def test_assessing_incomplete_facts_reports_what_is_missing(org, owner) -> None:
    breach = services.declare_breach(org, by=owner, title="A", became_aware_at=timezone.now(), origin="phishing")

    outcome = services.assess_breach(breach)

    assert not outcome.assessed
    assert set(outcome.missing) == {"breach_types", "data_categories", "persons_count"}
    breach.refresh_from_db()
    assert breach.assessment is None
