"""Every document renders from a dossier alone, says what the law requires, and resists hostile values."""

from __future__ import annotations

import email
import email.policy
import os
from datetime import timedelta
from pathlib import Path

import pytest

from vigie.documents import sms
from vigie.documents.address import format_address
from vigie.documents.content.common import View
from vigie.documents.content.others import council
from vigie.documents.readability import kandel_moles
from vigie.documents.render import KINDS, FormatError, compose, render
from vigie.documents.views import readability_of

from .builders import AWARE, SCENARIOS, dossier
from .pdftext import docx_text, docx_xml, pdf_pages, pdf_text

ARTEFACTS = Path(os.environ.get("VIGIE_ARTEFACTS", "var/test-artefacts/documents"))


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_document_renders_in_every_format_for_varied_breaches(scenario: str) -> None:
    data = dossier(SCENARIOS[scenario])
    for kind, spec in KINDS.items():
        for fmt in spec.formats:
            output = render(kind, data, fmt)
            assert output, (kind, fmt)
            if fmt == "pdf":
                assert output.startswith(b"%PDF") and data["organisation"]["name"] in pdf_text(output)
            if fmt == "docx":
                assert output.startswith(b"PK")


def test_pdf_documents_embed_their_fonts_and_number_their_pages() -> None:
    output = render("cnil-initial", dossier(), "pdf")
    assert b"/FontFile" in output  # embedded font programs
    pages = pdf_pages(output)
    assert pages > 1 and f"Page {pages} sur {pages}" in pdf_text(output)


def test_cnil_notification_has_every_item_of_article_33_3() -> None:
    text = pdf_text(render("cnil-initial", dossier(), "pdf"))
    for needle in (
        "Notification initiale",
        "33(3)(a)",  # nature, categories and numbers of persons and records
        "Rançongiciel",
        "Patients",
        "4 800",
        "20 000 enregistrements",
        "33(3)(b)",  # DPO or contact point
        "Dr Claire Martin, dpo@tilleuls.example",
        "33(3)(c)",  # likely consequences
        "hameçonnage",
        "33(3)(d)",  # measures taken or proposed
        "Serveur isolé",
        "Double authentification",
        "Date et heure de la prise de connaissance",
        "lundi 2 mars 2026 à 09 h 15",
        "Les personnes ont-elles été informées ?",
        "Aspects transfrontaliers",
    ):
        assert needle in text, needle


def test_late_cnil_notification_gives_the_reasons_for_the_delay() -> None:
    late = dossier(generated_at=AWARE + timedelta(hours=80))
    assert "Motifs du retard" in pdf_text(render("cnil-initial", late, "pdf"))
    reasons = "Les journaux du prestataire ne sont arrivés qu'au quatrième jour."
    done = dossier(done={"notify_cnil": {"done_at": (AWARE + timedelta(hours=96)).isoformat(),
                                         "reference": "CNIL-123", "delay_reasons": reasons}})  # fmt: skip
    text = pdf_text(render("cnil-complementary", done, "pdf"))
    assert reasons in text and "CNIL-123" in text and "Notification complémentaire" in text


def test_notification_in_time_has_no_delay_section() -> None:
    assert "Motifs du retard" not in pdf_text(render("cnil-initial", dossier(), "pdf"))


def test_letter_to_the_persons_has_every_item_of_article_34_2() -> None:
    text = pdf_text(render("letter", dossier(), "pdf"))
    for needle in (
        "Que s'est-il passé ?",  # nature of the breach
        "Des données ont été copiées",
        "Votre numéro de sécurité sociale",  # which of the person's data
        "Quels sont les risques ?",  # likely consequences
        "Ils se font passer pour nous",
        "Ce que nous avons fait",  # measures taken
        "Ce que nous vous conseillons",  # what to do
        "Ne donnez jamais vos codes",
        "dpo@tilleuls.example",  # contact point
        "CNIL",  # right to complain
        "cnil.fr/fr/plaintes",
    ):
        assert needle in text, needle


def test_letter_advice_follows_the_data_concerned() -> None:
    portal = pdf_text(render("letter", dossier(SCENARIOS["portal"]), "pdf"))
    assert "Changez votre mot de passe" in portal and "relevés de compte" in portal
    assert "numéro de sécurité sociale" not in portal
    card = pdf_text(render("letter", dossier(SCENARIOS["stolen_laptop"]), "pdf"))
    assert "Faites opposition à votre carte" in card
    misdirected = pdf_text(render("letter", dossier(SCENARIOS["misdirected"]), "pdf"))
    assert "Changez votre mot de passe" not in misdirected and "Le secret médical" in misdirected


def test_letter_address_block_is_written_to_nf_z10_011() -> None:
    lines = format_address(["Mme Jeanne Dupont", "", "Bâtiment B, escalier 3", "12, rue de l'Église", "69003 Lyon"])
    assert lines == ["Mme Jeanne Dupont", "Bâtiment B, escalier 3", "12 RUE DE L EGLISE", "69003 LYON"]
    recipient = ["M. Éric Lenoir", "5 bis avenue des Fleurs", "56000 Vannes"]
    data = dossier()
    document = compose("letter", data, recipient=recipient)
    assert document.recipient == ["M. Éric Lenoir", "5 BIS AVENUE DES FLEURS", "56000 VANNES"]
    assert all(len(line) <= 38 for line in document.recipient) and len(document.recipient) <= 6
    assert "5 BIS AVENUE DES FLEURS" in pdf_text(render("letter", data, "pdf", recipient=recipient))


def test_an_address_longer_than_the_norm_is_refused() -> None:
    from vigie.documents.address import AddressError

    with pytest.raises(AddressError):
        format_address(["x"] * 7)
    with pytest.raises(AddressError):
        format_address(["Une ligne bien trop longue pour une fenêtre d'enveloppe DL"])


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_default_texts_to_the_persons_score_as_easy(scenario: str) -> None:
    data = dossier(SCENARIOS[scenario])
    for kind in ("letter", "email", "public-notice"):
        score = readability_of(compose(kind, data))
        assert score.easy and score.band in ("facile", "très facile"), (kind, score)


def test_readability_tells_easy_from_hard_french() -> None:
    easy = kandel_moles("Le chat dort. Il fait beau. Nous sommes là.")
    hard = kandel_moles(
        "Conformément aux dispositions réglementaires susmentionnées, l'établissement procède à "
        "l'identification exhaustive des conséquences organisationnelles potentiellement préjudiciables."
    )
    assert easy.value >= 80 and easy.band == "très facile"
    assert hard.value < 30 and hard.band == "très difficile"


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_sms_fits_in_two_segments(scenario: str) -> None:
    text = render("sms", dossier(SCENARIOS[scenario]), "txt").decode()
    assert sms.segments(text) <= 2 and sms.length(text) <= 306 and sms.is_gsm7(text)


def test_a_long_sms_is_cut_to_two_segments_and_unicode_counts_double() -> None:
    data = dossier(organisation={"name": "Centre " + "très " * 100, "dpo": {"phone": "0" * 500}})
    text = render("sms", data, "txt").decode()
    assert sms.segments(text) <= 2 and sms.length(text) <= 306
    assert sms.segments("ê" * 70) == 1 and sms.segments("ê" * 71) == 2 and sms.segments("ê" * 135) == 3
    assert sms.length("€") == 2 and sms.segments("a" * 306) == 2 and sms.segments("a" * 307) == 3


def test_email_has_a_text_part_and_an_html_alternative() -> None:
    raw = render("email", dossier(), "eml")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert "Cabinet médical des Tilleuls" in message["Subject"] and "dpo@tilleuls.example" in message["From"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Ne donnez jamais vos codes" in text and "<li>" in html and "Ne donnez jamais vos codes" in html


def test_public_notice_has_a_web_notice_and_a_press_text() -> None:
    text = pdf_text(render("public-notice", dossier(SCENARIOS["stolen_laptop"]), "pdf"))
    assert "Avis à publier sur le site internet" in text and "Communiqué de presse" in text and "34" in text


def test_complaint_file_states_the_72_hour_insurance_condition_when_insured() -> None:
    insured = pdf_text(render("complaint", dossier(organisation={"cyber_insurance": True}), "pdf"))
    for needle in ("Exposé des faits", "Chronologie", "Données concernées", "Éléments de preuve", "Préjudice",
                   "L. 12-10-1", "72 heures", "jeudi 5 mars 2026 à 09 h 15", "323-1"):  # fmt: skip
        assert needle in insured, needle
    assert "L. 12-10-1" not in pdf_text(render("complaint", dossier(organisation={"cyber_insurance": False}), "pdf"))


@pytest.mark.parametrize(
    ("profession", "kind", "postcode", "expected"),
    [
        ("medecins", "cabinet_medical", "69003", "Conseil départemental de l'Ordre des médecins du Rhône"),
        (
            "chirurgiens_dentistes",
            "cabinet_medical",
            "2A004",
            "Conseil départemental de l'Ordre des chirurgiens-dentistes",
        ),
        ("sages_femmes", "cabinet_medical", "20200", "de l'Ordre des sages-femmes de la Haute-Corse"),
        ("infirmiers", "cabinet_medical", "97411", "de l'Ordre des infirmiers de La Réunion"),
        ("masseurs_kinesitherapeutes", "cabinet_medical", "01000", "masseurs-kinésithérapeutes de l'Ain"),
        ("pharmaciens", "pharmacie", "56000", "Conseil régional de l'Ordre des pharmaciens de Bretagne"),
        ("pharmaciens", "laboratoire", "56000", "section G de l'Ordre national des pharmaciens"),
    ],
)
def test_letter_goes_to_the_right_council_of_the_ordre(
    profession: str, kind: str, postcode: str, expected: str
) -> None:
    data = dossier(organisation={"profession": profession, "kind": kind, "postcode": postcode})
    assert expected in council(View(data))


def test_ordre_letter_is_addressed_to_the_council() -> None:
    text = pdf_text(render("ordre", dossier(), "pdf"))
    assert "Conseil départemental de l'Ordre des médecins du Rhône" in text and "R. 4127-4" in text


def test_ars_insurer_processor_and_register_documents_say_what_they_are_for() -> None:
    assert "L. 1111-8-2" in pdf_text(render("ars", dossier(organisation={"kind": "laboratoire"}), "pdf"))
    assert "Déclaration de sinistre" in pdf_text(render("insurer", dossier(), "pdf"))
    processor = pdf_text(render("processor-notice", dossier(SCENARIOS["processor"]), "pdf"))
    assert "article 33, paragraphe 2" in processor and "sous-traitant" in processor
    register = pdf_text(render("register-extract", dossier(), "pdf"))
    assert (
        "article 33, paragraphe 5" in register
        and "Facteurs retenus" in register
        and "Chronologie des faits" in register
    )


def test_french_typography_no_break_spaces_and_guillemets() -> None:
    doc = render("letter", dossier(), "txt").decode()
    assert "QUE S\u2019EST-IL PASSÉ\u00a0?" in doc and "Objet\u00a0:" in doc


HOSTILE = '#set text(red) $x^2$ *gras* _it_ <script>alert("x")</script> ]) } {{ breach.title }} \\ 😀 ' + "é" * 400


def test_hostile_values_never_break_a_document_nor_inject_markup() -> None:
    data = dossier(
        organisation={"name": "Dr #Dupont $$ *x* <b>", "city": HOSTILE[:200], "address": HOSTILE},
        breach={"title": HOSTILE, "description": HOSTILE, "measures_taken": HOSTILE, "reference": "2026-#1"},
    )
    for kind, spec in KINDS.items():
        for fmt in spec.formats:
            render(kind, data, fmt)
    text = pdf_text(render("cnil-initial", data, "pdf"))
    assert '#set text(red) $x^2$ *gras* _it_ <script>alert("x")</script>' in text
    assert "Dr #Dupont $$ *x* <b>" in text
    html = render("cnil-initial", data, "html").decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html and "<b>" not in html
    assert "<script>" not in docx_xml(render("cnil-initial", data, "docx"))
    assert "<script>alert" in docx_text(render("cnil-initial", data, "docx"))
    raw = render("email", data, "eml")
    assert b"<script>alert" not in raw


def test_a_control_character_does_not_corrupt_the_docx() -> None:
    data = dossier(breach={"description": "avant\x00\x07après"})
    assert "avantaprès" in docx_text(render("cnil-initial", data, "docx"))


def test_an_organisation_template_replaces_the_default_letter() -> None:
    body = "Madame, Monsieur,\n\n## Notre message\n\nLe {{ breach.date }}, {{ organisation.name }} a subi un incident.\n\n{{ advice }}"
    data = dossier(templates={"letter": {"version": 3, "body": body}})
    text = pdf_text(render("letter", data, "pdf"))
    assert "Notre message" in text and "Le 2 mars 2026, Cabinet médical des Tilleuls a subi un incident." in text
    assert "Ne donnez jamais vos codes" in text and "version 3" in text


def test_placeholders_reach_nothing_but_the_whitelist() -> None:
    from vigie.documents.templating import unknown_placeholders

    body = "{{ organisation.name }} {{ breach.__class__ }} {{ 7*7 }} {{ settings.SECRET_KEY }}"
    assert unknown_placeholders(body) == ["7*7", "breach.__class__", "settings.SECRET_KEY"]
    data = dossier(templates={"letter": {"version": 1, "body": body}})
    assert "{{ settings.SECRET_KEY }}" in pdf_text(render("letter", data, "pdf"))


def test_a_kind_refuses_a_format_it_does_not_have() -> None:
    with pytest.raises(FormatError):
        render("sms", dossier(), "pdf")


def test_logo_appears_on_the_letterhead() -> None:
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (31, 78, 140)).save(buffer, format="PNG")
    data = dossier(organisation={"logo_png": base64.b64encode(buffer.getvalue()).decode()})
    assert b"/Image" in render("letter", data, "pdf")
    assert "word/media/" in str(__import__("zipfile").ZipFile(io.BytesIO(render("letter", data, "docx"))).namelist())


def test_pages_are_written_as_artefacts_to_look_at() -> None:
    """First pages as PNG, to check the layout by eye (``var/test-artefacts/documents``)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    data = dossier()
    for kind, spec in KINDS.items():
        if "pdf" in spec.formats:
            png = render(kind, data, "png")
            assert png.startswith(b"\x89PNG")
            (ARTEFACTS / f"document-{kind}.png").write_bytes(png)
