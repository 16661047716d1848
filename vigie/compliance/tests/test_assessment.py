"""The security self-assessment: scoring, radar chart, action plan, history and trend."""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from vigie.compliance import questionnaire, services
from vigie.compliance.models import Action, Assessment
from vigie.compliance.radar import Series, radar_svg

SVG = "{http://www.w3.org/2000/svg}"


def all_answers(value: str) -> dict[str, str]:
    return {question.id: value for question in questionnaire.QUESTIONS}


def test_the_questionnaire_is_practice_sized_and_every_question_is_explained() -> None:
    assert 30 <= len(questionnaire.QUESTIONS) <= 50
    assert len({q.id for q in questionnaire.QUESTIONS}) == len(questionnaire.QUESTIONS)
    for question in questionnaire.QUESTIONS:
        assert question.domain in questionnaire.DOMAIN_BY_ID
        assert question.text.endswith("?") and len(question.why) > 30 and question.action and question.sources
    for domain in questionnaire.DOMAINS:
        assert len(questionnaire.questions_of(domain.id)) >= 3


def test_the_questionnaire_covers_the_themes_of_the_issue() -> None:
    ids = set(questionnaire.QUESTION_BY_ID)
    for expected in (
        "double-authentification",
        "mises-a-jour",
        "sauvegarde-hors-ligne",
        "restauration-testee",
        "portables-chiffres",
        "mssante",
        "droits-par-fonction",
        "journaux",
        "hebergeur-hds",
        "contrats-art-28",
        "sensibilisation",
        "procedure-incident",
    ):
        assert expected in ids


def test_scores_per_domain_weigh_answers_and_leave_out_not_applicable() -> None:
    answers = all_answers("yes")
    answers["sauvegarde-reguliere"] = "no"  # weight 2 of 6 in the backups domain
    answers["restauration-testee"] = "partly"  # 0.5 of 1
    answers["wifi-patients"] = "na"
    for question in questionnaire.questions_of("locaux"):
        answers[question.id] = "na"
    scores = questionnaire.domain_scores(answers)
    assert scores["sauvegardes"] == round(100 * (0 + 2 + 0.5 + 1) / 6)
    assert scores["postes"] == 100
    assert scores["locaux"] is None
    assert questionnaire.overall_score(scores) == round((9 * 100 - 100 + scores["sauvegardes"]) / 9)


def test_an_unanswered_question_counts_as_unknown() -> None:
    assert questionnaire.domain_scores({})["authentification"] == 0
    assert questionnaire.overall_score(questionnaire.domain_scores(all_answers("yes"))) == 100


def test_the_radar_chart_is_well_formed_accessible_svg() -> None:
    axes = [str(domain.short) for domain in questionnaire.DOMAINS]
    svg = radar_svg(
        axes,
        [Series("2026", [80, 50, None, 100, 0, 60, 70, 90, 40, 30]), Series("2025", [10] * 10)],
        title="Auto-évaluation <test> & co",
        summary="Mots de passe 80 %",
    )
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output, not untrusted data
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label") == "Mots de passe 80 %"
    assert root.find(f"{SVG}title").text == "Auto-évaluation <test> & co"
    series = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "series"]
    assert [p.get("data-label") for p in series] == ["2025", "2026"]  # the newest drawn last, on top
    labels = ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("text-anchor")]
    assert len(labels) == 10 and labels[0] == f"{axes[0]} 80 %" and labels[2].endswith("—")


def test_completing_an_assessment_scores_it_and_plans_the_actions(gp, owner) -> None:
    assessment = services.start_assessment(gp, by=owner)
    answers = all_answers("yes") | {"sauvegarde-hors-ligne": "no", "charte": "partly", "journaux": "unknown"}
    services.save_answers(assessment, answers, complete=True, today=date(2026, 3, 1))
    assessment.refresh_from_db()
    assert assessment.is_completed and assessment.overall < 100 and assessment.scores["authentification"] == 100
    plan = {action.question: action for action in Action.objects.for_org(gp)}
    assert set(plan) == {"sauvegarde-hors-ligne", "charte", "journaux"}
    assert plan["sauvegarde-hors-ligne"].due_on == date(2026, 3, 31)  # weighs 2: a month
    assert plan["charte"].due_on == date(2026, 5, 30)
    assert services.last_assessment(gp) == assessment


def test_a_new_assessment_starts_from_the_last_answers_and_does_not_duplicate_open_actions(gp, owner) -> None:
    first = services.start_assessment(gp, by=owner)
    services.save_answers(first, all_answers("yes") | {"charte": "no"}, complete=True)
    second = services.start_assessment(gp, by=owner)
    assert second.pk != first.pk and second.answers["charte"] == "no"
    assert services.start_assessment(gp, by=owner) == second  # the draft is resumed
    services.save_answers(second, {"charte": "no"}, complete=True)
    assert Action.objects.for_org(gp).filter(question="charte").count() == 1


def test_unknown_answers_and_questions_are_ignored(gp, owner) -> None:
    assessment = services.start_assessment(gp, by=owner)
    services.save_answers(assessment, {"charte": "maybe", "no-such-question": "yes", "mssante": "yes"}, complete=False)
    assert assessment.answers == {"mssante": "yes"}


def test_the_questionnaire_page_saves_a_draft_then_finishes(owner_client, gp, htmx_headers) -> None:
    start = owner_client.post(reverse("compliance:assessment_start", args=[gp.pk]))
    assessment = Assessment.objects.for_org(gp).get()
    url = reverse("compliance:assessment", args=[gp.pk, assessment.pk])
    assert start["Location"] == url
    page = owner_client.get(url).content.decode()
    assert html.escape(questionnaire.QUESTIONS[0].why) in page
    draft = owner_client.post(url, {"mssante": "yes", "save": "1"}, HTTP_HX_TARGET="questionnaire", **htmx_headers)
    assert draft.status_code == 200 and "<html" not in draft.content.decode()
    assessment.refresh_from_db()
    assert assessment.answers == {"mssante": "yes"} and not assessment.is_completed
    done = owner_client.post(url, {**all_answers("yes"), "finish": "1"}, **htmx_headers)
    assert json.loads(done["HX-Location"])["path"] == reverse(
        "compliance:assessment_result", args=[gp.pk, assessment.pk]
    )
    assert (
        owner_client.get(url)["Location"] == json.loads(done["HX-Location"])["path"]
    )  # a completed assessment is not edited


def test_finishing_with_unanswered_questions_asks_to_confirm_and_names_them(owner_client, gp, owner) -> None:
    assessment = services.start_assessment(gp, by=owner)
    url = reverse("compliance:assessment", args=[gp.pk, assessment.pk])
    first, second = questionnaire.QUESTIONS[0], questionnaire.QUESTIONS[1]
    answers = {k: v for k, v in all_answers("yes").items() if k not in (first.id, second.id)}
    asked = owner_client.post(url, {**answers, "finish": "1"})
    assessment.refresh_from_db()
    assert asked.status_code == 200 and not assessment.is_completed
    page = asked.content.decode()
    assert html.escape(first.text) in page and html.escape(second.text) in page and 'name="finish_anyway"' in page
    assert len(assessment.answers) == len(questionnaire.QUESTIONS) - 2  # kept as a draft meanwhile
    done = owner_client.post(url, {"finish_anyway": "1"})
    assessment.refresh_from_db()
    assert done.status_code == 302 and assessment.is_completed


def test_the_results_page_shows_the_radar_and_what_to_improve(owner_client, gp, owner, htmx_headers) -> None:
    assessment = services.start_assessment(gp, by=owner)
    services.save_answers(assessment, all_answers("yes") | {"portables-chiffres": "no"}, complete=True)
    url = reverse("compliance:assessment_result", args=[gp.pk, assessment.pk])
    for headers in ({}, htmx_headers):
        body = owner_client.get(url, **headers).content.decode()
        assert 'role="img"' in body and "<table" in body
        assert html.escape(questionnaire.QUESTION_BY_ID["portables-chiffres"].action) in body
    draft = services.start_assessment(gp, by=owner)
    assert owner_client.get(reverse("compliance:assessment_result", args=[gp.pk, draft.pk])).status_code == 302


def test_the_history_shows_the_trend_between_assessments(owner_client, gp, owner, htmx_headers) -> None:
    first = services.start_assessment(gp, by=owner)
    services.save_answers(first, all_answers("no"), complete=True)
    Assessment.objects.filter(pk=first.pk).update(completed_at=timezone.now() - timedelta(days=200))
    second = services.start_assessment(gp, by=owner)
    services.save_answers(second, all_answers("yes"), complete=True)
    url = reverse("compliance:assessments", args=[gp.pk])
    for headers in ({}, htmx_headers):
        body = owner_client.get(url, **headers).content.decode()
        assert "+100" in body and body.count('class="series"') == 2


def test_the_action_plan_gets_owners_due_dates_and_completion(owner_client, gp, owner, htmx_headers) -> None:
    assessment = services.start_assessment(gp, by=owner)
    services.save_answers(assessment, all_answers("yes") | {"charte": "no"}, complete=True)
    action = Action.objects.for_org(gp).get()
    url = reverse("compliance:actions", args=[gp.pk])
    assert html.escape(action.title) in owner_client.get(url).content.decode()
    assert owner_client.get(url, HTTP_HX_TARGET="plan", **htmx_headers).status_code == 200
    update = reverse("compliance:action_update", args=[gp.pk, action.pk])
    response = owner_client.post(
        update, {f"a{action.pk}-owner": "Dr Martin", f"a{action.pk}-due_on": "2026-09-30"}, **htmx_headers
    )
    assert response.status_code == 200 and "HX-Location" in response
    action.refresh_from_db()
    assert action.owner == "Dr Martin" and action.due_on == date(2026, 9, 30) and action.done_on is None
    owner_client.post(update, {f"a{action.pk}-owner": "Dr Martin", f"a{action.pk}-done": "on"})
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    response = owner_client.post(url, {"title": "Acheter un broyeur", "owner": "Secrétariat", "due_on": "2026-12-01"})
    assert response.status_code == 302 and Action.objects.for_org(gp).filter(title="Acheter un broyeur").exists()


def test_overdue_actions(gp) -> None:
    services.add_action(gp, title="Old", due_on=date(2020, 1, 1))
    services.add_action(gp, title="Later", due_on=date(2099, 1, 1))
    assert [a.title for a in Action.objects.for_org(gp).overdue(date(2026, 1, 1))] == ["Old"]
