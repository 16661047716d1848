"""In a real browser: a lab's DPO finds which of her patients are in a file the attackers published.

From the breach page she opens « Find my patients in a leaked file », uploads the leaked file (the attackers'
dump: other labs' patients mixed in, names without accents, a swapped date, first and family names swapped) and
her patient export, checks the columns and what each exposes, reads the result, reviews the uncertain pairs with
the keyboard (R: not the same person, A: the same), and turns the persons found into a campaign. Each step is a
screenshot under ``docs/screenshots/`` (``leak-*.png``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vigie.campaigns.models import Campaign
from vigie.campaigns.tests.test_browser_campaign import PASSWORD, _lab
from vigie.core.tests.browser import shoot, sign_in
from vigie.leaks.models import LeakMatching, LeakPair
from vigie.leaks.tests.conftest import LEAK, LEAK_HEADER, PATIENTS, PATIENTS_HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXTRA_LEAK = [
    "D007;BERNARD;LOUIS;;M;;59000;Glycémie;1,12 g/L",  # no birth date: to review
    "D008;Leroy;Marcel;14/07/1940;M;;59800;NFS;normal",
]


def test_a_lab_dpo_finds_her_patients_in_a_published_file(page, live_server, settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    user, device, org, breach = _lab()
    patients, leak = tmp_path / "export-patients.csv", tmp_path / "fichier-publie.csv"
    patients.write_text("\n".join([PATIENTS_HEADER, *PATIENTS]) + "\n", encoding="cp1252")
    leak.write_text("\n".join([LEAK_HEADER, *LEAK, *EXTRA_LEAK]) + "\n", encoding="utf-8")
    base = live_server.url
    sign_in(page, base, user.email, PASSWORD, device, org_id=org.pk)

    # 1. From the breach's « inform the persons » obligation to the leaked files, then the upload.
    page.goto(f"{base}/organisations/{org.pk}/violations/{breach.pk}/")
    page.click("#obligation-inform_persons >> text=Retrouver mes patients dans un fichier divulgué")
    page.wait_for_url(re.compile(rf"/violations/{breach.pk}/fichiers-divulgues/$"))
    page.click("main >> text=Comparer un fichier divulgué")
    page.set_input_files("input[name=leak]", str(leak))
    page.set_input_files("input[name=patients]", str(patients))
    shoot(page, "leak-1-upload")
    page.click("main form button.primary")

    # 2. The columns of both files as Vigie recognised them, and what each leaked column exposes.
    page.wait_for_url(re.compile(r"/fichiers-divulgues/\d+/colonnes/$"))
    assert page.input_value("select[name=leak-birth_name]") == "nom"
    assert page.input_value("select[name=leak-birth_date]") == "ddn"
    assert page.input_value("select[name=leak-nir]") == "nss"
    assert page.input_value("select[name=category-column_8]") == "health"  # « resultat »
    shoot(page, "leak-2-columns")
    page.click("main form#mapping > .actions button.primary")

    # 3. The result: four patients found, two pairs to review, the rest other labs' patients.
    page.wait_for_url(re.compile(r"/fichiers-divulgues/\d+/$"))
    matching = LeakMatching.objects.get(breach=breach)
    counts = {name: page.inner_text(f"#progress .count.{name} dd") for name in ("found", "review")}
    assert counts == {"found": "3", "review": "2"}, counts
    assert matching.counts["none"] == 3
    shoot(page, "leak-3-result")

    # 4. Each uncertain pair side by side; the keyboard decides.
    page.click("text=Vérifier les paires incertaines")
    page.wait_for_url(re.compile(r"/verification/$"))
    assert "COEURDEVEY" in page.inner_text("#pair") and "Cœurdevey" in page.inner_text("#pair")
    assert page.locator("#pair tr.trait.disagree").count() >= 1  # the first names differ: her twin sister
    shoot(page, "leak-4-review")
    page.keyboard.press("r")
    page.wait_for_function("() => document.querySelector('#pair').innerText.includes('BERNARD')")
    page.keyboard.press("a")
    page.wait_for_selector("text=Toutes les paires incertaines ont été vérifiées.")
    reviews = dict(LeakPair.objects.filter(matching=matching, decision="review").values_list("leak_line", "review"))
    assert reviews == {6: "rejected", 8: "accepted"}

    # 5. The persons found become a campaign of the breach, ready to start.
    page.click("text=Revenir au résultat")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("text=Informer les 4 personnes retrouvées")
    page.wait_for_url(re.compile(r"/campagnes/\d+/$"))
    campaign = Campaign.objects.get(breach=breach)
    assert campaign.persons_count == 4
    assert "4 personnes retrouvées dans le fichier divulgué" in page.inner_text("main")
    shoot(page, "leak-5-campaign")
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
