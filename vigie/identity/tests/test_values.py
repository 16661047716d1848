"""Dates, e-mails, phones and names: each rule with the cases that prove it."""

import re
from datetime import date

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from vigie.identity import (
    Invalid,
    PartialDate,
    fold,
    identity_key,
    name_key,
    parse_birth_date,
    parse_email,
    parse_phone,
    parse_sex,
    split_compound_name,
)

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/1985", date(1985, 3, 12)),
        ("2/3/1985", date(1985, 3, 2)),
        ("12.03.1985", date(1985, 3, 12)),
        ("12-03-1985", date(1985, 3, 12)),
        ("1985-03-12", date(1985, 3, 12)),
        ("1985-03-12 00:00:00", date(1985, 3, 12)),
        ("1985-03-12T00:00:00Z", date(1985, 3, 12)),
        ("19850312", date(1985, 3, 12)),
        ("12031985", date(1985, 3, 12)),
        ("29/02/2000", date(2000, 2, 29)),
    ],
)
def test_birth_dates_in_french_and_iso_forms_are_read(text: str, expected: date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/1980", "cette date n'existe pas"),
        ("29/02/1981", "cette date n'existe pas"),
        ("1980-13-01", "cette date n'existe pas"),
        ("12/03/85", "siècle ambigu"),
        ("12/03/2030", "dans le futur"),
        ("12/03/1785", "invraisemblable"),
        ("le 12 mars", "format non reconnu"),
    ],
)
def test_impossible_or_ambiguous_birth_dates_are_refused(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        parse_birth_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["00/00/1950", "1950-00-00", "00/06/1950"])
def test_partial_birth_dates_are_told_apart(text: str) -> None:
    with pytest.raises(PartialDate) as caught:
        parse_birth_date(text)
    assert caught.value.text.startswith("1950-")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jean.dupont@orange.fr", "jean.dupont@orange.fr"),
        (" Jean.Dupont@Orange.FR ", "Jean.Dupont@orange.fr"),
        ("marie+test@sub.example.com", "marie+test@sub.example.com"),
        ("josé@exemple.fr", "josé@exemple.fr"),  # internationalised: email-validator path
        ("o'brien@exemple.fr", "o'brien@exemple.fr"),
    ],
)
def test_valid_emails_are_normalised(text: str, expected: str) -> None:
    assert parse_email(text).value == expected


@pytest.mark.parametrize(
    "text",
    [
        "jean.dupont",
        "jean @orange.fr",
        "jean..dupont@orange.fr",
        "jean@orange",
        "jean@@orange.fr",
        "a@b.test",
        "a@x.local",
    ],
)
def test_invalid_emails_are_refused(text: str) -> None:
    with pytest.raises(Invalid, match="courriel"):
        parse_email(text)


def test_mistyped_french_mail_domain_is_a_warning() -> None:
    checked = parse_email("jean@gmail.con")
    assert checked.value == "jean@gmail.con"
    assert "gmail.com" in checked.warnings[0]


_LOCAL = st.from_regex(re.compile(r"[a-zA-Z0-9_+.-]{1,20}"), fullmatch=True)
_DOMAIN = st.from_regex(re.compile(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,8}){0,2}\.[a-z]{2,5}"), fullmatch=True)


@given(local=_LOCAL, domain=_DOMAIN)
def test_fast_email_path_agrees_with_email_validator(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    try:
        expected: str | None = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        got: str | None = parse_email(address).value
    except Invalid:
        got = None
    assert got == expected


@pytest.mark.parametrize(
    ("text", "e164", "mobile"),
    [
        ("06 12 34 56 78", "+33612345678", True),
        ("06.12.34.56.78", "+33612345678", True),
        ("0033612345678", "+33612345678", True),
        ("+33 6 12 34 56 78", "+33612345678", True),
        ("612345678", "+33612345678", True),  # a spreadsheet dropped the 0
        ("07 81 23 45 67", "+33781234567", True),
        ("01 42 34 56 78", "+33142345678", False),
        ("0590 82 12 34", "+590590821234", False),  # Guadeloupe
        ("0690 12 34 56", "+590690123456", True),
        ("0594 29 12 34", "+594594291234", False),  # Guyane
        ("0694 20 12 34", "+594694201234", True),
        ("0596 61 12 34", "+596596611234", False),  # Martinique
        ("0696 12 34 56", "+596696123456", True),
        ("0262 21 12 34", "+262262211234", False),  # La Réunion
        ("0692 12 34 56", "+262692123456", True),
        ("0269 61 12 34", "+262269611234", False),  # Mayotte
        ("0639 01 12 34", "+262639011234", True),
        ("+33 262 21 12 34", "+262262211234", False),  # overseas number written with +33
        ("+262 692 12 34 56", "+262692123456", True),
        ("+44 20 7946 0958", "+442079460958", False),
        ("+32 470 12 34 56", "+32470123456", True),
    ],
)
def test_french_overseas_and_foreign_phones_become_e164(text: str, e164: str, mobile: bool) -> None:
    phone = parse_phone(text)
    assert (phone.e164, phone.mobile) == (e164, mobile)


@pytest.mark.parametrize("text", ["07 00 00 00 00", "06 12 34", "bonjour", "0612345678901", "+44 20"])
def test_impossible_phones_are_refused(text: str) -> None:
    with pytest.raises(Invalid, match="téléphone"):
        parse_phone(text)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Lefèvre", "LEFEVRE"),
        ("Cœur", "COEUR"),
        ("LÆTITIA", "laetitia"),
        ("D'Arc", "DARC"),
        ("d’Arc", "D ARC"),
        ("Saint-Jean", "ST JEAN"),
        ("Jean-Marie", "jean marie"),
        ("Østergaard", "OSTERGAARD"),
        ("Łukasz", "LUKASZ"),
    ],
)
def test_name_keys_fold_accents_ligatures_hyphens_and_apostrophes(left: str, right: str) -> None:
    assert name_key(left) == name_key(right)


def test_fold_keeps_separators_for_display() -> None:
    assert fold("Cœur-d’Émeraude") == "COEUR-D'EMERAUDE"


def test_identity_key_uses_birth_name_first_given_name_date_and_sex() -> None:
    key = identity_key("Lefèvre", "Hélène, Marie", date(1980, 1, 2), "F")
    assert key == "LEFEVRE|HELENE|1980-01-02|F"
    assert identity_key("LEFEVRE", "Helene Marie", date(1980, 1, 2), "F") == key
    assert identity_key("LEFEVRE", "Helene", None, "F") == ""  # too little to compare


@pytest.mark.parametrize(
    ("text", "sex"),
    [("F", "F"), ("femme", "F"), ("Mme", "F"), ("2", "F"), ("M.", "M"), ("Homme", "M"), ("1", "M"), ("I", "")],
)
def test_sex_and_civility_are_read(text: str, sex: str) -> None:
    assert parse_sex(text) == sex


def test_unknown_sex_is_refused() -> None:
    with pytest.raises(Invalid, match="sexe non reconnu"):
        parse_sex("Dr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MARTIN née DUPONT", ("DUPONT", "MARTIN")),
        ("Dupont épouse Martin", ("Dupont", "Martin")),
        ("DUPONT ep. MARTIN", ("DUPONT", "MARTIN")),
        ("Nené", ("Nené", "")),
    ],
)
def test_a_name_column_holding_both_names_is_split(text: str, expected: tuple[str, str]) -> None:
    assert split_compound_name(text) == expected


@given(st.from_regex(r"0[1-9][0-9]{8}", fullmatch=True))
def test_fast_phone_path_agrees_with_phonenumbers(number: str) -> None:
    import phonenumbers

    parsed = phonenumbers.parse(number, "FR")
    regions = ["FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF"]
    expected = None
    if re.match(r"0(?:26[239]|59[046]|639|69[0-7]|508|709[0-3])", number):  # overseas prefixes: FR last
        regions = regions[1:] + regions[:1]
    for region in regions:
        candidate = phonenumbers.parse(number, region)
        if phonenumbers.is_valid_number(candidate):
            expected = phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)
            break
    assert parsed is not None
    try:
        got: str | None = parse_phone(number).e164
    except Invalid:
        got = None
    assert got == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("12/03/1985", (1985, 3, 12)),
        ("03/25/1985", (1985, 25, 3)),  # day and month written the other way round: kept as written
        ("1985-03-12", (1985, 3, 12)),
        ("19850312", (1985, 3, 12)),
        ("12031985", (1985, 3, 12)),
        ("00/00/1950", (1950, 0, 0)),
        ("31/02/1980", (1980, 2, 31)),
        ("12/03/85", None),
        ("12/40/1985", (1985, 40, 12)),
        ("81/01/1990", (1990, 1, 81)),
        ("08/08/0974", (974, 8, 8)),
        ("14/09/3970", (3970, 9, 14)),  # a mistyped year is still compared
        ("né en 1985", None),
        ("", None),
    ],
)
def test_date_parts_keep_what_is_written_without_requiring_the_date_to_exist(
    text: str, parts: tuple[int, int, int] | None
) -> None:
    from vigie.identity import date_parts

    assert date_parts(text) == parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("25071980", (1980, 7, 25)),
        ("19800725", (1980, 7, 25)),
        ("07251980", (1980, 25, 7)),
        ("10192004", (2004, 19, 10)),
    ],
)
def test_date_parts_of_eight_digits_take_the_plausible_reading(text: str, parts: tuple[int, int, int]) -> None:
    from vigie.identity import date_parts

    assert date_parts(text) == parts


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("612345678", "téléphone à 9 chiffres : le 0 initial a été remis (retiré par le tableur)"),
        ("+33 262 21 12 34", "téléphone : indicatif +33 corrigé en +262 (numéro d'outre-mer)"),
    ],
)
def test_a_phone_changed_beyond_its_layout_says_so(text: str, warning: str) -> None:
    assert parse_phone(text).warnings == (warning,)


def test_a_phone_only_laid_out_differently_has_no_warning() -> None:
    assert parse_phone("06 12 34 56 78").warnings == parse_phone("+33 6 12 34 56 78").warnings == ()
