"""Reading, validating and de-duplicating patient lists: formats, line numbers, hostile files, counts."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from vigie.campaigns.importing import (
    MAX_CELL,
    Importer,
    ImportError_,
    ImportReport,
    Person,
    guess_mapping,
    parse_categories,
    read_persons,
    sniff,
)

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 1, 1)
HEADER = [
    "Nom",
    "Prénom",
    "Sexe",
    "Date de naissance",
    "NIR",
    "Courriel",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Ville",
]
MARIE = ["Lefèvre", "Hélène", "F", "12/03/1985", "2 85 03 75 111 222 03", "helene@orange.fr", "06 12 34 56 78"]
MARIE += ["12 rue de la Paix", "75002", "Paris"]


def run(
    source: Path | bytes, mapping: dict[str, str] | None = None, **options: object
) -> tuple[list[Person], ImportReport]:
    importer = Importer(source, mapping, today=TODAY, **options)
    persons = [person for chunk in importer for person in chunk]
    report = importer.report
    assert report.rows == report.valid + report.invalid + report.duplicates
    assert len(persons) == report.valid
    return persons, report


def csv_bytes(rows: list[list[str]], *, sep: str = ";", encoding: str = "utf-8", header: list[str] = HEADER) -> bytes:
    text = "\r\n".join(sep.join(row) for row in [header, *rows]) + "\r\n"
    return text.encode(encoding)


def reasons(report: ImportReport) -> list[tuple[int, str]]:
    return [(error.line, error.reason) for error in report.errors]


# --- formats and encodings


@pytest.mark.parametrize("sep", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_with_any_separator_and_encoding_is_read(sep: str, encoding: str) -> None:
    row = ["Lefèvre", "Hélène", "F", "12/03/1985", "", "helene@orange.fr", "", "", "", ""]
    persons, report = run(csv_bytes([row], sep=sep, encoding=encoding))
    assert report.delimiter == sep
    assert report.encoding == encoding
    assert persons[0].birth_name == "Lefèvre" and persons[0].given_names == "Hélène"


def test_cp1252_euro_sign_and_accents_are_decoded() -> None:
    header = ["Nom", "Prénom", "Date de naissance", "Courriel", "Données concernées"]
    data = csv_bytes(
        [["Cœur", "Zoé", "01/02/1990", "zoe@free.fr", "santé, licorne €"]], header=header, encoding="cp1252"
    )
    persons, report = run(data)
    assert report.encoding == "cp1252"
    assert persons[0].birth_name == "Cœur"
    assert persons[0].categories == ("health",)
    assert report.warnings[0].reason == "catégorie de données inconnue ignorée : « licorne € »"


def test_file_mixing_utf8_and_cp1252_lines_is_decoded_line_by_line() -> None:
    header = ["Nom", "Prénom", "Date de naissance", "Courriel"]
    data = csv_bytes([["Lefèvre", "Zoé", "01/02/1990", "a@free.fr"]], header=header)
    data += "Gérard;Noël;02/02/1991;b@free.fr\r\n".encode("cp1252")
    persons, report = run(data)
    assert report.encoding == "utf-8+cp1252"
    assert [p.birth_name for p in persons] == ["Lefèvre", "Gérard"]


def test_utf16_text_export_is_read() -> None:
    data = "\ufeffNom\tPrénom\tDate de naissance\tCourriel\r\nÉric\tLéa\t01/02/1990\tlea@free.fr\r\n".encode(
        "utf-16-le"
    )
    persons, report = run(data)
    assert persons[0].birth_name == "Éric" and report.delimiter == "\t"


def test_xlsx_with_dates_numbers_and_formulas_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "patients.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet()
    dates = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(1, 0, ["Nom", "Prénom", "Date de naissance", "N° SS", "Portable", "Email"])
    sheet.write_row(2, 0, ["Dupont", "Marie"])
    sheet.write_datetime(2, 2, datetime(1985, 3, 12), dates)
    sheet.write_number(2, 3, 285037511122203)  # a NIR stored as a number
    sheet.write_number(2, 4, 612345678)  # the 0 dropped by the spreadsheet
    sheet.write_string(2, 5, "marie@free.fr")
    sheet.write_row(3, 0, ['=HYPERLINK("http://x")', "Paul"])  # a cell starting with "=" is text
    sheet.write_number(3, 2, 31048)  # a date that lost its format: serial number
    sheet.write_formula(3, 5, '="paul"&"@free.fr"', None, "paul@free.fr")  # cached value, never evaluated
    workbook.close()
    fmt, headers = sniff(path)
    assert fmt == "xlsx" and headers[0] == "Nom"
    persons, report = run(path)
    assert report.format == "xlsx"
    marie, paul = persons
    assert (marie.line, marie.birth_date, marie.nir, marie.phone) == (
        3,
        date(1985, 3, 12),
        "285037511122203",
        "+33612345678",
    )
    assert (paul.line, paul.birth_name, paul.birth_date, paul.email) == (
        4,
        '=HYPERLINK("http://x")',
        date(1985, 1, 1),
        "paul@free.fr",
    )


def test_fhir_bundle_with_ins_identifier_and_birth_place_is_read() -> None:
    persons, report = run(DATA / "fr_core_bundle.json")
    assert report.format == "fhir"
    assert (report.rows, report.valid, report.invalid) == (2, 1, 1)
    marie = persons[0]
    assert (marie.line, marie.birth_name, marie.usage_name, marie.given_names) == (
        1,
        "CASANOVA",
        "ORSINI",
        "Marie-Ange Lucie",
    )
    assert (marie.nir, marie.sex, marie.birth_date) == ("290032A00412320", "F", date(1990, 3, 14))
    assert (marie.phone, marie.email) == ("+33612345678", "marie-ange.orsini@exemple.fr")
    assert marie.address_lines == ("Marie-Ange ORSINI", "3 COURS NAPOLEON", "20000 AJACCIO")
    assert not [w for w in report.warnings if "lieu de naissance" in w.reason]  # 2A004 matches the NIR
    assert reasons(report) == [(3, "NIR : la clé de contrôle ne correspond pas (attendu 91)")]
    assert report.warnings[0].reason == "ressource Organization ignorée (pas un Patient)"


def test_fhir_ndjson_is_read_line_by_line(tmp_path: Path) -> None:
    patient = {"resourceType": "Patient", "name": [{"family": "Durand", "given": ["Paul"]}], "birthDate": "1985-05-02"}
    path = tmp_path / "patients.ndjson"
    path.write_text(json.dumps(patient) + "\n\n" + "{broken\n" + json.dumps(patient | {"gender": "male"}) + "\n")
    persons, report = run(path)
    assert [p.line for p in persons] == [1, 4]
    assert reasons(report) == [(3, "ligne NDJSON illisible (JSON invalide)")]


# --- line numbers


def test_errors_report_the_physical_line_of_a_record_with_quoted_newlines() -> None:
    data = (
        "Nom;Prénom;Date de naissance;Adresse;Code postal;Ville\r\n"
        'Durand;Paul;01/01/1980;"Bâtiment B\r\n12 rue Haute";75002;Paris\r\n'
        "\r\n"
        "Martin;Lou;31/02/1980;1 rue Basse;75002;Paris\r\n"
    ).encode()
    persons, report = run(data)
    assert persons[0].line == 2
    assert persons[0].address_lines == ("Paul DURAND", "Bâtiment B", "12 RUE HAUTE", "75002 PARIS")
    assert reasons(report) == [(5, "date de naissance « 31/02/1980 » : cette date n'existe pas")]


# --- validation


def test_each_row_is_valid_invalid_or_duplicate_with_french_reasons() -> None:
    rows = [
        MARIE,
        ["", "Sans", "F", "01/01/1990", "", "a@free.fr", "", "", "", ""],  # no name
        ["Seul", "", "", "", "", "seul@free.fr", "", "", "", ""],  # a name alone
        ["Durand", "Paul", "M", "01/01/1980", "185057800608400", "p@free.fr", "", "", "", ""],
        ["Petit", "Léo", "M", "01/01/1980", "", "leo@@free.fr", "07 00 00 00 00", "1 rue Haute", "75002", "Paris"],
        ["Grand", "Léa", "X?", "01/01/1980", "", "lea@free", "", "", "", ""],
    ]
    persons, report = run(csv_bytes(rows))
    assert (report.rows, report.valid, report.invalid, report.duplicates) == (6, 3, 3, 0)
    assert reasons(report) == [
        (3, "nom absent"),
        (4, "identité insuffisante : il faut au moins le prénom, la date de naissance ou le NIR"),
        (5, "NIR : la clé de contrôle ne correspond pas (attendu 91)"),
    ]
    petit = next(p for p in persons if p.birth_name == "Petit")
    assert (petit.email, petit.phone) == ("", "")
    assert petit.address_lines == ("Léo PETIT", "1 RUE HAUTE", "75002 PARIS")
    warnings = {(w.line, w.column): w.reason for w in report.warnings}
    assert warnings[(6, "Courriel")].startswith("courriel « leo@@free.fr » invalide")
    assert warnings[(6, "Téléphone")] == "téléphone « 07 00 00 00 00 » : numéro français inexistant"
    assert warnings[(7, "Sexe")].startswith("sexe non reconnu")
    assert warnings[(7, "")].startswith("personne injoignable")


def test_valid_person_is_fully_normalised() -> None:
    (person,), report = run(csv_bytes([MARIE]))
    assert person == Person(
        line=2,
        birth_name="Lefèvre",
        usage_name="",
        given_names="Hélène",
        sex="F",
        birth_date=date(1985, 3, 12),
        nir="285037511122203",
        email="helene@orange.fr",
        phone="+33612345678",
        address_lines=("Hélène LEFÈVRE", "12 RUE DE LA PAIX", "75002 PARIS"),
        categories=(),
        identity_key="LEFEVRE|HELENE|1985-03-12|F",
    )
    assert report.errors == report.warnings == []


def test_nir_inconsistent_with_sex_is_only_a_warning() -> None:
    row = ["Durand", "Paul", "M", "12/03/1985", "285037511122203", "p@free.fr", "", "", "", ""]
    (person,), report = run(csv_bytes([row]))
    assert person.nir == "285037511122203"
    assert report.warnings[0].reason == "NIR : le sexe du NIR (F) diffère du sexe indiqué (M)"


def test_categories_in_french_or_core_ids_are_mapped() -> None:
    assert parse_categories("Santé, NIR ; adresse | health") == (("health", "national_id", "contact"), [])
    assert parse_categories("résultats d'analyses, données bancaires, licorne") == (
        ("health", "financial"),
        ["licorne"],
    )


# --- de-duplication


def test_accent_variants_are_merged_and_channels_filled_from_the_duplicate() -> None:
    rows = [
        ["Lefèvre", "Hélène", "F", "12/03/1985", "", "", "", "12 rue de la Paix", "75002", "Paris"],
        ["LEFEVRE", "HELENE", "Mme", "1985-03-12", "", "helene@orange.fr", "", "", "", ""],
    ]
    (person,), report = run(csv_bytes(rows))
    assert report.duplicates == 1
    assert person.email == "helene@orange.fr" and person.address_lines
    ((kept, dropped, why),) = report.merged
    assert (kept, dropped) == (2, 3)
    assert "repris de la ligne 3 : courriel" in why


def test_duplicate_of_a_person_from_an_earlier_chunk_is_reported_as_an_amendment() -> None:
    rows = [
        ["Œuvray", "Æsa", "F", "12/03/1985", "", "", "", "12 rue de la Paix", "75002", "Paris"],
        ["Autre", "Jean", "M", "01/01/1970", "", "j@free.fr", "", "", "", ""],
        ["OEUVRAY", "AESA", "F", "12/03/1985", "", "aesa@free.fr", "0612345678", "", "", ""],
    ]
    chunks = list(read_persons(io.BytesIO(csv_bytes(rows)).getvalue(), chunk_size=1))
    assert [len(chunk) for chunk in chunks] == [1, 1]
    importer = Importer(csv_bytes(rows), chunk_size=1, today=TODAY)
    assert [p.email for chunk in importer for p in chunk] == ["", "j@free.fr"]
    assert importer.report.amendments == {2: {"email": "aesa@free.fr", "phone": "+33612345678"}}


def test_parent_and_child_sharing_a_nir_are_not_merged() -> None:
    nir = "185057800608491"
    rows = [
        ["Durand", "Paul", "M", "01/05/1985", nir, "p@free.fr", "", "", "", ""],
        ["Durand", "Léo", "M", "03/09/2015", nir, "p@free.fr", "", "", "", ""],
        ["Durand", "Paul", "M", "03/09/2015", nir, "p@free.fr", "", "", "", ""],  # another Paul, born 2015
    ]
    persons, report = run(csv_bytes(rows))
    assert report.duplicates == 0 and len(persons) == 3


def test_hyphen_and_apostrophe_variants_are_merged_but_twins_are_not() -> None:
    rows = [
        ["D'Arc-Saint-Jean", "Jean-Marie", "M", "01/01/1980", "", "a@free.fr", "", "", "", ""],
        ["DARC ST JEAN", "JEAN MARIE", "M", "01/01/1980", "", "", "", "", "", ""],  # compound given name
        ["D’ARC SAINT JEAN", "Jean-Marie, Paul", "M", "01/01/1980", "", "", "", "", "", ""],
        ["D'Arc-Saint-Jean", "Louis", "M", "01/01/1980", "", "b@free.fr", "", "", "", ""],  # twin
    ]
    persons, report = run(csv_bytes(rows))
    assert [p.line for p in persons] == [2, 3, 5]
    assert [(kept, dropped) for kept, dropped, _ in report.merged] == [(2, 4)]


# --- mapping


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            [
                "Nom",
                "Nom d'usage",
                "Prénom(s)",
                "Sexe",
                "Date de naissance",
                "N° Sécurité sociale",
                "Adresse",
                "Complément d'adresse",
                "Code postal",
                "Ville",
                "Téléphone",
                "Portable",
                "Email",
                "Données concernées",
            ],
            {
                "birth_name": "Nom",
                "usage_name": "Nom d'usage",
                "given_names": "Prénom(s)",
                "sex": "Sexe",
                "birth_date": "Date de naissance",
                "nir": "N° Sécurité sociale",
                "email": "Email",
                "phone": "Téléphone",
                "mobile": "Portable",
                "address1": "Adresse",
                "address2": "Complément d'adresse",
                "postcode": "Code postal",
                "city": "Ville",
                "categories": "Données concernées",
            },
        ),
        (  # MesVaccins "Colibri" import
            [
                "tag",
                "sexe",
                "nom",
                "prenom",
                "date_de_naissance",
                "commentaire",
                "adresse",
                "code_ville",
                "code_postal_ville",
                "telephone",
                "email",
            ],
            {
                "birth_name": "nom",
                "given_names": "prenom",
                "sex": "sexe",
                "birth_date": "date_de_naissance",
                "email": "email",
                "phone": "telephone",
                "address1": "adresse",
                "postcode": "code_postal_ville",
            },
        ),
        (  # e4-bizz
            [
                "Prénom",
                "Nom",
                "Adresse",
                "Code postal",
                "Ville",
                "Date de naissance",
                "N° Sécurité sociale",
                "Téléphone",
                "Mobile",
                "Email",
            ],
            {
                "birth_name": "Nom",
                "given_names": "Prénom",
                "birth_date": "Date de naissance",
                "nir": "N° Sécurité sociale",
                "email": "Email",
                "phone": "Téléphone",
                "mobile": "Mobile",
                "address1": "Adresse",
                "postcode": "Code postal",
                "city": "Ville",
            },
        ),
        (
            [
                "NOM DE NAISSANCE",
                "Nom",
                "Civilité",
                "DDN",
                "Matricule INS",
                "Courriel",
                "Tél. portable",
                "CP",
                "Commune",
                "Pays",
            ],
            {
                "birth_name": "NOM DE NAISSANCE",
                "usage_name": "Nom",
                "sex": "Civilité",
                "birth_date": "DDN",
                "nir": "Matricule INS",
                "email": "Courriel",
                "mobile": "Tél. portable",
                "postcode": "CP",
                "city": "Commune",
                "country": "Pays",
            },
        ),
    ],
)
def test_french_headers_are_recognised(headers: list[str], expected: dict[str, str]) -> None:
    assert guess_mapping(headers) == expected


def test_mapping_adjusted_by_the_user_is_used() -> None:
    data = csv_bytes([["X", "Dupont", "Marie", "01/01/1980"]], header=["Colonne A", "Colonne B", "Colonne C", "Née"])
    (person,), report = run(data, {"birth_name": "Colonne B", "given_names": "Colonne C", "birth_date": "Née"})
    assert (person.birth_name, person.birth_date) == ("Dupont", date(1980, 1, 1))
    with pytest.raises(ImportError_, match="Colonne introuvable"):
        Importer(data, {"birth_name": "Colonne Z"})


# --- hostile files


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        (b"\xef\xbb\xbf\r\n \r\n", "vide"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "document PDF"),
        (bytes(range(256)) * 20, "binaire"),
        (b"Dupont;Marie;01/01/1980;marie@free.fr\r\n", "Pas de ligne d'en-t\u00eate"),
        (b"Produit;Prix\r\nPomme;2\r\n", "Aucune colonne exploitable"),
        (b'{"resourceType": "Observation"}', "pas un Bundle FHIR"),
        (b"{not json", "JSON illisible"),
        (b"PK\x03\x04garbage", "XLSX illisible"),
    ],
)
def test_unreadable_files_are_refused_with_a_french_message(content: bytes, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        list(Importer(content))


def test_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.VIGIE_UPLOAD_LIMITS = {"file_bytes": 10}
    with pytest.raises(ImportError_, match="trop volumineux"):
        Importer(csv_bytes([MARIE]))


def test_oversized_or_binary_cells_make_the_row_invalid_without_stopping_the_import() -> None:
    rows = [
        ["Durand", "P" * 10_000, "M", "01/01/1980", "", "p@free.fr", "", "", "", ""],
        ["Petit", "L\x00\x01o", "M", "01/01/1980", "", "l@free.fr", "", "", "", ""],
        MARIE,
    ]
    persons, report = run(csv_bytes(rows))
    assert [p.line for p in persons] == [4]
    assert reasons(report) == [
        (2, f"valeur trop longue (10000 caractères, maximum {MAX_CELL}) : cellule refusée"),
        (3, "caractères de contrôle (données binaires ?) : cellule refusée"),
    ]


def test_short_and_long_rows_and_formula_like_cells_are_plain_text() -> None:
    rows = [["=1+1", "Zoé", "F", "01/01/1980"], [*MARIE, "extra", "cells"]]
    persons, report = run(csv_bytes(rows))
    assert persons[0].birth_name == "=1+1"
    assert report.as_rows()[0][3].startswith("personne injoignable")


def test_report_rows_neutralise_spreadsheet_formulas() -> None:
    report = ImportReport(errors=[], warnings=[], merged=[(2, 3, "=cmd")])
    assert report.as_rows() == [(3, "", "doublon", "'=cmd")]


def test_progress_is_reported_per_chunk() -> None:
    calls: list[tuple[int, int | None]] = []
    run(csv_bytes([MARIE] * 3), chunk_size=1, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)


def test_read_persons_is_an_iterator_whose_report_completes_at_exhaustion() -> None:
    reading = read_persons(csv_bytes([MARIE, MARIE]), chunk_size=1)
    assert next(reading)[0].line == 2
    assert reading.report.duplicates == 0
    assert list(reading) == []
    assert (reading.report.rows, reading.report.valid, reading.report.duplicates) == (2, 1, 1)
