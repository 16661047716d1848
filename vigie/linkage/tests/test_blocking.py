"""The blocking keys made by Polars column by column: the same sets as the Python keys, the same candidates."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

import vigie.linkage.matcher as matcher_module
from vigie.linkage import Matcher, Traits, leak_keys, patient_keys, traits
from vigie.linkage.blocking import IDENTITY, PatientIndex, cells_frame, key_frame, traits_frame

CELLS = [
    # birth name, used name, given names, birth date, NIR
    ("Lefèvre", "", "Hélène, Marie", "03/04/1970", "2 70 04 59 350 123 32"),
    ("Dupont", "Martin", "Jean-Pierre, Louis", "25/12/1980", ""),
    ("MARTIN née DUPONT", "", "jean pierre", "1980-12-25", ""),
    ("de la Fontaine-Dupont", "", "Anne Marie Claire Sophie Louise Jeanne Rose Lucie Eve", "1/2/1950", ""),
    ("NDIAYE", "", "", "30/08/1991", "2910859350123"),
    ("", "", "Paul", "02/1948", ""),  # a partial date, no family name
    ("Quéré", "", "Yannick", "", "1620229350123"),  # no birth date
    ("AISSATOU", "", "NDIAYE", "13/31/1991", ""),  # names in each other's column, day and month swapped
    ("Cœurdevey", "", "Léa", "31/02/2001", "not a number"),  # a date that cannot exist
    ("", "", "", "", ""),
]


def records() -> list[Traits]:
    return [traits(line, birth_name=birth, usage_name=usage, given_names=given, birth_date=born, nir=nir)
            for line, (birth, usage, given, born, nir) in enumerate(CELLS, start=2)]  # fmt: skip


def keys_by_row(frame: pl.DataFrame) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for row, key in frame.iter_rows():
        found.setdefault(row, set()).add(key)
    return found


def test_the_patients_keys_made_by_columns_are_those_of_patient_keys() -> None:
    made = keys_by_row(key_frame(traits_frame(records()), leak=False))
    for row, record in enumerate(records()):
        assert made.get(row, set()) == patient_keys(record), record
    assert made[0] and not made.get(len(CELLS) - 1)  # a row without anything has no key


def test_the_leaked_rows_keys_made_from_their_cells_are_those_of_leak_keys() -> None:
    cells = pl.DataFrame([dict(zip(IDENTITY, row, strict=True)) for row in CELLS])
    made = keys_by_row(key_frame(cells_frame(cells), leak=True))
    for row, record in enumerate(records()):
        assert made.get(row, set()) == leak_keys(record), record
    swapped = leak_keys(records()[7]) - patient_keys(records()[7])
    assert swapped and swapped <= made[7]  # the names exchanged give keys of their own


def test_the_candidates_joined_in_polars_are_those_of_the_matcher_and_frequent_keys_are_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patients = [
        traits(2, birth_name="Lefèvre", given_names="Hélène", birth_date=date(1970, 4, 3)),
        traits(3, birth_name="Lefevre", given_names="Hélène", birth_date=date(1971, 4, 3)),
        traits(4, birth_name="Martin", given_names="Jean", birth_date=date(1980, 12, 25)),
        traits(5, birth_name="Martin", given_names="Paul", birth_date=date(1990, 1, 2)),
        traits(6, birth_name="Hélène", given_names="Lefèvre", birth_date=date(1970, 4, 3)),
    ]
    leaked = [
        traits(10, birth_name="LEFEVRE", given_names="HELENE", birth_date="04/03/1970"),
        traits(11, birth_name="HELENE", given_names="LEFEVRE", birth_date="03/04/1970"),
        traits(12, birth_name="martin", given_names="jean", birth_date="1980-12-25"),
        traits(13, birth_name="Durand", given_names="Zoé", birth_date="01/01/2000"),
    ]
    for max_block in (2000, 1):
        monkeypatch.setattr(matcher_module, "MAX_BLOCK", max_block)
        matcher = Matcher(patients)
        expected = {row: sorted(found) for row, record in enumerate(leaked) if (found := matcher.candidates(record))}
        joined = dict(PatientIndex(patients, max_block=max_block).candidates(traits_frame(leaked)))
        assert joined == expected
    assert 3 not in joined and joined[2] == [2]  # no candidate for a stranger; MARTIN's keys shared by two left out
