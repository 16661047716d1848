"""The journal in the reader's language: each entry keeps its French text as written (the record) and its message,
shown in the language of the screen; an entry written before messages existed shows its recorded text."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse
from django.utils import translation

from vigie.breaches import services
from vigie.breaches.models import EventKind, TimelineEvent
from vigie.breaches.tests.helpers import declare_ransomware

AWARE = datetime(2026, 1, 15, 7, 40, tzinfo=UTC)  # Thursday 15 January 2026, 08:40 in Paris
DONE = datetime(2026, 1, 19, 9, 5, tzinfo=UTC)  # after the 72 hours: late
JUSTIFICATION = "La CNIL a été appelée et a confirmé qu'aucune notification n'était attendue ici."


def timeline(client, breach, lang: str) -> str:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    url = reverse("breaches:detail", args=[breach.organisation_id, breach.pk]) + "?onglet=chronologie"
    return client.get(url).content.decode()


def test_an_obligation_done_reads_in_english_and_in_french_and_is_recorded_in_french(org, owner) -> None:
    breach = declare_ransomware(org, owner, aware=AWARE)
    with translation.override("en"):
        services.mark_obligation_done(
            breach, "notify_cnil", by=owner, done_at=DONE, reference="CNIL-1", delay_reasons="Week-end."
        )
    event = breach.events.get(kind=EventKind.OBLIGATION_DONE)

    with translation.override("en"):
        english = event.text
    with translation.override("fr"):
        french = event.text

    assert english == (
        "“Notify the breach to the CNIL” done on Monday 19 January 2026 at 10:05. Reference: CNIL-1. "
        "Reasons for the delay: Week-end."
    )
    assert french == (
        "« Notifier la violation à la CNIL » fait le lundi 19 janvier 2026 à 10 h 05. Référence : CNIL-1. "
        "Motifs du retard : Week-end."
    )
    assert event.summary == french


def test_the_declaration_and_a_change_of_facts_read_in_english(org, owner) -> None:
    breach = declare_ransomware(org, owner, aware=AWARE)
    services.update_facts(breach, by=owner, changes={"persons_count": 1500, "published": True})

    declared = breach.events.get(kind=EventKind.DECLARED)
    changed = breach.events.get(kind=EventKind.FACTS_CHANGED)
    with translation.override("en"):
        assert declared.text == "Breach declared; awareness on Thursday 15 January 2026 at 08:40."
        assert changed.text == (
            "Facts changed: number of persons concerned: 1,200 → 1,500; data made public: unknown → yes."
        )
    assert declared.summary == "Violation déclarée ; prise de connaissance le jeudi 15 janvier 2026 à 08 h 40."
    assert changed.summary == changed.text  # outside an override, the language is French


def test_closing_with_obligations_open_reads_in_english_with_the_justification_as_typed(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    services.close_breach(breach, by=owner, justification=JUSTIFICATION)
    event = breach.events.get(kind=EventKind.CLOSED)

    with translation.override("en"):
        assert event.text == (
            "Breach closed. Closed with obligations still open (Notify the breach to the CNIL; Inform the persons "
            f"concerned). Justification: {JUSTIFICATION}"
        )
    assert event.summary.startswith("Violation clôturée. Clôturée alors que des obligations restaient à faire (")


def test_the_timeline_page_and_the_api_show_the_language_asked(client, org, owner) -> None:
    from vigie.conftest import sign_in

    breach = declare_ransomware(org, owner, aware=AWARE)
    sign_in(client, owner)

    english = timeline(client, breach, "en")
    french = timeline(client, breach, "fr")

    assert "Breach declared; awareness on Thursday 15 January 2026 at 08:40." in english
    assert "Violation déclarée" not in english
    assert "Violation déclarée ; prise de connaissance le jeudi 15 janvier 2026 à 08 h 40." in french


def test_an_entry_written_before_messages_shows_its_recorded_text_in_every_language(org, owner) -> None:
    breach = declare_ransomware(org, owner)
    old = TimelineEvent.objects.create(
        breach=breach, kind=EventKind.NOTE, summary="« Notifier la CNIL » fait le lundi 5 janvier 2026 à 09:00."
    )

    for lang in ("en", "fr"):
        with translation.override(lang):
            assert old.text == "« Notifier la CNIL » fait le lundi 5 janvier 2026 à 09:00."
