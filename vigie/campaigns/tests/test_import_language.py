"""Why a file cannot be read is said in the reader's language (issue 12.7); the failed import records it in French."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from vigie.accounts.models import Organisation
from vigie.breaches.models import Breach
from vigie.campaigns import services
from vigie.campaigns.importing import ImportError_
from vigie.campaigns.models import Campaign, CampaignStatus

PDF_EN = "This file is a PDF document, not a list of patients (CSV, XLSX or FHIR JSON)."
PDF_FR = "Ce fichier est un document PDF, pas une liste de patients (CSV, XLSX ou FHIR JSON)."


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "liste.csv"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 200)
    return path


@pytest.mark.parametrize(("language", "reason"), [("fr", PDF_FR), ("en", PDF_EN)])
def test_the_reason_is_shown_in_the_language_and_recorded_in_french(
    breach: Breach, pdf: Path, language: str, reason: str
) -> None:
    with translation.override(language), pytest.raises(ImportError_) as raised:
        services.import_path(breach, pdf)

    with translation.override(language):
        assert str(raised.value) == reason
    campaign = Campaign.objects.get(breach=breach)
    assert campaign.status == CampaignStatus.FAILED
    assert campaign.import_report["fatal"] == PDF_FR
    with translation.override(language):
        assert campaign.import_failure == reason


@pytest.mark.parametrize(("language", "reason"), [("fr", PDF_FR), ("en", PDF_EN)])
def test_the_campaign_page_says_why_the_import_failed_in_the_language_of_its_reader(
    owner_client: Client, org: Organisation, breach: Breach, pdf: Path, language: str, reason: str
) -> None:
    with pytest.raises(ImportError_):
        services.import_path(breach, pdf)
    campaign = Campaign.objects.get(breach=breach)

    for name in ("detail", "mapping"):
        with translation.override("fr"):  # the request activates its language: put back the tests' one after it
            page = owner_client.get(
                reverse(f"campaigns:{name}", args=[org.pk, campaign.pk]), HTTP_ACCEPT_LANGUAGE=language
            ).content.decode()
        assert f'<p class="message error" role="alert">{reason}</p>' in page, name


def test_the_command_line_says_why_in_english_when_it_speaks_english(breach: Breach, pdf: Path) -> None:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("campaign", "import", str(breach.pk), str(pdf))

    assert str(raised.value) == PDF_EN


@pytest.mark.parametrize(("language", "reason"), [("fr", "Fichier illisible : "), ("en", "Unreadable file: ")])
def test_a_reason_with_a_value_is_translated_with_its_value(tmp_path: Path, language: str, reason: str) -> None:
    from vigie.campaigns.importing import Importer

    with translation.override(language), pytest.raises(ImportError_) as raised:
        Importer(tmp_path / "absent.csv")
    with translation.override(language):
        assert str(raised.value) == reason + "No such file or directory."
