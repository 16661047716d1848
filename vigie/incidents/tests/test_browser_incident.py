"""In a real browser: a lab acknowledges its software vendor's alert from its breach, and the vendor follows each
lab's progress without seeing any patient. Screenshots under ``docs/screenshots/`` (``incident-*.png``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.core.tests.browser import shoot, sign_in
from vigie.incidents.models import IncidentController
from vigie.incidents.services import create_incident
from vigie.incidents.splitting import split_file
from vigie.incidents.tests.conftest import FACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe tres long"
HEADER = "Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville"


def _member(org: Organisation, email: str, role: str) -> tuple[User, TOTPDevice]:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].title())
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user, device


def test_a_lab_acknowledges_and_the_vendor_follows_its_progress(page, live_server, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    vendor = Organisation.objects.create(name="LaboSoft", kind="other", city="Rennes")
    vendor_user, vendor_device = _member(vendor, "direction@labosoft.example", Role.OWNER)
    labs = [
        Organisation.objects.create(name=name, kind="laboratoire", city=city, dpo_email=f"dpo@{code.lower()}.example")
        for name, city, code in (("Laboratoire Bio Armor", "Vannes", "ARMOR"),
                                 ("Laboratoire des Remparts", "Saint-Malo", "REMPARTS"),
                                 ("Biolab Côte d'Émeraude", "Dinard", "EMERAUDE"))
    ]  # fmt: skip
    lab_user, lab_device = _member(labs[0], "dpo@armor.example", Role.DPO)
    incident = create_incident(vendor, controllers=list(zip(labs, ("ARMOR", "REMPARTS", "EMERAUDE"), strict=True)),
                               facts=FACTS, title="Faille du portail de résultats", by=vendor_user)  # fmt: skip
    rows = [f"{('ARMOR', 'REMPARTS', 'EMERAUDE', 'QUIMPER')[n % 4]};Secretnom{n};Anne;F;0{1 + n % 9}/03/1970;"
            f"p{n}@exemple-patient.fr;56000;Vannes" for n in range(24)]  # fmt: skip
    leaked = tmp_path / "export.csv"
    leaked.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    split_file(incident, leaked, key_column="Code labo", by=vendor_user)
    link = IncidentController.objects.get(incident=incident, organisation=labs[0])
    base = live_server.url

    # 1. The lab's breach says where it comes from; the lab acknowledges, and its clock starts.
    sign_in(page, base, lab_user.email, PASSWORD, lab_device, org_id=labs[0].pk)
    page.goto(f"{base}/organisations/{labs[0].pk}/violations/{link.breach_id}/")
    assert "LaboSoft vous a alerté de cette violation" in page.inner_text("#processor-alert")
    shoot(page, "incident-2-lab-breach")
    page.click("#processor-alert >> text=Confirmer la réception de l'alerte")
    page.wait_for_url(re.compile(rf"/incidents/alertes/{link.pk}/$"))
    page.click("#acknowledge button[type=submit]")
    page.wait_for_url(re.compile(rf"/violations/{link.breach_id}/$"))
    assert "réception de l'alerte confirmée le" in page.inner_text("#processor-alert")
    link.refresh_from_db()
    assert link.acknowledged_at is not None

    # 2. The vendor sees each lab's progress: acknowledged or not, CNIL, persons informed — no patient.
    page.context.clear_cookies()
    sign_in(page, base, vendor_user.email, PASSWORD, vendor_device, org_id=vendor.pk)
    page.goto(f"{base}/organisations/{vendor.pk}/incidents/{incident.pk}/")
    table = page.inner_text("#progress")
    for lab in labs:
        assert lab.name in table
    assert table.count("pas encore") == 2
    assert "Secretnom" not in page.content()
    shoot(page, "incident-1-processor")
