"""In a real browser: a new GP practice writes its record of processing from the template, prints its patient
poster, opens the public notice, answers the security self-assessment and checks its host against the ANS list.
Screenshots of the main pages go to ``docs/screenshots/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.compliance import hds, questionnaire
from vigie.compliance.models import ComplianceProfile, ProcessingActivity
from vigie.core.tests.browser import shoot, sign_in

from .conftest import sample_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe tres long"


def _sign_in(page, base: str) -> Organisation:
    org = Organisation.objects.create(
        name="Cabinet du Dr Roussel",
        kind="cabinet_medical",
        profession="medecins",
        address="4 rue Pasteur",
        postcode="35000",
        city="Rennes",
        email="accueil@cabinet-roussel.fr",
        dpo_name="Dr Paul Roussel",
        dpo_email="dpo@cabinet-roussel.fr",
    )
    user = User.objects.create_user("dr.roussel@cabinet-roussel.fr", PASSWORD, full_name="Dr Paul Roussel")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    Membership.objects.create(user=user, organisation=org, role=Role.OWNER)
    sign_in(page, base, user.email, PASSWORD, device, org_id=org.pk)
    return org


def test_a_new_gp_practice_puts_its_prevention_in_place(page, live_server, tmp_path: Path) -> None:
    base = live_server.url
    hds.import_hosts(sample_csv(), "liste-hds-exemple.csv")
    org = _sign_in(page, base)

    # 1. The prevention overview says what is missing and offers the GP template, which fills the record.
    page.click("nav.mainnav >> text=Prévention")
    page.wait_for_url(re.compile(r"/conformite/$"))
    assert "Le registre des activités de traitement est vide." in page.inner_text("main")
    assert "Dossier médical et suivi des patients" in page.inner_text("section.offer")
    page.click("text=Remplir mon registre à partir de ce modèle")
    page.wait_for_url(re.compile(r"/conformite/registre/$"))
    page.wait_for_selector("article.activity")
    assert page.input_value("select[name=template]") == "cabinet"
    assert "Dossier médical et suivi des patients" in page.inner_text("main")
    assert ProcessingActivity.objects.filter(organisation=org).count() == 7
    shoot(page, "compliance-record")

    # 2. The poster: an A4 PDF with the retention periods and the rights, and a QR code to the public notice.
    page.click("nav.tabs >> text=Affiche patients")
    with page.expect_download() as download:
        page.click("button[value=a4]")
    pdf = tmp_path / "affiche.pdf"
    download.value.save_as(pdf)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert "20 ans" in text and "3 place de Fontenoy" in text
    notice_url = page.get_attribute("#notice-url", "href")
    token = ComplianceProfile.objects.get(organisation=org).public_token
    assert notice_url == f"/public/{token}/"

    # 3. The public notice opens without signing in, in a fresh browser context.
    other = page.context.browser.new_context(locale="fr-FR")
    visitor = other.new_page()
    visitor.goto(f"{base}{notice_url}")
    assert "Cabinet du Dr Roussel" in visitor.inner_text("main")
    assert "Réclamation" in visitor.inner_text("main")
    other.close()

    # 4. The self-assessment: answer every question, finish, see the radar chart and the action plan.
    page.click("nav.tabs >> text=Auto-évaluation")
    page.click("text=Commencer l’auto-évaluation")
    page.wait_for_selector("fieldset.question")
    weak = {"sauvegarde-hors-ligne", "portables-chiffres", "double-authentification", "charte"}
    for question in questionnaire.QUESTIONS:
        page.check(f"input[name={question.id}][value={'no' if question.id in weak else 'yes'}]")
    page.click("text=Terminer et voir les résultats")
    page.wait_for_selector("svg.radar")
    assert page.get_attribute("svg.radar", "role") == "img"
    assert "Garder une copie déconnectée" in page.inner_text("main")
    shoot(page, "compliance-assessment")
    page.click("text=Plan d’action")
    page.wait_for_url(re.compile(r"/plan-d-action/$"))
    assert "Activer le chiffrement du disque de chaque portable." in page.inner_text("main")

    # 5. The host of the medical software is checked against the ANS list.
    page.click("nav.tabs >> text=Sous-traitants")
    page.click("text=Ajouter un sous-traitant")
    page.fill("input[name=name]", "Hébergeur Inconnu")
    page.check("input[name=hosts_health_data]")
    page.check("input[name=hds_activities][value='5']")
    page.click("main form button.primary")
    page.wait_for_selector("ul.findings")
    assert "absent de la liste ANS" in page.inner_text("main")

    # 6. The overview now shows what was done and what remains.
    page.goto(f"{base}/organisations/{org.pk}/conformite/")
    overview = page.inner_text("main")
    assert "Affiche d’information des patients générée." in overview
    assert "Hébergeur Inconnu" in overview
    shoot(page, "compliance-dashboard")
    assert not page.console_errors
