"""The import report tells everything (issue 12, point 6): every value changed or set aside is in it with its
line; a 4-digit postcode is completed only when the commune confirms the département; the campaign page
reloads itself when the import ends; a person with a valid e-mail is never shown without a usable channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from vigie.campaigns import crypto, exports, services
from vigie.campaigns.models import Campaign, CampaignStatus

pytestmark = pytest.mark.django_db

HEADER = "Nom;Prénom;Sexe;Date de naissance;Courriel;Portable;Téléphone fixe;Adresse;Code postal;Ville"
LINES = [
    "Le Gall;Anne;F;02/03/1961;anne@exemple-patient.fr;;;4 rue du Port;5600;Ploemeur",  # line 2
    "Perrin;Luc;M;12/05/1970;luc@@exemple-patient.fr;;;1 rue Haute;1000;Bourg-en-Bresse",  # line 3
    "Durand;Léa;F;01/01/1980;lea@exemple-patient.fr;612345678;01 45 67 89 10;;;",  # line 4
    "Martin née Dupont;Eve;F;03/04/1955;eve@exemple-patient.fr;;;;;",  # line 5
]
MAPPING = {
    "birth_name": "Nom", "given_names": "Prénom", "sex": "Sexe", "birth_date": "Date de naissance",
    "email": "Courriel", "mobile": "Portable", "phone": "Téléphone fixe", "address1": "Adresse",
    "postcode": "Code postal", "city": "Ville",
}  # fmt: skip


def _import(breach, tmp_path: Path) -> Campaign:
    path = tmp_path / "patients.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    campaign, _report = services.import_path(breach, path, mapping=MAPPING)
    return campaign


def test_every_value_changed_or_set_aside_is_in_the_report_with_its_line(breach, tmp_path) -> None:
    campaign = _import(breach, tmp_path)
    report = campaign.import_report
    assert report["valid"] == 4 and report["invalid"] == 0
    said = {(w["line"], w["column"]): w["reason"] for w in report["warnings"]}
    assert said[(2, "Code postal")].startswith("code postal à 4 chiffres «…» gardé tel quel")
    assert said[(3, "Courriel")].startswith("courriel «…» invalide")
    assert said[(3, "Code postal")] == "code postal à 4 chiffres : un 0 a été ajouté devant (la commune le confirme)"
    assert said[(4, "Portable")].startswith("téléphone à 9 chiffres : le 0 initial a été remis")
    assert said[(4, "Téléphone fixe")] == "second numéro non retenu : un seul téléphone est gardé"
    assert said[(5, "Nom")].startswith("nom séparé en nom de naissance et nom d'usage")
    assert report["warnings_total"] == len(report["warnings"]) == 6
    full = exports.errors_csv(campaign)
    assert all(f"{line};" in full for line in (2, 3, 4, 5)) and "valeur modifiée ou écartée" in full


def test_a_four_digit_postcode_is_not_moved_to_another_departement(breach, tmp_path) -> None:
    campaign = _import(breach, tmp_path)
    ring = crypto.keyring()
    addresses = {
        recipient.line: crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring)["address"]
        for recipient in campaign.recipients.all()
    }
    assert addresses[2][-1] == "5600 PLOEMEUR"  # kept as written, flagged; never 05600 (Hautes-Alpes)
    assert addresses[3][-1] == "01000 BOURG EN BRESSE"  # the commune confirms the Ain


def test_the_campaign_page_shows_the_changed_values(owner_client, org, breach, tmp_path) -> None:
    campaign = _import(breach, tmp_path)
    page = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert "Valeurs corrigées ou écartées" in page and "second numéro non retenu" in page


def test_the_page_reloads_itself_when_the_import_ends(owner_client, org, breach, tmp_path, htmx_headers) -> None:
    campaign = _import(breach, tmp_path)
    url = reverse("campaigns:progress", args=[org.pk, campaign.pk])
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.IMPORTING)
    importing = owner_client.get(reverse("campaigns:detail", args=[org.pk, campaign.pk])).content.decode()
    assert f'hx-get="{url}?was=importing"' in importing
    assert "HX-Refresh" not in owner_client.get(url, {"was": "importing"}, **htmx_headers)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.READY)
    done = owner_client.get(url, {"was": "importing"}, **htmx_headers)
    assert done["HX-Refresh"] == "true"


def test_a_person_with_a_valid_e_mail_is_not_shown_without_a_channel(owner_client, org, breach, tmp_path) -> None:
    campaign = _import(breach, tmp_path)
    page = owner_client.get(reverse("campaigns:persons", args=[org.pk, campaign.pk])).content.decode()
    assert "Aucun canal utilisable" not in page
    assert page.count("Courriel (au démarrage)") == 3  # line 3's e-mail was refused: its letter is planned
    assert "Courrier postal (au démarrage)" in page


def test_the_command_prints_the_changed_values_with_their_lines(breach, tmp_path) -> None:
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "patients.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("campaign", "import", str(breach.pk), str(path), stdout=out)
    assert "6 valeur(s) corrigée(s) ou écartée(s)" in out.getvalue()
    assert "ligne 2, colonne « Code postal » : code postal à 4 chiffres « 5600 » gardé tel quel" in out.getvalue()
