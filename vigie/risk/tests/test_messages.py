"""Texts as ids and parameters: both languages complete and consistent, rendered at display time, old results kept."""

from __future__ import annotations

import json
import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vigie.risk import Message, assess, localise, parse_facts, render
from vigie.risk.catalogue import MESSAGES
from vigie.risk.language import ENGLISH, FRENCH
from vigie.risk.tests.builders import facts_dict

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def fields(template: str) -> set[tuple[str, str]]:
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("message_id", sorted(MESSAGES))
def test_french_and_english_use_the_same_parameters(message_id: str) -> None:
    french, english = MESSAGES[message_id]

    assert french.strip() and english.strip()
    assert fields(french) == fields(english)


def test_every_reason_has_a_basis_and_every_obligation_a_title_and_a_basis() -> None:
    from vigie.risk import OBLIGATION_IDS

    reasons = [mid for mid in MESSAGES if mid.split(".")[0] in ("c", "a", "i") and not mid.endswith(".basis")]
    assert reasons
    assert all(f"{mid}.basis" in MESSAGES for mid in reasons)
    for oid in OBLIGATION_IDS:
        assert f"obligation.{oid}.title" in MESSAGES and f"obligation.{oid}.basis" in MESSAGES


def test_english_texts_are_not_french_ones() -> None:
    same = [
        mid
        for mid, (french, english) in MESSAGES.items()
        if french == english and any(c.isalpha() for c in re.sub(r"\{[^}]*\}", "", french))
    ]
    assert same == []


def test_parameters_are_written_the_way_of_each_language() -> None:
    message = Message("c.s.volume", {"count": 491840, "level": "maximum"})

    assert render(message, "fr").startswith("491\u202f840 personnes sont concernées\u00a0:")
    assert render(message, "en").startswith("491,840 persons are concerned:")
    assert "gravité maximale" in render(message, "fr")
    assert "severity maximum" in render(message, "en")


def test_lists_of_labels_are_joined_in_each_language() -> None:
    message = Message("c.s.data", {"categories": ["national_id", "health"], "level": "significant"})

    assert "(données de santé et numéro de sécurité sociale (NIR))" in render(message, "fr")
    assert "(health data and social security number (NIR))" in render(message, "en")


def test_dates_and_durations_in_english() -> None:
    moment = datetime(2025, 3, 31, 8, 15, tzinfo=UTC)

    assert ENGLISH.date_time(moment) == "Monday 31 March 2025 at 10:15 (Paris time)"
    assert FRENCH.date_time(moment) == "lundi 31 mars 2025 à 10 h 15 (heure de Paris)"
    assert ENGLISH.duration(timedelta(days=1, hours=15, minutes=15)) == "1 day, 15 hours and 15 minutes"
    assert ENGLISH.duration(timedelta(seconds=5)) == "less than a minute"


def test_a_stored_result_renders_in_english_and_keeps_its_french_record() -> None:
    result = assess(parse_facts(facts_dict())).to_dict()
    stored = json.loads(json.dumps(result))

    english = localise(stored, "en")

    assert english is not None
    assert stored == result  # untouched: the record stays in French
    assert result["decision"].startswith("Décision")
    assert english["decision"] == "Decision: notify the CNIL and inform each person concerned."
    assert english["obligations"][1]["title"] == "Notify the breach to the CNIL"
    assert english["reasons"][0]["text"] != result["reasons"][0]["text"]
    assert english["severity"]["explanation"][0].startswith("DPC 4: health data")
    assert localise(stored, "fr") == stored


def test_an_assessment_stored_before_messages_keeps_its_texts_and_gets_titles_by_id() -> None:
    legacy = {
        "risk": "high",
        "obligations": [{"id": "notify_cnil", "title": "Notifier la CNIL (ancien intitulé)", "status": "required",
                         "why": "Ancien texte.", "basis": "RGPD art. 33(1)"}],
        "reasons": [{"factor": "publication", "effect": "raises", "text": "Ancienne raison.", "basis": "CEPD"}],
        "prudent_assumptions": ["Ancienne hypothèse."],
        "decision": "Décision : notifier la CNIL.",
        "severity": {"score": 5.0, "level": "very_high", "explanation": ["DPC 4 : ancien."]},
    }  # fmt: skip

    english = localise(legacy, "en")

    assert english is not None
    assert english["obligations"][0]["title"] == "Notify the breach to the CNIL"
    assert english["obligations"][0]["why"] == "Ancien texte."
    assert english["reasons"][0]["text"] == "Ancienne raison."
    assert english["decision"] == "Décision : notifier la CNIL."
    assert localise(None, "en") is None
    french = localise(legacy, "fr")
    assert french is not None and french["obligations"][0]["title"] == "Notifier la CNIL (ancien intitulé)"


def test_a_message_id_since_removed_keeps_the_stored_wording() -> None:
    stored = {"reasons": [{"text": "Texte conservé.", "i18n": {"text": {"id": "c.l.gone", "params": {}}}}]}

    english = localise(stored, "en")

    assert english is not None and english["reasons"][0]["text"] == "Texte conservé."


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_every_case_reads_in_english_without_french_sentences(path: Path) -> None:
    facts = json.loads(path.read_text(encoding="utf-8"))["facts"]
    out = assess(parse_facts(facts), now=parse_facts(facts).became_aware_at + timedelta(hours=80)).to_dict("en")

    texts = [out["decision"], *out["prudent_assumptions"], *out["severity"]["explanation"]]
    texts += [reason["text"] for reason in out["reasons"]]
    texts += [part for obligation in out["obligations"] for part in (obligation["title"], obligation["why"])]
    for text in texts:
        assert "\u00a0:" not in text, text
        for french in (" est ", " les ", "Décision", " sont ", " une "):
            assert french not in text, text
