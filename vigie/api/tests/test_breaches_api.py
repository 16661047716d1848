"""Breaches through the API: the same services as the pages (journal, access log, assessment), the same roles."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext

from vigie.accounts.models import Role
from vigie.audit.models import AuditEvent
from vigie.breaches.models import Breach, EventKind, ObligationState

RANSOMWARE = {
    "title": "Rançongiciel au laboratoire",
    "became_aware_at": "2025-03-28T09:15:00+01:00",
    "breach_types": ["confidentiality", "availability"],
    "origin": "ransomware",
    "malicious": True,
    "data_categories": ["identity", "health"],
    "persons_count": 2400,
    "person_categories": ["patients"],
}


def test_declaring_from_facts_goes_through_the_service(api, org, owner) -> None:
    answer = api.post("/api/v1/breaches/", RANSOMWARE)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    breach = Breach.objects.get(pk=body["id"])
    assert (breach.organisation, breach.created_by, breach.reference) == (org, owner, "2025-001")
    assert body["status"] == "assessed" and body["decision"]["notify_authority"] is True
    assert body["facts"]["persons_count"] == 2400 and body["facts"]["description"] is None
    assert {o["id"] for o in body["obligations"]} >= {"notify_cnil", "inform_persons"}
    assert list(breach.events.values_list("kind", flat=True)[:2]) == [EventKind.DECLARED, EventKind.ASSESSED]
    declared = AuditEvent.objects.get(action="breach.declared")
    assert declared.actor == owner and declared.organisation == org


def test_unknown_facts_are_refused_and_nothing_is_declared(api, org) -> None:
    answer = api.post("/api/v1/breaches/", {**RANSOMWARE, "hair_colour": "red", "origin": "aliens"})
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    errors = {error["field"]: error["message"] for error in answer.json()["errors"]}
    assert errors["hair_colour"] == "Champ inconnu."
    assert errors["origin"].startswith("Valeur non admise\u00a0; valeurs possibles\u00a0: ransomware, malware, ")
    assert not Breach.objects.exists()


def test_problems_speak_english_when_asked(api) -> None:
    answer = api.post("/api/v1/breaches/", {"title": "x"}, language="en")
    assert answer.status_code == 422
    assert answer.json()["title"] == "Invalid data"
    assert answer.json()["errors"] == [{"field": "became_aware_at", "message": "This field is required."}]
    french = api.post("/api/v1/breaches/", {"title": "x"}, language="fr")
    assert french.json()["title"] == "Données invalides"
    assert french.json()["errors"] == [{"field": "became_aware_at", "message": "Ce champ est obligatoire."}]


def test_a_moment_in_the_future_is_refused_by_the_service(api) -> None:
    future = (timezone.now() + timedelta(days=1)).isoformat()
    answer = api.post("/api/v1/breaches/", {"title": "x", "became_aware_at": future})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "became_aware_at", "message": "Le moment de la prise de connaissance ne peut pas être dans le futur."}
    ]
    assert not Breach.objects.exists()


def test_a_naive_moment_is_refused(api) -> None:
    answer = api.post("/api/v1/breaches/", {"title": "x", "became_aware_at": "2025-03-28T09:15:00"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "became_aware_at"


def test_changing_facts_is_journalled_and_reassessed(api, assessed_breach) -> None:
    url = f"/api/v1/breaches/{assessed_breach.pk}/"
    answer = api.send("patch", url, {"persons_count": 3, "description": None, "protection": "encrypted"})
    assert answer.status_code == 200, answer.content
    assert sorted(answer.json()["changed"]) == ["description", "persons_count", "protection"]
    assessed_breach.refresh_from_db()
    assert (assessed_breach.persons_count, assessed_breach.description) == (3, "")
    event = assessed_breach.events.filter(kind=EventKind.FACTS_CHANGED).last()
    assert event is not None and event.data["changes"]["persons_count"] == [240, 3]
    assert answer.json()["breach"]["facts"]["protection"] == "encrypted"


def test_reading_a_breach_is_in_the_access_log_with_the_token(api, assessed_breach, owner) -> None:
    answer = api.get(f"/api/v1/breaches/{assessed_breach.pk}/")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "private, no-store"
    viewed = AuditEvent.objects.get(action="breach.viewed")
    assert viewed.actor == owner and viewed.object_id == str(assessed_breach.pk)
    assert viewed.detail["api_token"] == api.raw.split("_")[1]


def test_marking_the_cnil_notification_done_with_its_receipt(api, assessed_breach) -> None:
    done_at = (timezone.now() - timedelta(minutes=5)).isoformat()
    url = f"/api/v1/breaches/{assessed_breach.pk}/obligations/notify_cnil/done/"
    answer = api.post(url, {"done_at": done_at, "reference": "CNIL-2026-12345"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["done"] is True and answer.json()["reference"] == "CNIL-2026-12345"
    state = ObligationState.objects.get(breach=assessed_breach, obligation="notify_cnil")
    assert state.reference == "CNIL-2026-12345"
    assert assessed_breach.events.filter(kind=EventKind.OBLIGATION_DONE).exists()
    reopened = api.post(f"/api/v1/breaches/{assessed_breach.pk}/obligations/notify_cnil/reopen/", {"reason": "Erreur"})
    assert reopened.json()["done"] is False
    missing = api.post(f"/api/v1/breaches/{assessed_breach.pk}/obligations/fly_to_mars/done/", {"done_at": done_at})
    assert missing.status_code == 404


def test_a_member_may_not_do_what_only_a_dpo_does(api_as, org, make_member, assessed_breach) -> None:
    member = api_as(org, make_member(org, Role.MEMBER))
    url = f"/api/v1/breaches/{assessed_breach.pk}/obligations/notify_cnil/done/"
    answer = member.post(url, {"done_at": timezone.now().isoformat()})
    assert answer.status_code == 403
    assert answer.json()["type"] == "urn:vigie:problem:forbidden"
    assert not ObligationState.objects.exists()
    assert (
        member.post(f"/api/v1/breaches/{assessed_breach.pk}/notes/", {"text": "Appel du prestataire"}).status_code
        == 201
    )


def test_overruling_notes_and_closing(api, assessed_breach) -> None:
    base = f"/api/v1/breaches/{assessed_breach.pk}"
    short = api.post(
        f"{base}/decision/", {"notify_authority": False, "notify_data_subjects": False, "justification": "non"}
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "justification"
    overruled = api.post(f"{base}/decision/", {"notify_authority": True, "notify_data_subjects": False,
                                              "justification": "Les données étaient chiffrées et la clé est intacte."})  # fmt: skip
    assert overruled.status_code == 200 and overruled.json()["decision"]["overridden"] is True
    assert api.post(f"{base}/notes/", {"text": "Appel de la CNIL"}).json()["summary"] == "Appel de la CNIL"
    refused = api.post(f"{base}/close/", {"note": "Tout est fait."})  # the CNIL notification is still due
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "justification"
    closing = {"note": "Tout est fait.", "justification": "La CNIL a été notifiée par courrier, hors de Vigie."}
    assert api.post(f"{base}/close/", closing).json()["status"] == "closed"
    assert api.post(f"{base}/reopen/", {}).json()["status"] == "assessed"
    kinds = list(assessed_breach.events.values_list("kind", flat=True))
    assert [k for k in kinds if k in ("overruled", "note", "closed", "reopened")] == [
        "overruled",
        "note",
        "closed",
        "reopened",
    ]
    timeline = api.get(f"{base}/timeline/").json()
    assert [entry["kind"] for entry in timeline][-2:] == ["closed", "reopened"]


def test_a_state_that_forbids_the_action_is_a_conflict(api, org, owner) -> None:
    draft = api.post("/api/v1/breaches/", {"title": "Clé USB perdue", "became_aware_at": "2025-03-28T09:15:00+01:00"})
    answer = api.post(f"/api/v1/breaches/{draft.json()['id']}/decision/", {"notify_authority": True,
                      "notify_data_subjects": True, "justification": "Une justification assez longue."})  # fmt: skip
    assert answer.status_code == 409
    with translation.override("fr"):
        expected = gettext("The breach has not been assessed yet: complete the facts first.")
    assert expected.startswith("La violation") and answer.json()["detail"] == expected


def test_list_filters_and_cursor_pages(api, org, owner) -> None:
    for n in range(5):
        api.post("/api/v1/breaches/", {**RANSOMWARE, "title": f"Violation {n}"})
    api.post("/api/v1/breaches/", {"title": "Brouillon", "became_aware_at": "2024-05-01T10:00:00+02:00"})
    first = api.get("/api/v1/breaches/", limit=4).json()
    assert [item["title"] for item in first["items"]] == ["Brouillon", "Violation 4", "Violation 3", "Violation 2"]
    second = api.get("/api/v1/breaches/", limit=4, cursor=first["next_cursor"]).json()
    assert [item["title"] for item in second["items"]] == ["Violation 1", "Violation 0"]
    assert second["next_cursor"] is None
    assert [item["title"] for item in api.get("/api/v1/breaches/", status="draft").json()["items"]] == ["Brouillon"]
    assert len(api.get("/api/v1/breaches/", year=2025).json()["items"]) == 5
    bad = api.get("/api/v1/breaches/", cursor="not-a-cursor")
    assert bad.status_code == 400 and bad.json()["detail"] == "Ce curseur n’a pas été donné par cette API."


def test_obligations_across_breaches_soonest_first(api, assessed_breach) -> None:
    items = api.get("/api/v1/obligations/").json()
    assert items and all(item["breach_id"] == assessed_breach.pk and not item["done"] for item in items)
    dues = [item["due"] for item in items if item["due"]]
    assert dues == sorted(dues)


def test_the_register_export_is_in_the_access_log(api, assessed_breach, owner) -> None:
    answer = api.get("/api/v1/register/", format="csv", origin="ransomware")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8" and answer["Cache-Control"] == "private, no-store"
    assert "Rançongiciel au cabinet" in answer.content.decode("utf-8-sig")
    export = AuditEvent.objects.get(action="register.export")
    assert export.actor == owner and export.detail["filters"] == {"origin": "ransomware"}
    assert "api_token" in export.detail


def test_each_token_is_rate_limited(api, api_as, org, owner, settings) -> None:
    settings.VIGIE_API_RATE = 3
    for _n in range(3):
        assert api.get("/api/v1/").status_code == 200
    limited = api.get("/api/v1/")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["type"] == "urn:vigie:problem:rate-limited"
    assert api_as(org, owner).get("/api/v1/").status_code == 200  # another token has its own count


def test_the_timeline_speaks_the_language_asked_and_keeps_the_french_record(api, assessed_breach) -> None:
    base = f"/api/v1/breaches/{assessed_breach.pk}"
    api.post(f"{base}/reopen/", {})  # nothing to reopen: no entry
    api.post(f"{base}/close/", {"justification": "La CNIL a été notifiée par courrier, hors de Vigie."})

    english = api.get(f"{base}/timeline/", language="en").json()
    french = api.get(f"{base}/timeline/", language="fr").json()

    closed_en = next(entry for entry in english if entry["kind"] == "closed")
    closed_fr = next(entry for entry in french if entry["kind"] == "closed")
    assert closed_en["summary"].startswith("Breach closed. Closed with obligations still open (")
    assert closed_fr["summary"].startswith("Violation clôturée. Clôturée alors que des obligations restaient")
    assert closed_en["record"] == closed_fr["record"] == closed_fr["summary"]
