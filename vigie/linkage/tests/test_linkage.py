"""The linkage core: French identity traits compared level by level, and the decision on the best patient."""

from __future__ import annotations

from datetime import date

import pytest

from vigie.linkage import Matcher, Thresholds, Traits, compare, match, traits, weights_for


def patient(line: int = 2, **cells: str | date) -> Traits:
    defaults: dict[str, str | date] = {"birth_name": "Lefèvre", "given_names": "Hélène", "birth_date": date(1970, 4, 3),
                                       "sex": "F", "postcode": "59000"}  # fmt: skip
    return traits(line, **{**defaults, **cells})


def levels(leak: Traits, base: Traits) -> dict[str, str]:
    _weight, evidence = compare(leak, base, weights_for([base]))
    return {item.trait: item.level for item in evidence}


# --- Traits -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "same_as"),
    [
        ("LEFEVRE", "Lefèvre"),
        ("lefevre", "Lefèvre"),
        ("CŒUR", "Coeur"),
        ("Æbischer", "AEBISCHER"),
        ("d'Arc", "DARC"),
        ("D’ARC", "d Arc"),
        ("Saint-Exupéry", "ST EXUPERY"),
        ("Dupont-Martin", "DUPONT MARTIN"),
    ],
)
def test_family_names_fold_accents_ligatures_apostrophes_hyphens_and_saints(written: str, same_as: str) -> None:
    assert traits(2, birth_name=written).names == traits(2, birth_name=same_as).names


def test_a_name_column_holding_both_names_gives_the_birth_and_the_used_name() -> None:
    record = traits(2, birth_name="MARTIN née DUPONT")
    assert record.names == ("DUPONT", "MARTIN") and record.used == (False, True)


def test_particles_are_dropped_from_the_words_of_compound_names() -> None:
    assert traits(2, birth_name="de la Fontaine-Dupont").tokens == {"FONTAINE", "DUPONT"}


def test_given_names_keep_the_first_the_compound_whole_and_every_part() -> None:
    record = traits(2, given_names="Jean-Pierre, Louis")
    assert record.first == "JEANPIERRE" and record.whole == "JEANPIERRE"
    assert {"JEANPIERRE", "JEAN", "PIERRE", "LOUIS"} <= record.words
    assert traits(2, given_names="Jean Pierre").whole == "JEANPIERRE"


@pytest.mark.parametrize(
    ("written", "nir"),
    [
        ("1 85 05 78 006 084 91", "1850578006084"),
        ("1850578006084", "1850578006084"),
        ("1850578006", ""),
        ("9.9E+14", ""),
    ],
)
def test_the_nir_keeps_its_13_characters_with_or_without_key(written: str, nir: str) -> None:
    assert traits(2, nir=written).nir == nir


def test_a_nir_is_the_persons_own_when_its_year_and_month_are_the_birth_dates() -> None:
    assert traits(2, nir="1850578006084", birth_date="12/05/1985").nir_own == 1
    assert traits(2, nir="1850578006084", birth_date="12/05/2012").nir_own == -1  # a child on the parent's NIR
    assert traits(2, nir="1850578006084").nir_own == 0


# --- Comparisons ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaked", "trait", "level"),
    [
        ({"birth_name": "LEFEVRE", "given_names": "HELENE"}, "family_name", "exact"),
        ({"birth_name": "Lefèbre"}, "family_name", "close"),
        ({"birth_name": "Lefèvre-Durand"}, "family_name", "partial"),
        ({"birth_name": "Martin"}, "family_name", "different"),
        ({"given_names": "Helene Marie"}, "given_name", "exact"),
        ({"given_names": "Héléne"}, "given_name", "exact"),
        ({"given_names": "Heléne"}, "given_name", "exact"),
        ({"given_names": "Hélèn"}, "given_name", "close"),
        ({"given_names": "Claire"}, "given_name", "different"),
        ({"birth_date": "03/04/1970"}, "birth_date", "exact"),
        ({"birth_date": "1970-04-03"}, "birth_date", "exact"),
        ({"birth_date": "04/03/1970"}, "birth_date", "swapped"),
        ({"birth_date": "03/04/1971"}, "birth_date", "close"),
        ({"birth_date": "03/44/1970"}, "birth_date", "typo"),
        ({"birth_date": "00/00/1970"}, "birth_date", "partial"),
        ({"birth_date": "21/09/1970"}, "birth_date", "year"),
        ({"birth_date": "21/09/1950"}, "birth_date", "different"),
        ({"sex": "Mme"}, "sex", "same"),
        ({"sex": "H"}, "sex", "different"),
        ({"postcode": "59000"}, "postcode", "same"),
        ({"postcode": "59800"}, "postcode", "department"),
        ({"postcode": "75011"}, "postcode", "different"),
    ],
)
def test_each_trait_is_compared_into_a_level(leaked: dict[str, str], trait: str, level: str) -> None:
    assert levels(patient(**leaked), patient())[trait] == level


def test_the_leaked_used_name_is_compared_with_the_patients_birth_and_used_names() -> None:
    base = patient(birth_name="Dupont", usage_name="Martin")
    _weight, evidence = compare(patient(birth_name="MARTIN"), base, weights_for([base]))
    assert (evidence[0].trait, evidence[0].level, evidence[0].detail) == ("family_name", "exact", "birth/usage")


def test_a_usual_first_name_that_is_another_given_name_or_part_of_a_compound_one_agrees() -> None:
    base = patient(given_names="Jean-Pierre, Louis")
    assert levels(patient(given_names="Jean"), base)["given_name"] == "other"
    assert levels(patient(given_names="Louis"), base)["given_name"] == "other"
    assert levels(patient(given_names="JEAN PIERRE"), base)["given_name"] == "exact"


def test_first_and_family_names_written_in_each_others_column_are_recognised_at_a_cost() -> None:
    base = patient()
    straight, _ = compare(patient(), base, weights_for([base]))
    weight, evidence = compare(patient(birth_name="HELENE", given_names="LEFEVRE"), base, weights_for([base]))
    assert evidence[0].trait == "order" and evidence[0].level == "swapped"
    assert {e.trait: e.level for e in evidence}["family_name"] == "exact"
    assert 0 < weight < straight


@pytest.mark.parametrize(
    ("leak_nir", "leak_born", "base_nir", "base_born", "level"),
    [
        ("1850578006084", "12/05/1985", "185057800608491", date(1985, 5, 12), "same"),  # with and without key
        ("1 85 05 78 006 084 91", "", "1850578006084", date(1985, 5, 12), "same"),  # no date in the leak
        ("1850578006084", "12/05/1985", "1850578006084", date(2012, 3, 1), "shared"),  # the child's record
        ("1850578006084", "12/05/1985", "1850578006085", date(1985, 5, 12), "different"),
    ],
)
def test_nir_agreement_is_strong_evidence_unless_the_number_is_another_family_members(
    leak_nir: str, leak_born: str, base_nir: str, base_born: date, level: str
) -> None:
    leak = patient(nir=leak_nir, birth_date=leak_born)
    assert levels(leak, patient(nir=base_nir, birth_date=base_born))["nir"] == level


def test_rare_names_weigh_more_than_frequent_ones() -> None:
    base = [patient(line, birth_name="Martin") for line in range(2, 40)] + [patient(40, birth_name="Quéré")]
    weights = weights_for(base)
    martin, _ = compare(patient(birth_name="MARTIN"), base[0], weights)
    quere, _ = compare(patient(birth_name="QUERE"), base[-1], weights)
    assert quere > martin


# --- Decisions --------------------------------------------------------------------------------------------------


def decide(leaked: list[Traits], base: list[Traits]) -> dict[int, tuple[int, str]]:
    return {result.leak_line: (result.patient_line, result.decision) for result in match(base, leaked)}


def test_a_messy_leaked_row_of_a_patient_is_an_automatic_match_with_its_explanation() -> None:
    base = [patient(2), patient(3, birth_name="Dupont", usage_name="Martin", given_names="Jean-Pierre, Louis",
                                sex="M", birth_date=date(1980, 12, 25), nir="180127512345678")]  # fmt: skip
    leaked = [
        traits(2, birth_name="LEFEVRE", given_names="helene", birth_date="04/03/1970"),  # no accents, swapped date
        traits(3, birth_name="martin", given_names="Jean Pierre", birth_date="12/25/1980", sex="1"),  # used name
        traits(4, birth_name="JEAN", given_names="DUPONT", birth_date="25/12/1980"),  # names swapped
        traits(5, birth_name="Martinn", given_names="Louis", birth_date="25/12/1980", postcode="75001"),  # a typo
        traits(6, birth_name="DUPONT", given_names="JEAN PIERRE", birth_date="25/12/1880", nir="1801275123456"),
    ]
    expected = {2: (2, "match"), 3: (3, "match"), 4: (3, "match"), 5: (3, "match"), 6: (3, "match")}
    assert decide(leaked, base) == expected


def test_a_homonym_born_another_day_is_not_a_patient() -> None:
    base = [patient(2, birth_name="Quéré", given_names="Yannick", birth_date=date(1962, 2, 14))]
    leaked = [traits(2, birth_name="QUERE", given_names="YANNICK", birth_date="30/08/1962"),
              traits(3, birth_name="QUERE", given_names="YANNICK", birth_date="14/02/1990")]  # fmt: skip
    assert decide(leaked, base) == {2: (2, "none"), 3: (2, "none")}


def test_a_twin_is_left_to_a_person_not_matched() -> None:
    base = [patient(2, given_names="Hélène")]
    assert decide([patient(2, given_names="Claire")], base) == {2: (2, "review")}


def test_a_leaked_row_without_birth_date_or_nir_is_reviewed_however_well_the_names_agree() -> None:
    base = [patient(2)]
    assert decide([traits(2, birth_name="Lefèvre", given_names="Hélène", postcode="59000")], base) == {2: (2, "review")}
    with_nir = [traits(2, birth_name="Lefèvre", given_names="Hélène", nir="2700459350123")]
    assert decide(with_nir, [patient(2, nir="270045935012345")]) == {2: (2, "match")}


def test_two_patients_that_fit_equally_well_are_left_to_a_person() -> None:
    base = [patient(2), patient(3)]  # the same identity twice in the base: who is it?
    assert decide([patient(9)], base) == {9: (2, "review")}


def test_a_leaked_row_sharing_no_blocking_key_has_no_candidate() -> None:
    assert decide([traits(2, birth_name="Zyx", given_names="Abc", birth_date="01/01/2001")], [patient(2)]) == {}


def test_sex_and_postcode_support_a_match_without_being_required() -> None:
    base = [patient(2)]
    matcher = Matcher(base, thresholds=Thresholds())
    bare = matcher.best(traits(2, birth_name="Lefèvre", given_names="Hélène", birth_date="03/04/1970"))
    full = matcher.best(patient(2))
    assert bare is not None and full is not None
    assert bare.decision == full.decision == "match" and full.weight > bare.weight


def test_the_blocking_keys_of_a_swapped_row_meet_the_patients_keys() -> None:
    from vigie.linkage import leak_keys, patient_keys

    base = patient()
    assert leak_keys(traits(2, birth_name="Hélène", given_names="Lefèvre", birth_date="03/04/1970")) & patient_keys(
        base
    )


def test_a_date_one_digit_off_is_matched_when_the_leaked_nir_carries_the_patients_birth_year_and_month() -> None:
    base = [patient(2, birth_name="Poumerac", given_names="Guadalupe", birth_date=date(1972, 8, 2), postcode="")]
    # 1977 for 1972: another real date, no postcode to confirm; the leaked NIR (born in August 1972) settles it.
    typo = {"birth_name": "POUMERAC", "given_names": "GUADALUPE", "birth_date": "02/08/1977"}
    assert decide([traits(2, **typo)], base) == {2: (2, "review")}
    assert decide([traits(2, **typo, nir="2 72 08 59 485 160")], base) == {2: (2, "match")}
    # A NIR that agrees with the leaked date says nothing of which date is right.
    assert decide([traits(2, **typo, nir="2 77 08 59 485 160")], base) == {2: (2, "review")}
