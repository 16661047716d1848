"""Splink's answer to the same question as ``vigie leak match``: the peer of the leak-matching benchmark.

Runs in its own virtual environment (``bench/requirements-splink.txt``; Splink is never a Vigie dependency):

    python3 -m venv var/splink-venv && var/splink-venv/bin/pip install -r bench/requirements-splink.txt
    var/splink-venv/bin/python bench/splink_leaks.py PATIENTS.csv LEAK.csv --output splink.csv

Writes the same ``leak_line;patient_line;score;decision`` file as Vigie (best patient of each leaked row,
``match`` from ``--match`` up, ``review`` from ``--review`` up). The model is the one an experienced Splink user
would write for this data, following Splink's documentation (no strawman):

- **Cleaning** in DuckDB SQL, as Splink asks (it assumes standardised inputs): names upper case without accents,
  Œ/Æ spelt out, separators removed; "USAGE née BIRTH" split; first given name; every given name as an array;
  birth date as written, in ISO order (dd/mm/yyyy, yyyy-mm-dd, ddmmyyyy); NIR's 13 characters; postcode; sex.
- **Comparisons**: family name (exact with term-frequency adjustment, birth and used names crosswise, first and
  family names reversed, Jaro-Winkler 0.92 and 0.88); given name (exact with term frequencies, one of the other
  given names, Jaro-Winkler 0.92 and 0.88); birth date (exact, day and month swapped, Damerau-Levenshtein 1 on
  the text, same year and month, same year); NIR, sex and postcode (exact, postcode's département).
- **Blocking** for predictions: NIR; birth date; family and given name; family name and birth year; given name,
  birth year and month; used name crosswise; names reversed.
- **Training** as the documentation recommends: ``estimate_probability_two_random_records_match`` from
  deterministic rules (recall 0.7), ``estimate_u_using_random_sampling(max_pairs=1e7)``, then expectation
  maximisation in two sessions (blocked on names, then on birth date) so that every comparison is estimated.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def _utf8(path: Path, folder: Path) -> Path:
    """A UTF-8 copy of a cp1252 file (DuckDB reads UTF-8 and latin-1 only; œ is cp1252)."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return path
    except UnicodeDecodeError:
        copy = folder / (path.stem + ".utf8.csv")
        copy.write_text(raw.decode("cp1252", errors="replace"), encoding="utf-8")
        return copy


def _fold(column: str) -> str:
    spelt = f"replace(replace(replace(replace({column}, 'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"
    return f"nullif(regexp_replace(strip_accents(upper({spelt})), '[^A-Z]', '', 'g'), '')"


def _dob(column: str) -> str:
    d = f"trim({column})"
    return f"""CASE
        WHEN regexp_full_match({d}, '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}')
            THEN split_part({d}, '/', 3) || '-' || lpad(split_part({d}, '/', 2), 2, '0') || '-'
                 || lpad(split_part({d}, '/', 1), 2, '0')
        WHEN regexp_full_match({d}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') THEN {d}
        WHEN regexp_full_match({d}, '[0-9]{{8}}') AND substr({d}, 5, 4) BETWEEN '1880' AND '2100'
            THEN substr({d}, 5, 4) || '-' || substr({d}, 3, 2) || '-' || substr({d}, 1, 2)
        WHEN regexp_full_match({d}, '[0-9]{{8}}')
            THEN substr({d}, 1, 4) || '-' || substr({d}, 5, 2) || '-' || substr({d}, 7, 2)
        END"""


def _common(given: str, sex: str, born: str, nir: str, postcode: str) -> str:
    words = f"regexp_split_to_array(strip_accents(upper(trim({given}))), '[ ,]+')"
    return f"""
        {_fold(f"split_part(regexp_replace(trim({given}), ',', ' ', 'g'), ' ', 1)")} AS first_name,
        list_filter(list_transform({words}, lambda w: regexp_replace(w, '[^A-Z]', '', 'g')), lambda w: w <> '') AS given_all,
        CASE WHEN upper(trim({sex})) IN ('F', '2', 'MME', 'FEMME', 'MADAME') THEN 'F'
             WHEN upper(trim({sex})) IN ('M', '1', 'H', 'M.', 'HOMME', 'MONSIEUR') THEN 'M' END AS sex,
        {_dob(born)} AS dob,
        CASE WHEN length(regexp_replace({nir}, '[^0-9AB]', '', 'g')) IN (13, 15)
             THEN left(regexp_replace({nir}, '[^0-9AB]', '', 'g'), 13) END AS nir13,
        nullif(regexp_extract({postcode}, '[0-9]{{5}}'), '') AS postcode"""


USED_NAME_COLUMN = '"Nom d\'usage"'


def load(con: duckdb.DuckDBPyConnection, patients: Path, leak: Path) -> None:
    read = "read_csv('{}', delim=';', header=true, all_varchar=true)"
    # Physical lines: the header is line 1 (no line has an embedded line break in these files).
    con.execute(f"""
        CREATE TABLE patients AS
        SELECT row_number() OVER () + 1 AS unique_id,
               {_fold('"Nom de naissance"')} AS surname,
               {_fold(USED_NAME_COLUMN)} AS surname_usage,
               {_common('"Prénoms"', '"Sexe"', '"Date de naissance"', '"N° sécurité sociale"', '"Code postal"')}
        FROM {read.format(patients)}""")  # noqa: S608 (benchmark, file paths)
    name = "trim(nom)"
    born_name = f"CASE WHEN regexp_matches({name}, ' n[ée]e ', 'i') THEN regexp_extract({name}, ' n[ée]e (.*)$', 1, 'i') ELSE {name} END"
    used_name = (
        f"CASE WHEN regexp_matches({name}, ' n[ée]e ', 'i') THEN regexp_extract({name}, '^(.*) n[ée]e ', 1, 'i') END"
    )
    con.execute(f"""
        CREATE TABLE leak AS
        SELECT row_number() OVER () + 1 AS unique_id,
               {_fold(born_name)} AS surname,
               {_fold(used_name)} AS surname_usage,
               {_common("prenom", "sexe", "ddn", "nss", "cp")}
        FROM {read.format(leak)}""")  # noqa: S608


def settings() -> SettingsCreator:
    surname = cl.CustomComparison(
        output_column_name="surname",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel(
                "surname_l = surname_usage_r OR surname_usage_l = surname_r OR surname_usage_l = surname_usage_r",
                "birth and used names crosswise",
            ),
            cll.ColumnsReversedLevel("surname", "first_name"),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.JaroWinklerLevel("surname", 0.88),
            cll.ElseLevel(),
        ],
    )
    first_name = cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel(
                "list_contains(given_all_r, first_name_l) OR list_contains(given_all_l, first_name_r)",
                "one of the other given names",
            ),
            cll.JaroWinklerLevel("first_name", 0.92),
            cll.JaroWinklerLevel("first_name", 0.88),
            cll.ElseLevel(),
        ],
    )
    dob = cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)",
                "day and month swapped",
            ),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.CustomLevel("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", "same year and month"),
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "same year"),
            cll.ElseLevel(),
        ],
    )
    postcode = cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.CustomLevel("substr(postcode_l, 1, 2) = substr(postcode_r, 1, 2)", "same département"),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        comparisons=[surname, first_name, dob, cl.ExactMatch("nir13"), cl.ExactMatch("sex"), postcode],
        blocking_rules_to_generate_predictions=[
            block_on("nir13"),
            block_on("dob"),
            block_on("surname", "first_name"),
            block_on("surname", "substr(dob, 1, 4)"),
            block_on("first_name", "substr(dob, 1, 7)"),
            "l.surname = r.surname_usage AND l.first_name = r.first_name",
            "l.surname_usage = r.surname AND l.first_name = r.first_name",
            "l.surname = r.first_name AND l.first_name = r.surname",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def run(patients: Path, leak: Path, output: Path, match_at: float, review_at: float) -> dict[str, object]:
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="splink-") as folder:
        con = duckdb.connect()
        con.execute("SET threads = 2")
        load(con, _utf8(patients, Path(folder)), _utf8(leak, Path(folder)))
        phases["read_and_clean"] = time.perf_counter() - started
        db_api = DuckDBAPI(connection=con)
        left = db_api.register("patients", dataset_display_name="patients")
        right = db_api.register("leak", dataset_display_name="leak")
        linker = Linker([left, right], settings(), log_level=logging.WARNING)
        mark = time.perf_counter()
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob"), block_on("nir13", "dob")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        phases["train"] = time.perf_counter() - mark
        mark = time.perf_counter()
        predictions = linker.inference.predict(threshold_match_probability=min(review_at, 0.01))
        phases["predict"] = time.perf_counter() - mark
        mark = time.perf_counter()
        table = predictions.physical_name
        # The leak is the second table: its ids are on the right when the patients are on the left.
        best = con.execute(f"""
            SELECT leak_id, patient_id, match_probability FROM (
                SELECT CASE WHEN source_dataset_l = 'leak' THEN unique_id_l ELSE unique_id_r END AS leak_id,
                       CASE WHEN source_dataset_l = 'leak' THEN unique_id_r ELSE unique_id_l END AS patient_id,
                       match_probability,
                       row_number() OVER (PARTITION BY CASE WHEN source_dataset_l = 'leak' THEN unique_id_l
                                          ELSE unique_id_r END ORDER BY match_weight DESC) AS rank
                FROM {table}) WHERE rank = 1 AND match_probability >= {review_at}
            ORDER BY leak_id""").fetchall()  # noqa: S608
        counts = {"match": 0, "review": 0}
        with output.open("w", encoding="utf-8") as file:
            file.write("leak_line;patient_line;score;decision\n")
            for leak_id, patient_id, probability in best:
                decision = "match" if probability >= match_at else "review"
                counts[decision] += 1
                file.write(f"{leak_id};{patient_id};{probability:.4f};{decision}\n")
        phases["best_and_write"] = time.perf_counter() - mark
        rows = con.execute("SELECT count(*) FROM leak").fetchone()
    phases["total"] = time.perf_counter() - started
    return {"rows": rows[0] if rows else 0, **counts, "phases": {k: round(v, 1) for k, v in phases.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("patients", type=Path)
    parser.add_argument("leak", type=Path)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--match", type=float, default=0.99, help="match_probability of an automatic match")
    parser.add_argument("--review", type=float, default=0.5, help="match_probability to review")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    print(json.dumps(run(args.patients, args.leak, args.output, args.match, args.review)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
