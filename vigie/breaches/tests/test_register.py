"""The breach register (art. 33(5)): filters, search, lateness, pagination, and the page itself."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Organisation, Role, User
from vigie.breaches.models import Breach, ObligationState
from vigie.breaches.register import register_page, register_rows

PARIS = ZoneInfo("Europe/Paris")
_refs = itertools.count(1)


def add_breach(
    org: Organisation,
    *,
    title: str = "Violation",
    aware: datetime | None = None,
    origin: str = "ransomware",
    status: str = "assessed",
    risk: str | None = "high",
    notify_authority: bool = True,
    notify_persons: bool = True,
    notified_at: datetime | None = None,
    receipt: str = "",
    delay_reasons: str = "",
    informed_at: datetime | None = None,
    **extra: Any,
) -> Breach:
    """A breach made directly through the models, with its assessment and obligation states as given."""
    extra.setdefault("reference", f"2025-{next(_refs):03d}")
    extra.setdefault("persons_count", 10)
    breach = Breach.objects.create(
        organisation=org,
        title=title,
        became_aware_at=aware or timezone.now() - timedelta(days=10),
        origin=origin,
        status=status,
        assessment=None
        if risk is None
        else {"risk": risk, "notify_authority": notify_authority, "notify_data_subjects": notify_persons},
        **extra,
    )
    if notified_at is not None or receipt:
        ObligationState.objects.create(
            breach=breach, obligation="notify_cnil", done_at=notified_at, reference=receipt, delay_reasons=delay_reasons
        )
    if informed_at is not None:
        ObligationState.objects.create(breach=breach, obligation="inform_persons", done_at=informed_at)
    return breach


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def titles(org: Organisation, **filters: Any) -> set[str]:
    return {row.title for row in register_rows(org, filters)}


@pytest.fixture
def varied(org: Organisation) -> Organisation:
    """One breach per situation the register distinguishes."""
    aware = paris(2024, 3, 1, 9, 0)
    add_breach(org, title="On time", aware=aware, notified_at=aware + timedelta(hours=30), receipt="R-1")
    add_breach(
        org, title="Notified late", aware=aware, notified_at=aware + timedelta(hours=80), delay_reasons="Week-end"
    )
    add_breach(org, title="Overdue", aware=paris(2025, 1, 10, 8, 0), origin="stolen_device")
    add_breach(org, title="Clock running", aware=timezone.now() - timedelta(hours=5), status="draft")
    add_breach(
        org,
        title="Register only",
        aware=paris(2025, 2, 1, 8, 0),
        origin="lost_paper",
        risk="unlikely",
        notify_authority=False,
        notify_persons=False,
        status="closed",
        description="Dossier papier égaré au secrétariat",
    )
    add_breach(
        org,
        title="Overruled",
        aware=paris(2025, 3, 1, 8, 0),
        origin="misdirected_email",
        override_notify_authority=False,
    )
    add_breach(org, title="Not assessed", aware=paris(2025, 4, 1, 8, 0), risk=None, status="draft")
    return org


def test_register_lists_every_breach_notified_or_not(varied: Organisation) -> None:
    assert len(register_rows(varied, {})) == 7


def test_late_means_notified_after_72_hours_or_overdue_while_required(varied: Organisation) -> None:
    assert titles(varied, late="yes") == {"Notified late", "Overdue"}
    assert titles(varied, late="no") == {"On time", "Clock running", "Register only", "Overruled", "Not assessed"}


def test_an_overruling_by_the_dpo_decides_whether_notification_is_required(varied: Organisation) -> None:
    row = next(r for r in register_rows(varied, {}) if r.title == "Overruled")
    assert row.cnil_required is False
    assert not row.late


def test_notified_filter_reads_the_cnil_obligation(varied: Organisation) -> None:
    assert titles(varied, notified="yes") == {"On time", "Notified late"}
    assert len(titles(varied, notified="no")) == 5


def test_year_filter_uses_paris_time(org: Organisation) -> None:
    add_breach(org, title="New Year's Eve", aware=paris(2025, 1, 1, 0, 30))  # 2024-12-31 23:30 UTC
    assert titles(org, year=2025) == {"New Year's Eve"}
    assert titles(org, year=2024) == set()


def test_origin_and_status_filters(varied: Organisation) -> None:
    assert titles(varied, origin="stolen_device") == {"Overdue"}
    assert titles(varied, status="draft") == {"Clock running", "Not assessed"}


def test_search_looks_in_title_reference_and_description(varied: Organisation) -> None:
    assert titles(varied, q="dossier PAPIER") == {"Register only"}
    assert titles(varied, q="overrul") == {"Overruled"}
    reference = Breach.objects.get(title="On time").reference
    assert titles(varied, q=reference) == {"On time"}


def test_row_carries_receipt_delay_reasons_and_informing(org: Organisation) -> None:
    aware = paris(2024, 5, 2, 10, 0)
    add_breach(
        org, title="Lab", aware=aware, notified_at=aware + timedelta(hours=2), receipt="CNIL-42", informed_at=aware
    )
    (row,) = register_rows(org, {})
    assert (row.cnil_receipt, row.cnil_notified_at, row.persons_informed_at) == (
        "CNIL-42",
        aware + timedelta(hours=2),
        aware,
    )
    assert row.risk_label and row.origin_label and row.status_label


def test_register_never_shows_another_organisation(varied: Organisation, make_org: Callable[..., Organisation]) -> None:
    other = make_org("Autre cabinet")
    add_breach(other, title="Elsewhere")
    assert "Elsewhere" not in titles(varied)


def test_invalid_filters_are_ignored_rather_than_emptying_the_register(varied: Organisation) -> None:
    context = register_page(varied, {"year": "1850", "origin": "aliens", "late": "maybe"})
    assert context["total"] == 7


def test_register_is_paginated_by_fifty(org: Organisation) -> None:
    for n in range(51):
        add_breach(org, title=f"B{n}", aware=paris(2024, 1, 1, 8, 0) + timedelta(hours=n))
    first = register_page(org, {})
    second = register_page(org, {"page": "2"})
    assert (len(first["rows"]), len(second["rows"]), first["total"]) == (50, 1, 51)
    assert second["rows"][0].title == "B0"  # most recent first


# --- The page ----------------------------------------------------------------------------------------------


def register_url(org: Organisation) -> str:
    return reverse("breaches:register", args=[org.pk])


def test_register_page_shows_rows_with_badges_and_links(owner_client: Client, varied: Organisation) -> None:
    response = owner_client.get(register_url(varied))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" in body
    assert "Notified late" in body and "R-1" in body
    assert "registre.csv" in body


def test_register_filters_work_without_javascript(owner_client: Client, varied: Organisation) -> None:
    response = owner_client.get(register_url(varied), {"late": "yes"})
    body = response.content.decode()
    assert "Overdue" in body and "Register only" not in body
    assert "late=yes" in body  # the exports keep the filters


def test_register_htmx_request_gets_only_the_table(
    owner_client: Client, varied: Organisation, htmx_headers: dict[str, str]
) -> None:
    response = owner_client.get(register_url(varied), {"origin": "lost_paper"}, **htmx_headers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="register-table"' in body
    assert "Register only" in body and "Overdue" not in body
    assert "HX-Request" in response["Vary"]


def test_read_only_member_can_view_the_register(
    client: Client, varied: Organisation, make_member: Callable[..., User], signed_in: Callable[..., Client]
) -> None:
    signed_in(client, make_member(varied, Role.READONLY))
    assert client.get(register_url(varied)).status_code == 200


def test_register_requires_sign_in(client: Client, varied: Organisation) -> None:
    response = client.get(register_url(varied))
    assert response.status_code == 302


def test_register_rows_link_to_the_breach(owner_client: Client, org: Organisation) -> None:
    breach = add_breach(org, title="Lien")
    body = owner_client.get(register_url(org)).content.decode()
    assert f'href="{reverse("breaches:detail", args=[org.pk, breach.pk])}"' in body


def test_register_pages_keep_the_filters(owner_client: Client, org: Organisation, htmx_headers: dict[str, str]) -> None:
    for n in range(51):
        add_breach(org, title=f"B{n}", origin="lost_paper", aware=paris(2024, 1, 1, 8, 0) + timedelta(hours=n))
    for headers in ({}, htmx_headers):
        body = owner_client.get(register_url(org), {"origin": "lost_paper"}, **headers).content.decode()
        assert "?origin=lost_paper&amp;page=2" in body
        assert body.count("<tr") == 51  # the header and fifty rows
    second = owner_client.get(register_url(org), {"origin": "lost_paper", "page": "2"}).content.decode()
    assert "B0" in second and "B50" not in second and "?origin=lost_paper&amp;page=1" in second


def test_htmx_history_restore_gets_the_whole_page(
    owner_client: Client, org: Organisation, htmx_headers: dict[str, str]
) -> None:
    response = owner_client.get(register_url(org), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **htmx_headers)
    assert "<html" in response.content.decode()


def test_empty_register_says_so(owner_client: Client, org: Organisation, htmx_headers: dict[str, str]) -> None:
    for headers in ({}, htmx_headers):
        body = owner_client.get(register_url(org), **headers).content.decode()
        assert "Aucune violation enregistrée" in body and "<table" not in body
    body = owner_client.get(register_url(org), {"q": "rien"}).content.decode()
    assert "Aucune violation ne correspond à ces filtres." in body
