"""The prevention dashboard: what is missing or due, each with the page that fixes it."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from vigie.compliance import dashboard, hds, services
from vigie.compliance.models import Assessment, Processor, RecordVersion

from .conftest import sample_csv
from .test_assessment import all_answers


def titles(org, level: str | None = None) -> list[str]:
    return [str(i.title) for i in dashboard.items(org, timezone.localdate()) if level is None or i.level == level]


def test_a_new_organisation_is_told_everything_it_lacks(org) -> None:
    found = dashboard.items(org, timezone.localdate())
    text = [str(item.title) for item in found]
    assert "Le registre des activités de traitement est vide." in text
    assert "L’affiche d’information des patients n’a pas été générée." in text
    assert "Aucune auto-évaluation de la sécurité pour l’instant." in text
    assert "Aucun sous-traitant enregistré pour l’instant." in text
    assert any("adresse postale" in t for t in text)
    assert found[0].level == "danger"
    assert all(item.url.startswith("/organisations/") for item in found)


def test_a_record_older_than_a_year_is_due_for_review(gp) -> None:
    RecordVersion.objects.for_org(gp).update(created_at=timezone.now() - timedelta(days=400))
    assert "Le registre n’a pas été relu depuis plus d’un an." in titles(gp, "warn")
    services.review_record(gp, by=None)
    assert any(t.startswith("Registre à jour (version 2") for t in titles(gp, "ok"))


def test_the_poster_must_be_printed_again_after_the_record_changes(gp) -> None:
    services.mark_poster_generated(gp)
    assert "Affiche d’information des patients générée." in titles(gp, "ok")
    services.review_record(gp, by=None)
    assert "Le registre a changé depuis la génération de l’affiche." in titles(gp, "warn")


def test_the_assessment_score_and_its_age_are_shown(gp) -> None:
    assessment = services.start_assessment(gp, by=None)
    services.save_answers(assessment, all_answers("yes"), complete=True)
    assert "Auto-évaluation de la sécurité : 100 %." in titles(gp, "ok")
    Assessment.objects.filter(pk=assessment.pk).update(completed_at=timezone.now() - timedelta(days=400))
    assert "La dernière auto-évaluation date de plus d’un an." in titles(gp, "warn")


def test_overdue_actions_are_counted(gp) -> None:
    services.add_action(gp, title="x", due_on=timezone.localdate() - timedelta(days=1))
    assert "1 action(s) du plan de sécurité en retard." in titles(gp, "warn")


def test_certificates_expiring_within_90_days_and_absent_hosts_are_listed(gp) -> None:
    hds.import_hosts(sample_csv(), "liste.csv")
    Processor.objects.create(organisation=gp, name="Bientôt Expiré", siren="111222333", hosts_health_data=True)
    Processor.objects.create(organisation=gp, name="Inconnu", hosts_health_data=True)
    Processor.objects.create(organisation=gp, name="Comptable", hosts_health_data=False)
    found = titles(gp)
    assert any(t.startswith("Bientôt Expiré : Le certificat HDS expire le") for t in found)
    assert any(t.startswith("Inconnu : Héberge des données de santé mais est absent") for t in found)
    assert not any(t.startswith("Comptable") for t in found)  # contract details stay on its own page


def test_the_dashboard_page(owner_client, gp, htmx_headers) -> None:
    assessment = services.start_assessment(gp, by=None)
    services.save_answers(assessment, all_answers("partly"), complete=True)
    url = reverse("compliance:index", args=[gp.pk])
    page = owner_client.get(url).content.decode()
    assert "affiche d’information des patients" in page and 'role="img"' in page
    assert reverse("compliance:poster", args=[gp.pk]) in page
    fragment = owner_client.get(url, HTTP_HX_TARGET="items", **htmx_headers).content.decode()
    assert "<html" not in fragment and 'class="todo"' in fragment
