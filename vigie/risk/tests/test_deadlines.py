"""Deadlines run in absolute time from awareness, whatever the changes of Paris summer time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigie.risk import assess, parse_facts
from vigie.risk.french import PARIS
from vigie.risk.tests.builders import facts_dict

NOTIFIABLE = facts_dict(
    controller={"kind": "etablissement_sante", "cyber_insurance": True, "nis2_entity": True},
    nature={"types": ["confidentiality"], "origin": "ransomware", "malicious": True},
)


def due_dates(aware: str) -> dict[str, str | None]:
    result = assess(parse_facts({**NOTIFIABLE, "became_aware_at": aware}))
    return {oid: result.to_dict()["obligations"][i]["due"] for i, oid in enumerate(o.id for o in result.obligations)}


@pytest.mark.parametrize(
    ("aware", "cnil_due", "nis2_due"),
    [
        # Spring forward, Sunday 30 March 2025 at 02:00 CET: 72 real hours end an hour later on the clock.
        ("2025-03-28T10:00:00+01:00", "2025-03-31T11:00:00+02:00", "2025-03-29T10:00:00+01:00"),
        ("2025-03-29T10:00:00+01:00", "2025-04-01T11:00:00+02:00", "2025-03-30T11:00:00+02:00"),
        # Fall back, Sunday 26 October 2025 at 03:00 CEST: an hour earlier on the clock.
        ("2025-10-24T10:00:00+02:00", "2025-10-27T09:00:00+01:00", "2025-10-25T10:00:00+02:00"),
        ("2025-10-25T10:00:00+02:00", "2025-10-28T09:00:00+01:00", "2025-10-26T09:00:00+01:00"),
        # Awareness written in UTC, shown in Paris time.
        ("2025-07-01T22:30:00Z", "2025-07-05T00:30:00+02:00", "2025-07-03T00:30:00+02:00"),
    ],
)
def test_deadlines_are_72_and_24_hours_of_absolute_time(aware: str, cnil_due: str, nis2_due: str) -> None:
    due = due_dates(aware)

    assert due["notify_cnil"] == cnil_due
    assert due["police_complaint"] == cnil_due
    assert due["nis2_early_warning"] == nis2_due
    assert due["register"] is None


def test_lateness_is_measured_in_absolute_time_even_with_a_paris_zoneinfo_now() -> None:
    facts = parse_facts({**NOTIFIABLE, "became_aware_at": "2025-10-24T10:00:00+02:00"})
    # 09:30 Paris time on the 27th is 71.5 real hours after awareness, though 71.5 + 1 on the wall clock.
    just_before = datetime(2025, 10, 27, 8, 30, tzinfo=PARIS)
    just_after = datetime(2025, 10, 27, 9, 30, tzinfo=PARIS)

    assert assess(facts, now=just_before).late_notification is False
    assert assess(facts, now=just_after).late_notification is True


ZONES = st.sampled_from([UTC, PARIS, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 12, 31), timezones=ZONES))
def test_cnil_deadline_is_exactly_72_hours_after_awareness(aware: datetime) -> None:
    facts = parse_facts({**NOTIFIABLE, "became_aware_at": aware.isoformat()})
    result = assess(facts)
    due = result.obligation("notify_cnil").due

    assert due is not None
    assert due.astimezone(UTC) - aware.astimezone(UTC) == timedelta(hours=72)
    assert due.utcoffset() == due.astimezone(UTC).astimezone(PARIS).utcoffset()
    # Compared in UTC: Python never finds two zones equal inside the repeated hour of autumn.
    assert datetime.fromisoformat(result.to_dict()["cnil_deadline"]).astimezone(UTC) == due.astimezone(UTC)
