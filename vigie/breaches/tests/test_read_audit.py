"""Every read of a breach's facts, plainly or as an htmx fragment, and of the register, is in the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.audit.models import AuditEvent

from .helpers import declare_ransomware

pytestmark = pytest.mark.django_db


def reads(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_the_facts_tab_and_its_fragment_are_audited(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner)
    url = reverse("breaches:detail", args=[org.pk, breach.pk]) + "?onglet=faits"
    assert owner_client.get(url).status_code == 200
    assert owner_client.get(url, **htmx_headers, HTTP_HX_TARGET="tab").status_code == 200
    viewed = reads("breach.viewed")
    assert len(viewed) == 2
    assert all(event.object_id == str(breach.pk) and event.actor == owner for event in viewed)
    assert {event.detail["tab"] for event in viewed} == {"facts"}


def test_refreshing_the_countdowns_is_not_a_read_of_the_facts(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner)
    url = reverse("breaches:detail", args=[org.pk, breach.pk])
    assert owner_client.get(url, **htmx_headers, HTTP_HX_TARGET="obligations").status_code == 200
    assert reads("breach.viewed") == []


def test_a_question_of_the_intake_shows_the_facts_and_is_audited(owner_client, org, owner) -> None:
    breach = declare_ransomware(org, owner)
    assert owner_client.get(reverse("breaches:intake", args=[org.pk, breach.pk, "evenement"])).status_code == 200
    [event] = reads("breach.facts_viewed")
    assert event.object_id == str(breach.pk) and event.detail == {"step": "evenement"}


def test_the_register_page_and_its_fragment_are_audited(owner_client, org, owner, htmx_headers) -> None:
    declare_ransomware(org, owner)
    url = reverse("breaches:register", args=[org.pk])
    assert owner_client.get(url).status_code == 200
    assert owner_client.get(url + "?annee=2026", **htmx_headers).status_code == 200
    viewed = reads("register.view")
    assert len(viewed) == 2 and all(event.organisation_id == org.pk for event in viewed)
    assert viewed[1].detail == {"filters": {"annee": "2026"}}


def test_a_document_preview_and_the_dossier_export_are_audited(owner_client, org, owner, capsys) -> None:
    from django.core.management import call_command

    breach = declare_ransomware(org, owner)
    assert breach.assessment is not None
    response = owner_client.get(reverse("documents:preview", args=[org.pk, breach.pk, "letter"]))
    assert response.status_code == 200
    [previewed] = reads("document.previewed")
    assert previewed.detail == {"kind": "letter"} and previewed.actor == owner
    call_command("breach", "export", str(breach.pk))
    [event] = reads("breach.exported")
    assert event.object_id == str(breach.pk) and event.actor is None
