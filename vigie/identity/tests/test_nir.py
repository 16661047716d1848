import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.identity import Invalid, parse_nir
from vigie.identity.nir import key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 85 05 78 006 084 91", "185057800608491"),
        ("2 90 03 2A 004 123 20", "290032A00412320"),  # Corse-du-Sud, key with 2A→19
        ("1 78 11 2B 033 045 21", "178112B03304521"),  # Haute-Corse, key with 2B→18
        ("2 92 07 99 350 012 70", "292079935001270"),  # born in Morocco
        ("1 01 02 974 11 123 90", "101029741112390"),  # La Réunion
        ("1 45 20 99 352 007 54", "145209935200754"),  # month unknown (20), born in Algeria
        ("2 60 31 20 001 015 72", "260312000101572"),  # Corsica before 1976, pseudo-fictitious month
        ("1-85-05-78-006-084-91", "185057800608491"),  # hyphens, which stdnum refuses
        ("1\u00a085.05.78_006 084 91", "185057800608491"),
    ],
)
def test_valid_nirs_are_normalised(text: str, expected: str) -> None:
    assert parse_nir(text).value == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("185057800608400", "la clé de contrôle ne correspond pas (attendu 91)"),
        ("18505780060841", "14 caractères au lieu de 15"),
        ("290032A00412390", "la clé de contrôle ne correspond pas (attendu 20)"),  # django-localflavor key
        ("290032C00412343", "caractères invalides"),
        ("185137800608425", "mois de naissance 13 impossible"),
        ("585057800608485", "premier chiffre 5 impossible"),
        ("1,85058E+14", "notation scientifique"),
        ("185057800600078", "numéro d'ordre 000"),
    ],
)
def test_invalid_nirs_are_refused_with_a_french_reason(text: str, reason: str) -> None:
    with pytest.raises(Invalid, match=re.escape(reason)):
        parse_nir(text)


def test_thirteen_digit_nir_gets_its_key_with_a_warning() -> None:
    nir = parse_nir("1850578006084")
    assert nir.value == "185057800608491"
    assert "clé a été calculée" in nir.warnings[0]


def test_temporary_nia_of_a_person_born_abroad_is_accepted() -> None:
    # A NIA is built like a NIR (formats.md §1.4); here a man born in Algeria, month unknown.
    assert parse_nir("145209935200754", sex="M").warnings == ()


def test_provisional_nnp_is_not_kept_as_a_nir() -> None:
    nir = parse_nir("7123456789012")
    assert nir.value == ""
    assert "NNP" in nir.warnings[0]


def test_sex_and_birth_date_inconsistencies_are_warnings() -> None:
    nir = parse_nir("185057800608491", sex="F", birth_date=date(1986, 6, 1))
    assert nir.value == "185057800608491"
    assert [w.split(" :")[0] for w in nir.warnings] == ["NIR", "NIR", "NIR"]
    assert "sexe" in nir.warnings[0] and "année" in nir.warnings[1] and "mois" in nir.warnings[2]


def test_corsica_department_must_match_the_birth_year() -> None:
    assert parse_nir("260312000101572", birth_date=date(1960, 1, 5)).warnings == ()
    assert "avant 1976" in parse_nir(_with_key("270032A004123"), birth_date=date(1970, 3, 1)).warnings[0]
    assert "2A ou 2B attendu" in parse_nir(_with_key("1801220001001"), birth_date=date(1980, 12, 1)).warnings[0]


def test_birth_place_from_the_ins_traits_is_compared() -> None:
    assert parse_nir("292079935001270", birth_place="99350").warnings == ()
    assert "lieu de naissance" in parse_nir("292079935001270", birth_place="99352").warnings[0]


def _with_key(nir13: str) -> str:
    return nir13 + key(nir13)


@given(
    sex=st.sampled_from("12"),
    year=st.integers(0, 99),
    month=st.integers(1, 12),
    department=st.sampled_from(["01", "75", "2A", "2B", "99", "13"]),
    commune=st.integers(1, 990),
    order=st.integers(1, 999),
)
def test_every_computed_key_validates_and_any_other_key_fails(
    sex: str, year: int, month: int, department: str, commune: int, order: int
) -> None:
    nir13 = f"{sex}{year:02d}{month:02d}{department}{commune:03d}{order:03d}"
    good = key(nir13)
    assert 1 <= int(good) <= 97
    assert parse_nir(nir13 + good).value == nir13 + good
    wrong = f"{int(good) % 97 + 1:02d}"
    with pytest.raises(Invalid, match="clé de contrôle"):
        parse_nir(nir13 + wrong)
