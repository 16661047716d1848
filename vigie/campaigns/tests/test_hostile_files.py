"""The hostile corpus (tests/hostile): each file refused with its reason, or read, in bounded memory.

Each file is read in a fresh interpreter (``hostile/probe.py``) so that the peak resident memory of the whole
process is measured, calamine's Rust allocations included; the bound is the issue's: 300 MB whatever the file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vigie.campaigns.importing import Importer, ImportError_
from vigie.common.limits import LimitExceeded, UploadLimits, check_json, check_xlsx

from .hostile.corpus import BY_NAME, CORPUS

PEAK_MB = 300


def probe(reader: str, path: Path) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "vigie.campaigns.tests.hostile.probe", reader, str(path)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", [hostile.name for hostile in CORPUS])
def test_each_hostile_file_gets_its_answer_in_bounded_memory(name: str, tmp_path: Path) -> None:
    hostile = BY_NAME[name]
    path = tmp_path / hostile.name
    hostile.make(path)
    result = probe(hostile.reader, path)
    if hostile.expected is None:
        assert result["outcome"] == "read", result
    else:
        assert result["outcome"] == "refused", result
        assert hostile.expected in str(result["reason"]), result
    assert float(result["peak_mb"]) <= PEAK_MB, result


def test_the_mixed_encodings_file_is_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    BY_NAME["mixed_encodings.csv"].make(path)
    persons = [person for chunk in Importer(path) for person in chunk]
    assert [person.given_names for person in persons] == ["Hélène", "Zoé", "René", "Noël"]


def test_a_refusal_is_in_french_and_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    BY_NAME["million_columns.csv"].make(path)
    with pytest.raises(
        ImportError_, match="Trop de colonnes \\(1\u202f000\u202f000\\) : la limite est de 1\u202f000 colonnes"
    ):
        Importer(path)


def test_limits_come_from_the_settings(settings: object, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"Nom;Prenom\n" + b"Dupont;Jean\n" * 20)
    settings.VIGIE_UPLOAD_LIMITS = {"rows": 10}
    with pytest.raises(ImportError_, match="Trop de lignes \\(21\\) : la limite est de 10 lignes"):
        Importer(path)
    settings.VIGIE_UPLOAD_LIMITS = {}
    assert sum(len(chunk) for chunk in Importer(path)) == 20


def test_a_lying_archive_is_caught_by_its_real_size_not_its_headers(tmp_path: Path) -> None:
    path = tmp_path / "lying.xlsx"
    BY_NAME["lying_zip_bomb.xlsx"].make(path)
    with pytest.raises(LimitExceeded) as refused:
        check_xlsx(path, UploadLimits())
    assert refused.value.limit == "zip_broken"


@pytest.mark.parametrize(
    ("document", "limit"),
    [
        (b"[" * 65 + b"]" * 65, "json_depth"),
        (b'{"a": [[[' + b'"]]]]]]]]", ' * 100 + b"]]]}", "json_depth"),  # brackets in strings do not count
        (b"[" + b"{}," * 2_000_000 + b"{}]", "json_values"),
    ],
)
def test_json_is_measured_before_it_is_parsed(document: bytes, limit: str) -> None:
    if limit == "json_depth" and b'"a"' in document:
        check_json(document, UploadLimits())  # 4 levels: accepted
        return
    with pytest.raises(LimitExceeded) as refused:
        check_json(document, UploadLimits())
    assert refused.value.limit == limit


def test_an_unterminated_json_string_costs_one_pass() -> None:
    # Many quotes, none closing: a backtracking pattern would be quadratic here.
    check_json(b'["' + b'\\"' * 1_000_000 + b"\\", UploadLimits())
