"""Statistics: figures from known rows (no database), well-formed accessible SVG, and the page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from vigie.accounts.models import Organisation
from vigie.breaches.register import RegisterRow
from vigie.breaches.stats import BOTTOM, HEIGHT, TOP, charts, compute

from .test_register import add_breach

PARIS = ZoneInfo("Europe/Paris")
SVG = "{http://www.w3.org/2000/svg}"


def row(aware: datetime, *, notified_after: float | None = None, late: bool = False, **extra: Any) -> RegisterRow:
    values: dict[str, Any] = {
        "pk": 1,
        "reference": "R",
        "title": "T",
        "became_aware_at": aware,
        "origin": "ransomware",
        "origin_label": "Rançongiciel",
        "persons_count": 100,
        "persons_count_is_estimate": False,
        "risk": "high",
        "risk_label": "Risque élevé",
        "cnil_required": True,
        "cnil_deadline": aware + timedelta(hours=72),
        "cnil_notified_at": None if notified_after is None else aware + timedelta(hours=notified_after),
        "cnil_receipt": "",
        "cnil_delay_reasons": "",
        "persons_informed_at": None,
        "persons_required": True,
        "status": "assessed",
        "status_label": "Évaluée",
        "late": late,
        "description": "",
        "consequences": "",
        "measures_taken": "",
    }
    values.update(extra)
    return RegisterRow(**values)


def parse(svg: str) -> ET.Element:
    """Parse a chart; raises if its markup is not well-formed XML."""
    return ET.fromstring(str(svg))  # noqa: S314 - our own output, parsed to check it


def known_rows() -> list[RegisterRow]:
    y24 = datetime(2024, 6, 1, 10, 0, tzinfo=PARIS)
    y25 = datetime(2025, 6, 1, 10, 0, tzinfo=PARIS)
    return [
        row(y24, notified_after=10, persons_count=1200),
        row(y24, notified_after=30, origin="stolen_device", origin_label="Vol", persons_count=None),
        row(y24, notified_after=100, late=True, persons_count=5),
        row(datetime(2025, 1, 1, 0, 30, tzinfo=PARIS), notified_after=50, persons_count=7),  # 2024 in UTC
        row(y25, late=True, origin="lost_paper", origin_label="Papier", persons_count=3),  # overdue, not notified
        row(y25, origin="lost_paper", origin_label="Papier", cnil_required=False, persons_count=1),
    ]


def test_breaches_are_counted_per_paris_year_and_origin() -> None:
    figures = compute(known_rows())
    assert [(y.year, y.breaches) for y in figures.years] == [(2024, 3), (2025, 3)]
    assert dict(figures.years[0].by_origin) == {"ransomware": 2, "stolen_device": 1}
    assert dict(figures.years[1].by_origin) == {"ransomware": 1, "lost_paper": 2}
    assert figures.origins == [("ransomware", "Rançongiciel"), ("lost_paper", "Papier"), ("stolen_device", "Vol")]


def test_notifications_are_bucketed_by_delay_from_awareness() -> None:
    assert compute(known_rows()).delays == [("< 24 h", 1), ("24–48 h", 1), ("48–72 h", 1), ("> 72 h", 1)]


def test_share_on_time_counts_overdue_breaches_as_late() -> None:
    figures = compute(known_rows())
    assert (figures.total.notified, figures.total.on_time, figures.total.late) == (4, 3, 2)
    assert figures.total.on_time_percent == "60\u202f%"
    assert figures.years[1].on_time_share == 0.5


def test_persons_affected_add_up_known_counts_per_year() -> None:
    figures = compute(known_rows())
    assert [y.persons for y in figures.years] == [1205, 11]
    assert figures.total.persons == 1216


def test_no_breach_gives_empty_figures() -> None:
    figures = compute([])
    assert figures.empty and figures.total.on_time_share is None
    assert figures.total.on_time_percent == "—"


def test_charts_are_well_formed_accessible_svg_with_escaped_labels() -> None:
    rows = [*known_rows(), row(datetime(2025, 2, 1, tzinfo=PARIS), origin="other", origin_label='<b>"A&B"</b>')]
    for name, svg in charts(compute(rows)).items():
        root = parse(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label"), name
        assert "style=" not in str(svg)
        assert root.find(f"{SVG}title") is not None
        bars = root.findall(f"{SVG}rect")
        assert bars and all(bar.find(f"{SVG}title") is not None for bar in bars), name
        assert root.findall(f"{SVG}text"), name
    legend = [t.text for t in parse(charts(compute(rows))["origins"]).iter(f"{SVG}text")]
    assert '<b>"A&B"</b>' in legend


def test_bars_are_proportional_to_the_counts() -> None:
    root = parse(charts(compute(known_rows()))["persons"])
    heights = [float(rect.get("height", 0)) for rect in root.findall(f"{SVG}rect")]
    plot = HEIGHT - TOP - BOTTOM
    assert heights == pytest.approx([plot, plot * 11 / 1205], abs=0.06)


# --- The page ----------------------------------------------------------------------------------------------


def stats_url(org: Organisation) -> str:
    return reverse("breaches:stats", args=[org.pk])


def test_stats_page_draws_the_four_charts_and_the_table(owner_client: Client, org: Organisation) -> None:
    add_breach(org, title="Ransomware", persons_count=4321)
    response = owner_client.get(stats_url(org))
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4
    assert "4\u202f321" in body  # the label on the bar, French thousands separator


def test_stats_htmx_request_gets_only_the_figures(
    owner_client: Client, org: Organisation, htmx_headers: dict[str, str]
) -> None:
    add_breach(org, origin="lost_paper")
    add_breach(org, origin="ransomware")
    response = owner_client.get(stats_url(org), {"origin": "lost_paper"}, **htmx_headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="stats-figures"' in body
    assert body.count("<svg") == 4
    assert "HX-Request" in response["Vary"]


def test_stats_page_without_breaches_draws_no_chart(owner_client: Client, org: Organisation) -> None:
    response = owner_client.get(stats_url(org))
    assert response.status_code == 200
    assert "<svg" not in response.content.decode()
