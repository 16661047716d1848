"""The ``vigie campaign`` command, as scripts and tests use it."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vigie.audit.models import AuditEvent
from vigie.campaigns.models import Campaign, CampaignStatus
from vigie.campaigns.tests.conftest import person_line

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("campaign", *args, stdout=out)
    return out.getvalue()


def test_import_prints_the_campaign_and_the_validation_summary_as_json(breach, write_list) -> None:
    lines = [person_line(1), "Durand;Luc;M;31/02/1990;luc@example.fr;;;;", person_line(1), person_line(2)]
    data = json.loads(_run("import", str(breach.pk), str(write_list(lines=lines)), "--json"))
    campaign = Campaign.objects.get()
    assert data["campaign"] == campaign.pk
    assert (data["rows"], data["valid"], data["invalid"], data["duplicates"]) == (4, 2, 1, 1)
    assert data["errors"] == [{"line": 3, "column": "Date de naissance", "reason": data["errors"][0]["reason"]}]
    assert campaign.status == CampaignStatus.READY and campaign.persons_count == 2


def test_import_with_a_mapping(breach, write_list) -> None:
    mapping = {"birth_name": "Nom", "given_names": "Prénom", "birth_date": "Date de naissance", "email": "Courriel"}
    data = json.loads(_run("import", str(breach.pk), str(write_list(2)), "--mapping", json.dumps(mapping), "--json"))
    assert data["valid"] == 2
    assert Campaign.objects.get().import_report["mapping"] == mapping


def test_import_in_words(breach, write_list) -> None:
    out = _run("import", str(breach.pk), str(write_list(2)))
    assert "Campagne n°" in out and "2 valides" in out


def test_an_unreadable_file_is_a_command_error(breach, tmp_path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_text("")
    with pytest.raises(CommandError):
        _run("import", str(breach.pk), str(empty))


def test_start_status_pause_and_resume(smtp, imported) -> None:
    campaign = imported(3)
    status = json.loads(_run("status", str(campaign.pk), "--json"))
    assert status["pending"] == 3 and status["sent"] == 0
    assert "démarrée" in _run("start", str(campaign.pk))
    status = json.loads(_run("status", str(campaign.pk), "--json"))
    assert {key: status[key] for key in ("pending", "sent", "failed", "bounced", "letters", "unreachable")} == {
        "pending": 0, "sent": 3, "failed": 0, "bounced": 0, "letters": 0, "unreachable": 0,
    }  # fmt: skip
    assert status["status"] == "done"
    with pytest.raises(CommandError):
        _run("pause", str(campaign.pk))


def test_ledger_export_from_the_command_is_audited(smtp, imported, tmp_path) -> None:
    campaign = imported(1)
    _run("start", str(campaign.pk))
    output = tmp_path / "preuve.csv"
    _run("ledger", str(campaign.pk), "--output", str(output))
    assert "250 2.0.0" in output.read_text(encoding="utf-8-sig")
    assert AuditEvent.objects.filter(action="campaign.ledger_export").exists()


def test_purge_and_rotate_key(smtp, imported) -> None:
    campaign = imported(1)
    _run("start", str(campaign.pk))
    assert "0 enregistrement" in _run("rotate-key")
    assert "1 personne" in _run("purge", str(campaign.pk))
