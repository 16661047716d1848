"""Marking obligations done: when, by whom, the reference; a late CNIL notification needs its reasons."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import Role
from vigie.breaches import services
from vigie.breaches.models import EventKind
from vigie.breaches.tests.helpers import declare_ransomware


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def done_url(breach, obligation: str = "notify_cnil") -> str:
    return reverse("breaches:obligation_done", args=[breach.organisation_id, breach.pk, obligation])


def test_marking_the_cnil_notification_done_records_when_who_and_the_receipt(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=10)
    done_at = timezone.now() - timedelta(hours=1)

    response = owner_client.post(done_url(breach), {"done_at": local(done_at), "reference": "CNIL-2026-4242"})

    assert response.status_code == 302
    row = breach.obligation("notify_cnil")
    assert row is not None and row.done
    assert row.state.done_by == owner and row.state.reference == "CNIL-2026-4242"
    assert row.state.done_at == done_at.replace(second=0, microsecond=0)
    page = owner_client.get(reverse("breaches:detail", args=[org.pk, breach.pk])).content.decode()
    assert "CNIL-2026-4242" in page and "Claire Martin" in page
    assert breach.events.filter(kind=EventKind.OBLIGATION_DONE).exists()


def test_late_cnil_notification_without_reasons_is_refused_and_the_answers_kept(
    owner_client, org, owner, htmx_headers
) -> None:
    breach = declare_ransomware(org, owner, hours_ago=80)
    for headers in ({}, htmx_headers):
        response = owner_client.post(
            done_url(breach), {"done_at": local(timezone.now()), "reference": "CNIL-LATE-1"}, **headers
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "indiquez les motifs du retard" in page
        assert 'value="CNIL-LATE-1"' in page
    assert not breach.obligation("notify_cnil").done


def test_late_cnil_notification_with_reasons_is_accepted(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner, hours_ago=80)

    response = owner_client.post(
        done_url(breach),
        {"done_at": local(timezone.now()), "reference": "CNIL-9", "delay_reasons": "Serveur inaccessible trois jours."},
        **htmx_headers,
    )

    location = json.loads(response["HX-Location"])
    assert (location["path"], location["target"], location["select"]) == (
        reverse("breaches:detail", args=[org.pk, breach.pk]),
        "#obligations",
        "#obligations",
    )
    state = breach.obligation("notify_cnil").state
    assert state.delay_reasons == "Serveur inaccessible trois jours."
    assert "Motifs du retard" in breach.events.get(kind=EventKind.OBLIGATION_DONE).summary


def test_the_service_itself_refuses_a_late_notification_without_reasons(org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=80)
    with pytest.raises(ValidationError):
        services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now())


def test_on_time_notification_needs_no_reasons_and_done_in_the_future_is_refused(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner, hours_ago=2)

    future = owner_client.post(done_url(breach), {"done_at": local(timezone.now() + timedelta(hours=3))})
    assert "Ce moment est dans le futur." in future.content.decode()
    assert owner_client.post(done_url(breach), {"done_at": local(timezone.now())}).status_code == 302


def test_the_form_is_a_page_and_a_partial_for_htmx(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner, hours_ago=75)

    page = owner_client.get(done_url(breach)).content.decode()
    partial = owner_client.get(done_url(breach), **htmx_headers).content.decode()

    assert "<html" in page and "<html" not in partial
    assert "Les 72 heures sont dépassées" in partial
    assert owner_client.get(done_url(breach, "teleportation")).status_code == 404


def test_reopening_an_obligation_keeps_both_entries_in_the_journal(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner, hours_ago=2)
    services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now(), reference="R1")
    url = reverse("breaches:obligation_reopen", args=[org.pk, breach.pk, "notify_cnil"])

    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, **htmx_headers)

    assert "HX-Location" in response
    assert not breach.obligation("notify_cnil").done
    kinds = list(breach.events.values_list("kind", flat=True))
    assert EventKind.OBLIGATION_DONE in kinds and EventKind.OBLIGATION_REOPENED in kinds
    services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now())
    assert owner_client.post(url).status_code == 302


def test_a_member_cannot_mark_obligations_done(client, org, owner, make_member, signed_in) -> None:
    breach = declare_ransomware(org, owner)
    signed_in(client, make_member(org, Role.MEMBER))

    assert client.post(done_url(breach), {"done_at": local(timezone.now())}).status_code == 403
    assert not breach.obligation("notify_cnil").done


def test_obligation_form_on_its_own_page_is_a_plain_form_and_inline_an_htmx_one(
    owner_client, org, owner, htmx_headers
) -> None:
    """htmx refuses to post a form whose target is not on the page, so the standalone page must not use htmx."""
    breach = declare_ransomware(org, owner)
    assert "hx-post" not in owner_client.get(done_url(breach)).content.decode()
    inline = owner_client.get(done_url(breach), **htmx_headers).content.decode()
    assert 'hx-target="#obligation-notify_cnil"' in inline
