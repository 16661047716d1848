"""The journal: every event with its author and time, append-only, shown as a timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from vigie.breaches import services
from vigie.breaches.models import EventKind, TimelineEvent
from vigie.breaches.tests.helpers import declare_ransomware

JUSTIFICATION = "Décision prise après échange avec la CNIL au téléphone, compte rendu joint au dossier."


def timeline(client, breach, **headers):
    url = reverse("breaches:detail", args=[breach.organisation_id, breach.pk]) + "?onglet=chronologie"
    return client.get(url, **headers).content.decode()


def test_every_event_is_journalled_and_shown(owner_client, org, owner, htmx_headers) -> None:
    breach = declare_ransomware(org, owner)
    services.update_facts(breach, by=owner, changes={"persons_count": 1500, "published": True})
    services.overrule_decision(
        breach, by=owner, notify_authority=True, notify_data_subjects=True, justification=JUSTIFICATION
    )
    services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now(), reference="CNIL-1")
    services.record_document_generated(breach, by=owner, kind="cnil-initial", title="Notification initiale CNIL")
    services.add_note(breach, by=owner, text="Appel du prestataire informatique.")
    services.close_breach(breach, by=owner, justification=JUSTIFICATION)
    services.reopen_breach(breach, by=owner)

    kinds = set(breach.events.values_list("kind", flat=True))
    assert {
        EventKind.DECLARED,
        EventKind.FACTS_CHANGED,
        EventKind.ASSESSED,
        EventKind.OVERRULED,
        EventKind.OBLIGATION_DONE,
        EventKind.DOCUMENT_GENERATED,
        EventKind.NOTE,
        EventKind.CLOSED,
        EventKind.REOPENED,
    } <= kinds
    assert all(event.author == owner for event in breach.events.exclude(kind=EventKind.REMINDER_SENT))
    change = breach.events.get(kind=EventKind.FACTS_CHANGED)
    assert change.data["changes"]["persons_count"] == [1200, 1500]
    assert "nombre de personnes concernées : 1\u00a0200 → 1\u00a0500" in change.summary
    for headers in ({}, {**htmx_headers, "HTTP_HX_TARGET": "tab"}):
        page = timeline(owner_client, breach, **headers)
        for label in ("Violation déclarée", "Faits modifiés", "Évaluée", "Décision modifiée", "Formalité accomplie",
                      "Document produit", "Note ajoutée", "Violation clôturée", "Violation rouverte"):  # fmt: skip
            assert label in page
        assert "Claire Martin" in page
        assert "Appel du prestataire informatique." in page


def test_journal_entries_cannot_be_changed_or_deleted(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    event = breach.events.first()
    assert event is not None

    event.summary = "Réécrit"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert TimelineEvent.objects.get(pk=event.pk).summary != "Réécrit"


def test_unchanged_facts_write_nothing_and_unchanged_decisions_are_not_repeated(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    count = breach.events.count()

    assert services.update_facts(breach, by=owner, changes={"persons_count": 1200}) == []
    assert breach.events.count() == count
    services.update_facts(breach, by=owner, changes={"description": "Précision sur les faits."})
    assert breach.events.filter(kind=EventKind.ASSESSED).count() == 1


def test_moving_awareness_moves_the_cnil_deadline_and_refuses_the_future(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    earlier = breach.became_aware_at - timedelta(hours=10)

    services.update_facts(breach, by=owner, changes={"became_aware_at": earlier})

    assert breach.obligation("notify_cnil").due == earlier + timedelta(hours=72)
    assert breach.events.filter(kind=EventKind.ASSESSED).count() == 2
    with pytest.raises(ValidationError):
        services.update_facts(breach, by=owner, changes={"became_aware_at": timezone.now() + timedelta(hours=1)})


@pytest.mark.parametrize("htmx", [False, True])
def test_adding_a_note_through_the_page(owner_client, org, owner, htmx_headers, htmx) -> None:
    breach = declare_ransomware(org, owner)
    url = reverse("breaches:note", args=[org.pk, breach.pk])
    headers = htmx_headers if htmx else {}

    empty = owner_client.post(url, {"text": ""}, **headers)
    assert (
        "Écrivez la note avant de l’ajouter." in empty.content.decode()
        or "Écrivez la note avant de l&#x27;ajouter." in empty.content.decode()
    )
    response = owner_client.post(url, {"text": "Plainte déposée au commissariat."}, **headers)

    assert ("HX-Location" in response) if htmx else response.status_code == 302
    assert breach.events.filter(kind=EventKind.NOTE, summary="Plainte déposée au commissariat.").exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_closing_and_reopening_through_the_page(owner_client, org, owner, htmx_headers, htmx) -> None:
    breach = declare_ransomware(org, owner)
    url = reverse("breaches:close", args=[org.pk, breach.pk])
    headers = htmx_headers if htmx else {}

    page = owner_client.get(url, **headers).content.decode()
    assert "Notifier la violation à la CNIL" in page  # what is still to do, before closing
    refused = owner_client.post(url, {"note": "Tout est réglé."}, **headers)
    assert refused.status_code == 200 and "Notifier la violation à la CNIL" in refused.content.decode()
    breach.refresh_from_db()
    assert not breach.is_closed
    owner_client.post(url, {"note": "Tout est réglé.", "justification": JUSTIFICATION}, **headers)
    breach.refresh_from_db()
    assert breach.is_closed and breach.closed_at is not None
    closed = breach.events.get(kind=EventKind.CLOSED)
    assert JUSTIFICATION in closed.summary and "notify_cnil" in closed.data["open_obligations"]
    owner_client.post(url, {}, **headers)
    breach.refresh_from_db()
    assert not breach.is_closed


def test_the_same_document_downloaded_again_is_journalled_once_until_something_else_happens(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    generated = breach.events.filter(kind=EventKind.DOCUMENT_GENERATED)
    for _ in range(3):
        services.record_document_generated(breach, by=owner, kind="cnil-initial", title="CNIL", data={"format": "pdf"})
    assert generated.count() == 1
    services.record_document_generated(breach, by=owner, kind="cnil-initial", title="CNIL", data={"format": "docx"})
    assert generated.count() == 2  # another format is another document
    services.update_facts(breach, by=owner, changes={"persons_count": 1500})
    services.record_document_generated(breach, by=owner, kind="cnil-initial", title="CNIL", data={"format": "docx"})
    assert generated.count() == 3  # the facts changed in between: the document may differ
    latest = generated.order_by("-at", "-pk")[:1].get()
    TimelineEvent.objects.filter(pk=latest.pk).update(at=timezone.now() - timedelta(minutes=20))  # time passes
    services.record_document_generated(breach, by=owner, kind="cnil-initial", title="CNIL", data={"format": "docx"})
    assert generated.count() == 4  # downloaded again much later: a new entry


def test_a_note_and_an_obligation_marked_not_done_are_in_the_access_log(org, owner) -> None:
    from vigie.audit.models import AuditEvent

    breach = declare_ransomware(org, owner)
    services.add_note(breach, by=owner, text="Appel du prestataire informatique.")
    services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now())
    services.reopen_obligation(breach, "notify_cnil", by=owner, reason="Télédéclaration rejetée.")

    logged = AuditEvent.objects.filter(organisation=org).values_list("action", flat=True)
    assert {"breach.note_added", "breach.obligation_reopened"} <= set(logged)
