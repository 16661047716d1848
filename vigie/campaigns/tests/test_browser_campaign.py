"""In a real browser: a laboratory's DPO informs the patients of a ransomware attack one by one.

From the breach page she opens the campaigns, uploads the patient list exported from the laboratory software (a
CSV with French headers, one wrong NIR, a duplicate spelt without accents, a patient without e-mail), corrects
the column that Vigie did not recognise, reads the validation report, starts the campaign and watches it reach
100 %. A real SMTP server on 127.0.0.1 receives one e-mail per patient with an e-mail address. Each step is saved
as a screenshot under ``docs/screenshots/`` (``campaign-*.png``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.breaches import services as breach_services
from vigie.breaches.models import Breach, ObligationState
from vigie.breaches.tests.helpers import RANSOMWARE_FACTS
from vigie.campaigns.models import Campaign, CampaignStatus
from vigie.core.tests.browser import shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe tres long"
# « Mél. perso » is not a header Vigie knows: the DPO maps it to the e-mail herself.
HEADER = "Nom;Prénom;Sexe;Né(e) le;N° sécu;Mél. perso;Adresse;Code postal;Ville;Données"
PATIENTS = [
    ("Martin", "Camille", "F"), ("Bernard", "Louis", "M"), ("Lefèvre", "Hélène", "F"), ("Dubois", "Jules", "M"),
    ("Moreau", "Léa", "F"), ("Laurent", "Hugo", "M"), ("Simon", "Chloé", "F"), ("Michel", "Arthur", "M"),
    ("Garcia", "Manon", "F"), ("David", "Gabriel", "M"), ("Bertrand", "Inès", "F"), ("Roux", "Raphaël", "M"),
    ("Vincent", "Jade", "F"), ("Fournier", "Adam", "M"), ("Morel", "Louise", "F"), ("Girard", "Paul", "M"),
    ("André", "Emma", "F"), ("Mercier", "Nathan", "M"), ("Dupont", "Alice", "F"), ("Lambert", "Théo", "M"),
    ("Bonnet", "Rose", "F"), ("François", "Noah", "M"), ("Martinez", "Anna", "F"), ("Legrand", "Tom", "M"),
    ("Garnier", "Lina", "F"), ("Faure", "Maël", "M"), ("Rousseau", "Zoé", "F"), ("Blanc", "Lucas", "M"),
]  # fmt: skip


def unaccented(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def nir(sex: str, born: str, order: int) -> str:
    """A well-formed NIR (born in the Nord, 59350) whose control key is right."""
    day, month, year = born.split("/")
    body = f"{1 if sex == 'M' else 2}{year[2:]}{month}59350{order:03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def patient_list() -> tuple[str, list[str]]:
    """The list as the laboratory software exports it, and the e-mail addresses that must receive a message."""
    lines, emails = [HEADER], []
    for n, (last, first, sex) in enumerate(PATIENTS, start=1):
        born = f"{n % 28 + 1:02d}/{n % 12 + 1:02d}/{1950 + n}"
        email = unaccented(f"{first}.{last}{n}@exemple-patient.fr".lower())
        data = "santé, NIR" if n % 3 else "santé"
        lines.append(f"{last};{first};{sex};{born};{nir(sex, born, n)};{email};{n} rue Nationale;59000;Lille;{data}")
        emails.append(email)
    third = lines[3].split(";")  # Hélène LEFÈVRE again, typed without accents: the same person
    lines.append(";".join(["LEFEVRE", "Helene", *third[2:5], "", "", "", "", ""]))
    good = nir("M", "02/03/1948", 77)
    lines.append(
        f"Petit;Jean;M;02/03/1948;{good[:-2]}{(int(good[-2:]) + 1) % 97:02d};jean.petit@exemple-patient.fr;;;;"
    )
    lines.append("Leroy;Marcel;M;14/07/1940;;;8 place du Théâtre;59800;Lille;santé")  # no e-mail: a letter
    return "\n".join(lines) + "\n", emails


def _lab() -> tuple[User, TOTPDevice, Organisation, Breach]:
    org = Organisation.objects.create(
        name="Laboratoire BioNord",
        kind="laboratoire",
        profession="pharmaciens",
        address="12 rue Nationale",
        postcode="59000",
        city="Lille",
        email="contact@bionord-labo.fr",
        phone="03 20 00 00 00",
        dpo_name="Sophie Caron",
        dpo_email="dpo@bionord-labo.fr",
    )
    user = User.objects.create_user("s.caron@bionord-labo.fr", PASSWORD, full_name="Sophie Caron")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    Membership.objects.create(user=user, organisation=org, role=Role.DPO)
    breach = breach_services.declare_breach(
        org,
        by=user,
        title="Rançongiciel sur le serveur de résultats",
        became_aware_at=timezone.now() - timedelta(hours=20),
        **{**RANSOMWARE_FACTS, "data_categories": ["identity", "birth_date", "national_id", "health"]},
    )
    return user, device, org, breach


def test_a_lab_dpo_informs_each_patient_of_a_ransomware_attack(page, live_server, smtp, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    user, device, org, breach = _lab()
    assert breach.notify_data_subjects is True
    content, emails = patient_list()
    upload = tmp_path / "export-patients.csv"
    upload.write_text(content, encoding="utf-8")
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())  # « Start sending to every person of the list? »

    # 1. Sign in: password, then the six-digit code of the authenticator app.
    sign_in(page, base, user.email, PASSWORD, device, org_id=org.pk)

    # 2. From the breach's « inform the persons » obligation to its campaigns, then the upload.
    page.goto(f"{base}/organisations/{org.pk}/violations/{breach.pk}/")
    page.click("#obligation-inform_persons >> text=Informer les personnes une par une")
    page.wait_for_url(re.compile(rf"/violations/{breach.pk}/campagnes/$"))
    page.click("main >> text=Importer une liste de personnes")
    page.wait_for_url(re.compile(r"/campagnes/nouvelle/$"))
    page.set_input_files("input[name=file]", str(upload))
    shoot(page, "campaign-1-upload")
    page.click("main form button.primary")

    # 3. The columns: every French header recognised but « Mél. perso », which the DPO maps to the e-mail.
    page.wait_for_url(re.compile(r"/correspondance/$"))
    assert page.text_content(".file-columns li.unused") == "Mél. perso (non utilisée)"
    assert page.input_value("select[name=email]") == ""
    assert page.input_value("select[name=nir]") == "N° sécu"
    assert page.input_value("select[name=birth_date]") == "Né(e) le"
    page.select_option("select[name=email]", "Mél. perso")
    shoot(page, "campaign-2-mapping")
    page.click("main form button.primary")

    # 4. The validation report: the wrong NIR on its line, with the reason in French; the duplicate merged.
    page.wait_for_url(re.compile(r"/campagnes/\d+/$"))
    campaign = Campaign.objects.get(breach=breach)
    assert campaign.mapping["email"] == "Mél. perso"
    report = {name: page.inner_text(f"#report .count.{name} dd") for name in ("valid", "invalid", "duplicates")}
    assert report == {"valid": "29", "invalid": "1", "duplicates": "1"}
    bad_line = page.locator("#report tbody tr").filter(has_text="clé de contrôle")
    assert bad_line.locator("td").first.inner_text() == "31"  # header = line 1
    assert "NIR : la clé de contrôle ne correspond pas" in bad_line.inner_text()
    shoot(page, "campaign-3-report")

    # 5. Start: e-mails over SMTP, a letter for the patient without e-mail, and the bar at 100 %.
    page.click("#progress button.primary")
    page.wait_for_function("() => document.querySelector('#send-bar').position === 1")
    progress = page.inner_text("#progress")
    assert "29 personnes traitées sur 29 (100 %)" in progress, progress
    counts = {
        name: page.inner_text(f"#progress .count.{name} dd") for name in ("sent", "letters", "failed", "unreachable")
    }
    assert counts == {"sent": "28", "letters": "1", "failed": "0", "unreachable": "0"}
    assert page.inner_text("#report .count.invalid dd") == "1"
    shoot(page, "campaign-4-done")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE

    # 6. The SMTP server received one message per patient with an e-mail, each identified on the lab's domain.
    assert sorted(smtp.recipients()) == sorted(emails)
    assert all(re.fullmatch(r"<vigie\.\d+\.\d+\.[0-9a-f]{12}@bionord-labo\.fr>", mid) for mid in smtp.message_ids())
    assert len(set(smtp.message_ids())) == len(emails)
    # 7. The letter is produced, not yet sent: « inform the persons » waits for its deposit with the mail house.
    assert not ObligationState.objects.filter(breach=breach, obligation="inform_persons", done_at__isnull=False)
    receipt = tmp_path / "bordereau-de-depot.pdf"
    receipt.write_bytes(b"%PDF-1.4\n% bordereau de depot du routeur\n")
    page.set_input_files("#deposit input[name=receipt]", str(receipt))
    page.click("#deposit button.primary")
    page.wait_for_selector("#deposit a[href*=recepisse]")
    assert "1 courrier déposé le" in page.inner_text("#deposit")
    assert page.inner_text("#progress .count.letters-posted dd") == "1"
    shoot(page, "campaign-5-deposit")
    assert ObligationState.objects.filter(breach=breach, obligation="inform_persons", done_at__isnull=False)
    # Nothing the pages did broke the Content-Security-Policy.
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
