"""``vigie breach export ID`` and ``vigie document KIND dossier.json --output FILE``."""

from __future__ import annotations

import email
import email.policy
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigie.documents import sms

from .builders import dossier
from .pdftext import docx_text, pdf_text


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "dossier.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("kind", "suffix"),
    [("cnil-initial", "pdf"), ("letter", "docx"), ("email", "eml"), ("email", "html"), ("sms", "txt"),
     ("public-notice", "html"), ("register-extract", "pdf"), ("ordre", "txt")],
)  # fmt: skip
def test_document_command_writes_the_format_of_the_file_extension(tmp_path: Path, kind: str, suffix: str) -> None:
    source = _write(tmp_path, dossier())
    output = tmp_path / f"out.{suffix}"
    call_command("document", kind, str(source), "--output", str(output), stderr=io.StringIO())
    data = output.read_bytes()
    if suffix == "pdf":
        assert "Cabinet médical des Tilleuls" in pdf_text(data)
    elif suffix == "docx":
        assert "Madame, Monsieur," in docx_text(data)
    elif suffix == "eml":
        assert email.message_from_bytes(data, policy=email.policy.default).get_body(("html",)) is not None
    elif suffix == "html":
        assert data.startswith(b"<!doctype html>")
    elif kind == "sms":
        assert sms.segments(data.decode()) <= 2


def test_invalid_dossier_exits_2_naming_each_problem_by_json_path(tmp_path: Path) -> None:
    broken = dossier()
    broken["facts"]["nature"]["origin"] = "ransomeware"
    broken["timeline"][0]["at"] = "hier"
    del broken["organisation"]["name"]
    output = tmp_path / "out.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("document", "letter", str(_write(tmp_path, broken)), "--output", str(output))
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "facts.nature.origin" in message and "timeline[0].at" in message and "organisation: 'name'" in message
    assert not output.exists()


def test_unknown_format_and_unreadable_json_exit_2(tmp_path: Path) -> None:
    source = _write(tmp_path, dossier())
    with pytest.raises(CommandError) as caught:
        call_command("document", "sms", str(source), "--output", str(tmp_path / "x.pdf"))
    assert caught.value.returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(CommandError) as caught:
        call_command("document", "letter", str(bad), "--output", str(tmp_path / "x.pdf"))
    assert caught.value.returncode == 2


def test_breach_export_then_document_round_trip(tmp_path: Path, breach) -> None:
    out = io.StringIO()
    call_command("breach", "export", str(breach.pk), stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["breach"]["reference"] == breach.reference
    output = tmp_path / "cnil.pdf"
    call_command(
        "document", "cnil-initial", str(_write(tmp_path, exported)), "--output", str(output), stderr=io.StringIO()
    )
    assert breach.reference in pdf_text(output.read_bytes())


def test_breach_export_of_an_unknown_id_fails(db) -> None:
    with pytest.raises(CommandError):
        call_command("breach", "export", "999999", stdout=io.StringIO())
