import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.identity import MAX_LINE, MAX_LINES, Invalid, format_address


def test_address_block_follows_nf_z10_011() -> None:
    address = format_address("Hélène LEFÈVRE", ["12, rue de l'Église", "Appartement 4, 2e étage"], "75011", "Paris")
    assert address.lines == ("Hélène LEFÈVRE", "Appartement 4, 2e étage", "12 RUE DE L EGLISE", "75011 PARIS")


def test_long_street_is_abbreviated_then_folded() -> None:
    address = format_address("", ["12 avenue du Général de Gaulle prolongée vers la gare"], "69001", "Lyon")
    assert all(len(line) <= MAX_LINE for line in address.lines)
    assert address.lines[0].startswith("12 AV DU GAL DE GAULLE")
    assert address.lines[-1] == "69001 LYON"


def test_last_lines_are_upper_case_without_accents_or_punctuation() -> None:
    address = format_address("Zoé", ["Lieu-dit Les Côtes", "3 chemin d'en-Haut"], "01000", "Bourg-en-Bresse")
    assert address.lines[1:] == ("3 CHEMIN D EN HAUT", "LIEU DIT LES COTES", "01000 BOURG EN BRESSE")


def test_postcode_that_lost_its_leading_zero_is_repaired_with_a_warning_when_the_commune_confirms_it() -> None:
    address = format_address("", ["1 rue Haute"], "1000", "Bourg-en-Bresse")
    assert address.lines[-1] == "01000 BOURG EN BRESSE"
    assert "4 chiffres" in address.warnings[0] and "la commune le confirme" in address.warnings[0]


@pytest.mark.parametrize(("postcode", "city"), [("5600", "Ploemeur"), ("", "5600 Ploemeur"), ("1000", "Paris")])
def test_a_four_digit_postcode_is_never_moved_into_another_departement(postcode: str, city: str) -> None:
    address = format_address("", ["4 rue du Port"], postcode, city)
    code = (postcode or city[:4]).strip()
    assert address.lines[-1].split()[0] == code  # kept as written: 05600 would be the Hautes-Alpes
    assert address.warnings[0].startswith(f"code postal à 4 chiffres « {code} » gardé tel quel")


def test_a_long_street_label_abbreviated_says_so() -> None:
    address = format_address("", ["12 avenue du Général de Gaulle prolongée"], "69001", "Lyon")
    assert address.lines[0].startswith("12 AV DU GAL DE GAULLE")
    assert any("libellé de voie abrégé" in warning for warning in address.warnings)


def test_foreign_address_ends_with_the_country() -> None:
    address = format_address("Ana", ["Rua Augusta 10"], "1100-053", "Lisboa", "Portugal")
    assert address.lines[-2:] == ("1100-053 LISBOA", "PORTUGAL")


@pytest.mark.parametrize(
    ("lines", "postcode", "city", "reason"),
    [
        ([], "", "", "absente"),
        (["1 rue Haute"], "", "Paris", "code postal absent"),
        (["1 rue Haute"], "7501", "", "commune absente"),
        (["1 rue Haute"], "ABCDE", "Paris", "code postal"),
        ([], "75011", "Paris", "ni numéro ni voie"),
        (["x " * 19 * 3] * 4, "75011", "Paris", "trop longue"),
    ],
)
def test_unusable_addresses_are_refused(lines: list[str], postcode: str, city: str, reason: str) -> None:
    with pytest.raises(Invalid, match=reason):
        format_address("Jean", lines, postcode, city)


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=90)


@given(
    recipient=_TEXT,
    lines=st.lists(_TEXT, max_size=4),
    postcode=st.from_regex(r"[0-9]{5}", fullmatch=True),
    city=_TEXT,
    country=st.sampled_from(["", "France", "Belgique", "Réunion"]),
)
def test_address_never_exceeds_six_lines_of_38_characters(
    recipient: str, lines: list[str], postcode: str, city: str, country: str
) -> None:
    try:
        address = format_address(recipient, lines, postcode, city, country)
    except Invalid:
        return
    assert 0 < len(address.lines) <= MAX_LINES
    assert all(0 < len(line) <= MAX_LINE for line in address.lines)
    assert address.lines[-1] == address.lines[-1].upper()
