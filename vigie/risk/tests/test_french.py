"""French dates, durations and typography, whatever the system locale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from vigie.risk.french import NBSP, date_time, duration, integer, typo
from vigie.risk.obligations import RULES
from vigie.risk.vocabulary import OBLIGATION_IDS


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2025, 1, 13, 7, 40, tzinfo=UTC), "lundi 13 janvier 2025 à 08 h 40 (heure de Paris)"),
        (datetime(2025, 8, 1, 22, 5, tzinfo=UTC), "samedi 2 août 2025 à 00 h 05 (heure de Paris)"),
        (datetime(2025, 2, 28, 23, 0, tzinfo=UTC), "samedi 1er mars 2025 à 00 h 00 (heure de Paris)"),
        (datetime(2025, 12, 21, 12, 0, tzinfo=UTC), "dimanche 21 décembre 2025 à 13 h 00 (heure de Paris)"),
    ],
)
def test_dates_are_written_in_french_in_paris_time(moment: datetime, text: str) -> None:
    assert date_time(moment) == text


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=20), "moins d'une minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=2), "2 heures"),
        (timedelta(days=1, minutes=5), "1 jour et 5 minutes"),
        (timedelta(days=3, hours=1, minutes=2), "3 jours, 1 heure et 2 minutes"),
    ],
)
def test_durations_are_written_in_words(span: timedelta, text: str) -> None:
    assert duration(span) == text


def test_typography_puts_a_no_break_space_before_high_punctuation() -> None:
    assert typo("Décision : oui ; « non » ? cas n° 3 !") == (
        f"Décision{NBSP}: oui{NBSP}; «{NBSP}non{NBSP}»{NBSP}? cas n°{NBSP}3{NBSP}!"
    )


def test_thousands_are_separated_the_french_way() -> None:
    assert integer(491840) == "491\u202f840"


def test_obligation_rules_follow_the_contract_order() -> None:
    assert tuple(RULES) == OBLIGATION_IDS
