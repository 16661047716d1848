"""French grammar for generated sentences: articles before an organisation's name, elision, agreement."""

from __future__ import annotations

import pytest

from vigie.documents.content.grammar import (
    Named,
    count_of,
    de,
    dpo_title,
    hours,
    named_person,
    starts_with_vowel_sound,
    unnested,
)


@pytest.mark.parametrize(
    ("name", "the", "of", "to"),
    [
        ("Laboratoire Bio Armor", "le laboratoire Bio Armor", "du laboratoire Bio Armor", "au laboratoire Bio Armor"),
        ("Cabinet médical des Tilleuls", "le cabinet médical des Tilleuls", "du cabinet médical des Tilleuls",
         "au cabinet médical des Tilleuls"),
        ("Clinique du Parc", "la clinique du Parc", "de la clinique du Parc", "à la clinique du Parc"),
        ("Hôpital privé Nord", "l'hôpital privé Nord", "de l'hôpital privé Nord", "à l'hôpital privé Nord"),
        ("EHPAD Les Lilas", "l'EHPAD Les Lilas", "de l'EHPAD Les Lilas", "à l'EHPAD Les Lilas"),
        ("CHU de Rennes", "le CHU de Rennes", "du CHU de Rennes", "au CHU de Rennes"),
        ("Biolab", "Biolab", "de Biolab", "à Biolab"),
        ("Armor Santé", "Armor Santé", "d'Armor Santé", "à Armor Santé"),
    ],
)  # fmt: skip
def test_an_organisations_name_takes_its_article_and_contracts(name: str, the: str, of: str, to: str) -> None:
    named = Named.of(name)
    assert (named.the, named.of_, named.to) == (the, of, to)
    assert named.subject == the[0].upper() + the[1:]


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("environ 40 patients", "d'environ 40 patients"),
        ("une atteinte", "d'une atteinte"),
        ("le laboratoire", "du laboratoire"),
        ("les patients", "des patients"),
        ("Yann Le Goff", "de Yann Le Goff"),
        ("Yves Martin", "d'Yves Martin"),
        ("hôpital", "d'hôpital"),
        ("Haute-Savoie", "de Haute-Savoie"),
        ("hachage salé", "de hachage salé"),
    ],
)
def test_de_elides_and_contracts(phrase: str, expected: str) -> None:
    assert de(phrase) == expected


def test_counts_agree_in_number_and_gender() -> None:
    assert count_of(1, "patient", "patients") == "un patient"
    assert count_of(1, "personne", "personnes", feminine=True) == "une personne"
    assert count_of(0, "enregistrement", "enregistrements") == "aucun enregistrement"
    assert count_of(4800, "patient", "patients") == "4\u202f800 patients"
    assert [hours(0.5), hours(1), hours(1.5), hours(2), hours(36)] == [
        "moins d'une heure", "1 heure", "1,5 heure", "2 heures", "36 heures",
    ]  # fmt: skip


def test_a_persons_function_follows_their_gender_never_an_inclusive_e() -> None:
    assert dpo_title("mme") == "déléguée à la protection des données"
    assert dpo_title("m") == "délégué à la protection des données"
    assert "(e)" not in dpo_title("")
    assert named_person("Claire Martin", "mme") == "Mme Claire Martin"
    assert named_person("Dr Claire Martin", "mme") == "Dr Claire Martin"  # a title already given


def test_nested_and_adjacent_parentheses_are_flattened_but_not_article_numbers() -> None:
    assert unnested("malveillant (ingénierie sociale (usurpation d'identité)) : x") == (
        "malveillant (ingénierie sociale, usurpation d'identité) : x"
    )
    assert unnested("absence d'identifiant) (gravité négligeable)") == "absence d'identifiant ; gravité négligeable)"
    assert unnested("RGPD art. 34(3)(a) et 33(1)") == "RGPD art. 34(3)(a) et 33(1)"


def test_vowel_sounds() -> None:
    assert starts_with_vowel_sound("ARS") and starts_with_vowel_sound("« Informer")
    assert not starts_with_vowel_sound("handicap") and not starts_with_vowel_sound("Yann")
