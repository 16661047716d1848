"""The breach dossier: built from the database in one place, checked against its schema with JSON paths."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from vigie.breaches import services
from vigie.documents.dossier import SCHEMA_PATH, build_dossier, validate_dossier
from vigie.documents.models import Letterhead, LetterTemplate
from vigie.documents.render import KINDS, render

from .builders import dossier
from .conftest import declare
from .pdftext import pdf_text


def test_schema_is_a_valid_json_schema_2020_12() -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"].endswith("2020-12/schema")


def test_built_dossier_follows_the_schema_and_holds_everything_known(breach, owner) -> None:
    services.mark_obligation_done(breach, "notify_cnil", by=owner, done_at=timezone.now(), reference="CNIL-77")
    data = build_dossier(breach)
    assert validate_dossier(data) == []
    assert (
        data["organisation"]["name"] == "Cabinet du Dr Martin"
        and data["organisation"]["dpo"]["name"] == "Dr Claire Martin"
    )
    assert data["facts"] == breach.to_facts()
    assert data["breach"]["measures_taken"] == "Serveur isolé ; mots de passe changés"
    assert data["assessment"]["risk"] == "high" and data["decision"]["notify_authority"] is True
    cnil = next(item for item in data["obligations"] if item["id"] == "notify_cnil")
    assert cnil["reference"] == "CNIL-77" and cnil["done_at"]
    assert [event["kind"] for event in data["timeline"]][0] == "declared"
    json.dumps(data)  # plain JSON


def test_every_document_renders_from_a_dossier_built_on_database_rows(breach) -> None:
    data = build_dossier(breach)
    for kind, spec in KINDS.items():
        output = render(kind, data, spec.formats[0])
        assert output
    assert "Cabinet du Dr Martin" in pdf_text(render("letter", data, "pdf"))


def test_dossier_carries_the_organisation_texts_and_logo(breach, org, owner) -> None:
    LetterTemplate.objects.create(organisation=org, kind="letter", version=1, body="v1", created_by=owner)
    LetterTemplate.objects.create(organisation=org, kind="letter", version=2, body="v2", created_by=owner)
    Letterhead.objects.create(organisation=org, logo=b"\x89PNG")
    data = build_dossier(breach)
    assert data["templates"] == {"letter": {"version": 2, "body": "v2"}}
    assert data["organisation"]["logo_png"] == "iVBORw=="


def test_a_draft_breach_exports_but_is_no_valid_dossier_until_assessed(org, owner) -> None:
    draft = services.declare_breach(
        org, by=owner, title="Brouillon", became_aware_at=timezone.now() - timedelta(hours=1)
    )
    problems = validate_dossier(build_dossier(draft))
    assert any(problem.path == "assessment" for problem in problems)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["organisation"].pop("name"), "organisation"),
        (lambda d: d["breach"].update(became_aware_at="2026-03-02 09:15"), "breach.became_aware_at"),
        (lambda d: d["timeline"][1].update(at="hier"), "timeline[1].at"),
        (lambda d: d["facts"]["nature"].update(origin="ransomeware"), "facts.nature.origin"),
        (lambda d: d.update(unexpected=1), ""),
        (lambda d: d["obligations"][0].update(status="maybe"), "obligations[0].status"),
        (lambda d: d["templates"].update(cnil={"version": 1, "body": "x"}), "templates"),
    ],
)
def test_invalid_dossier_problems_name_their_json_path(change, path) -> None:
    data = dossier()
    change(data)
    problems = validate_dossier(data)
    assert problems and path in [problem.path for problem in problems], problems


def test_date_without_offset_is_refused() -> None:
    data = dossier()
    data["generated_at"] = "2026-03-02T09:15:00"
    assert [p.path for p in validate_dossier(data)] == ["generated_at"]


def test_every_org_sees_only_its_own_letter_templates(make_org, owner) -> None:
    one, two = make_org("Un"), make_org("Deux")
    LetterTemplate.objects.create(organisation=one, kind="sms", version=1, body="un")
    LetterTemplate.objects.create(organisation=two, kind="sms", version=1, body="deux")
    assert LetterTemplate.objects.latest_bodies(one) == {"sms": {"version": 1, "body": "un"}}
    assert list(LetterTemplate.objects.for_org(two).values_list("body", flat=True)) == ["deux"]


def test_late_breach_from_database_carries_its_delay_reasons(org, owner) -> None:
    late = declare(org, owner, hours_ago=100)
    services.mark_obligation_done(
        late, "notify_cnil", by=owner, done_at=timezone.now(), reference="CNIL-9", delay_reasons="Journaux reçus tard."
    )
    text = pdf_text(render("cnil-complementary", build_dossier(late), "pdf"))
    assert "Motifs du retard" in text and "Journaux reçus tard." in text
