"""In a real browser: a software vendor declares an incident to two of its lab clients (one on Vigie, one not),
uploads the leaked file, chooses the key column, checks the counts and splits it. Screenshots under
``docs/screenshots/`` (``incident-declare-*.png``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigie.accounts.models import Membership, Organisation, Role
from vigie.campaigns.models import Campaign
from vigie.core.tests.browser import shoot, sign_in
from vigie.incidents.models import Incident, SplitUpload, UploadStatus
from vigie.incidents.tests.test_browser_incident import PASSWORD, _member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville"


def test_the_vendor_declares_uploads_and_splits(page, live_server, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    vendor = Organisation.objects.create(name="LaboSoft", kind="other", city="Rennes", dpo_email="dpo@labosoft.example")
    user, device = _member(vendor, "direction@labosoft.example", Role.OWNER)
    lab = Organisation.objects.create(name="Laboratoire Bio Armor", kind="laboratoire", dpo_email="dpo@armor.example")
    rows = [f"{('ARMOR', 'PORT', 'QUIMPER')[n % 3]};Secretnom{n};Anne;F;0{1 + n % 9}/03/1970;p{n}@exemple-patient.fr;"
            "56000;Vannes" for n in range(18)]  # fmt: skip
    leaked = tmp_path / "export.csv"
    leaked.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    base = live_server.url
    sign_in(page, base, user.email, PASSWORD, device, org_id=vendor.pk)
    # The vendor's director is also a member of its client lab (it hosts its accounts): the lab is offered.
    Membership.objects.create(user=user, organisation=lab, role=Role.MEMBER)

    page.goto(f"{base}/organisations/{vendor.pk}/incidents/")
    page.click("text=Déclarer un incident à vos clients")
    page.fill("#id_title", "Faille du portail de résultats")
    page.fill("#id_description", "Exports de résultats téléchargés par un tiers.")
    page.select_option("#id_origin", "hacking")
    page.check("input[name=breach_types][value=confidentiality]")
    page.check("input[name=data_categories][value=health]")
    page.fill(f"#id_code_{lab.pk}", "ARMOR")
    page.fill("#id_external", "Laboratoire du Port ; dpo@port.example ; PORT")
    shoot(page, "incident-declare-1-form")
    page.click("#declare button[type=submit]")
    page.wait_for_url(re.compile(r"/incidents/\d+/fichier/$"))
    incident = Incident.objects.get()
    assert incident.external_controllers.get().name == "Laboratoire du Port"

    page.set_input_files("#id_file", str(leaked))
    page.click("#upload button[type=submit]")
    page.wait_for_url(re.compile(r"/incidents/fichiers/\d+/$"))
    page.select_option("#id_key_column", "Code labo")
    page.click("#key-column button[type=submit]")
    page.wait_for_selector("#preview")
    preview = page.inner_text("#preview")
    assert "Laboratoire Bio Armor" in preview and "Laboratoire du Port" in preview and "hors Vigie" in preview
    assert "Secretnom" not in page.content()
    shoot(page, "incident-declare-2-preview")
    page.click("#preview button[type=submit]")
    page.wait_for_selector("#split-done")
    assert SplitUpload.objects.get().status == UploadStatus.DONE
    assert Campaign.objects.get(breach__organisation=lab).persons_count == 6
    shoot(page, "incident-declare-3-split")

    # The processor's page: the lab's progress, the controller not on Vigie and its rows kept for it.
    page.click("text=Suivre l'avancement de chaque responsable de traitement")
    page.wait_for_url(re.compile(rf"/incidents/{incident.pk}/$"))
    external = page.inner_text("#external")
    assert "Laboratoire du Port" in external and "hors Vigie" in external
    assert "aucun serveur de messagerie" in external  # the test server has none: never shown as sent
    assert "6 lignes conservées pour Laboratoire du Port" in page.inner_text("#splits")
    shoot(page, "incident-declare-4-processor")
