"""Each recipient's form, field by field: the CNIL téléservice, the ARS / CERT Santé report (arrêté du 30 octobre
2017), the police complaint, the Ordre and the insurer; chronologies of facts; the letter's window."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from vigie.documents.content import cnil
from vigie.documents.content.common import View, public_holidays, working_days_after
from vigie.documents.content.others import council, council_address
from vigie.documents.render import compose, render

from .builders import AWARE, PROCESSOR, SCENARIOS, dossier
from .pdftext import normalise, pdf_text
from .test_licensing import make

LEGAL = {"name": "Anne Kerleau", "civility": "mme", "function": "gérante", "phone": "02 97 00 00 01"}
CONTACT = {"name": "Erwan Morvan", "civility": "m", "function": "responsable informatique", "phone": "02 97 00 00 10"}


def fields(kind: str, data: dict[str, Any]) -> dict[str, str]:
    document = compose(kind, data)
    return {block.id: block.text for block in document.blocks() if block.type == "field"}


def section_titles(kind: str, data: dict[str, Any]) -> list[str]:
    return [section.title for section in compose(kind, data).sections]


def text_of(kind: str, data: dict[str, Any]) -> str:
    return normalise(render(kind, data, "txt").decode())


# --- CNIL téléservice ---------------------------------------------------------------------------------------------


def test_cnil_dossier_has_the_legal_representative_in_a_section_of_its_own() -> None:
    data = dossier(organisation={"legal_representative": LEGAL})
    assert "3. Représentant légal" in section_titles("cnil-initial", data)
    values = fields("cnil-initial", data)
    assert values["legal_name"] == "Mme Anne Kerleau" and values["legal_function"] == "Gérante"
    assert values["legal_phone"] == "02 97 00 00 01"
    assert fields("cnil-initial", dossier())["legal_name"].startswith("À compléter")


@pytest.mark.parametrize(
    ("organisation", "expected"),
    [
        ({"siren": "412356784"}, "412 356 784"),
        ({"siren": "", "siret": "51298765200017"}, "512 987 652"),
        ({"siren": "", "siret": "", "no_siren": True}, "Pas de SIREN."),
        ({"siren": "", "siret": ""}, "À compléter : numéro SIREN, ou « pas de SIREN »."),
    ],
)
def test_cnil_dossier_gives_the_siren_or_says_there_is_none(organisation: dict[str, Any], expected: str) -> None:
    assert fields("cnil-initial", dossier(organisation=organisation))["org_siren"] == expected


def test_cnil_dossier_names_a_contact_person_distinct_from_the_dpo() -> None:
    values = fields("cnil-initial", dossier(organisation={"contact": CONTACT}))
    assert values["contact"] == "M. Erwan Morvan, responsable informatique, 02 97 00 00 10"
    assert values["dpo"].startswith("Dr Claire Martin")
    assert fields("cnil-initial", dossier())["contact"].startswith("À compléter : nom, fonction et téléphone")


def test_cnil_dossier_states_status_ongoing_medium_and_the_processors_alert() -> None:
    facts = {
        **SCENARIOS["ransomware"],
        "nature": {**SCENARIOS["ransomware"]["nature"], "certainty": "suspected", "ongoing": True},
        "data": {**SCENARIOS["ransomware"]["data"], "media": ["server", "backup_media"]},
        "processor_informed_at": (AWARE - timedelta(hours=1)).isoformat(),
        "incident_detected_at": (AWARE - timedelta(hours=3)).isoformat(),
    }
    values = fields("cnil-initial", dossier(facts, breach={"ongoing": True}))
    assert values["established"] == "Violation suspectée."
    assert values["ongoing"] == "Oui."
    assert values["medium"] == "Serveur et support de sauvegarde."
    assert values["processor_informed"] == "lundi 2 mars 2026 à 08 h 15 (heure de Paris)"
    assert values["detection"] == "lundi 2 mars 2026 à 06 h 15 (heure de Paris)"
    assert fields("cnil-initial", dossier())["medium"].startswith("À compléter : support des données")
    assert "processor_informed" not in fields("cnil-initial", dossier())


def test_cnil_notification_type_is_initial_complementary_or_complete() -> None:
    assert fields("cnil-initial", dossier())["type"] == "Notification initiale"
    assert fields("cnil-complementary", dossier())["type"] == "Notification complémentaire"
    complete = make(
        {
            "facts": {"nature": {"certainty": "confirmed", "ongoing": False}, "persons": {"count_is_estimate": False}},
            "breach": {"ended_at": (AWARE - timedelta(hours=1)).isoformat()},
        }
    )
    assert cnil.missing(View(complete)) == []
    assert fields("cnil-initial", complete)["type"] == "Notification complète"
    assert compose("cnil-initial", complete).title == "Notification complète à la CNIL"
    assert "la date de fin" in text_of("cnil-initial", dossier())  # what the initial one still lacks


def test_cnil_information_answers_with_channel_and_a_copy_of_the_message() -> None:
    done = {"inform_persons": {"done_at": (AWARE + timedelta(hours=40)).isoformat()}}
    data = dossier(done=done)
    data["information"] = {"channels": {"email": 4200, "letter": 600}}
    values = fields("cnil-initial", data)
    assert values["informed"] == "Oui, les personnes ont été informées"
    assert (
        values["informed_details"]
        == "Le 4 mars 2026. Par courriel, 4\u202f200 personnes et par courrier, 600 personnes."
    )
    assert values["message_copy"] == "En annexe."
    annex = compose("cnil-initial", data).sections[-1]
    assert annex.title == "Annexe : copie du message adressé aux personnes"
    assert any("Votre numéro de sécurité sociale." in block.items for block in annex.blocks if block.type == "list")
    # The copy assistant gives the whole text in one field, to paste into the online form.
    assistant = {b.id: b.text for section in cnil.sections(View(data)) for b in section.blocks if b.type == "field"}
    assert "Nous vous écrivons car des données qui vous concernent" in assistant["message_copy"]
    assert "\n– Votre numéro de sécurité sociale." in assistant["message_copy"]
    recorded = dossier(done=done)
    recorded["details"] = {"persons_channel": "Appel téléphonique de la biologiste"}
    assert (
        fields("cnil-initial", recorded)["informed_details"] == "Le 4 mars 2026. Appel téléphonique de la biologiste."
    )


@pytest.mark.parametrize(
    ("certainty", "answer"),
    [("suspected", "Non déterminé pour le moment"), ("confirmed", "Non, elles ne le seront pas")],
)
def test_cnil_information_may_be_not_determined_yet(certainty: str, answer: str) -> None:
    facts = {**PROCESSOR, "nature": {**PROCESSOR["nature"], "certainty": certainty}}
    assert fields("cnil-initial", dossier(facts))["informed"] == answer


def test_cnil_copy_assistant_gets_the_same_fields_as_the_dossier() -> None:
    view = View(dossier(organisation={"legal_representative": LEGAL, "contact": CONTACT}))
    ids = {block.id for section in cnil.sections(view) for block in section.blocks if block.type == "field"}
    assert {"org_siren", "legal_name", "legal_function", "contact", "established", "ongoing", "medium", "type",
            "informed", "informed_details"} <= ids  # fmt: skip


# --- Chronology ---------------------------------------------------------------------------------------------------

INTERNAL = ("Violation déclarée", "Évaluée", "Vous devez", "Faits modifiés", "Document généré", "Rappel")


@pytest.mark.parametrize("kind", ["complaint", "register-extract"])
def test_chronology_lists_facts_and_formalities_never_the_applications_journal(kind: str) -> None:
    facts = {**SCENARIOS["ransomware"], "incident_detected_at": (AWARE - timedelta(hours=2)).isoformat()}
    data = dossier(
        facts,
        breach={"ended_at": (AWARE + timedelta(hours=30)).isoformat()},
        done={"notify_cnil": {"done_at": (AWARE + timedelta(hours=20)).isoformat(), "reference": "CNIL-1"}},
    )
    data["timeline"].append({"at": AWARE.isoformat(), "kind": "note", "summary": "Vous devez notifier la CNIL."})
    text = text_of(kind, data)
    chronology = text[text.index("Chronologie des faits") :]
    order = [
        "1er mars 2026 à 23 h 15 : Début de la violation.",
        "2 mars 2026 à 07 h 15 : Détection de l'incident.",
        "2 mars 2026 à 09 h 15 : Prise de connaissance de la violation par le cabinet médical des Tilleuls.",
        "3 mars 2026 à 05 h 15 : Notification de la violation à la CNIL, référence CNIL-1.",
        "3 mars 2026 à 15 h 15 : Fin de la violation.",
    ]
    positions = [chronology.index(line) for line in order]
    assert positions == sorted(positions)
    for internal in INTERNAL:
        assert internal not in chronology, internal


def test_register_extract_says_closed_in_french_and_never_calls_the_complaint_compulsory() -> None:
    data = dossier(breach={"status": "closed"}, organisation={"cyber_insurance": True})
    text = text_of("register-extract", data)
    assert "Statut : clôturée" in text
    assert "Porter plainte : recommandé, condition de l'indemnisation par l'assureur" in text
    assert "Porter plainte : obligatoire" not in text


# --- ARS / CERT Santé ---------------------------------------------------------------------------------------------


def test_ars_report_follows_the_headings_of_the_arrete_of_30_october_2017() -> None:
    data = dossier(organisation={"kind": "laboratoire", "contact": CONTACT})
    data["details"] = {
        "scope": "Plateau technique de Vannes.",
        "systems_affected": "Serveur de résultats.",
        "care_impact": "Prélèvements non urgents reportés.",
        "patient_transfers": "Aucun.",
        "structure_impact": "Mode dégradé pendant 36 heures.",
        "attack_vector": "Bureau à distance exposé sur internet.",
        "handling_state": "Systèmes restaurés.",
        "cert_support": True,
    }
    assert section_titles("ars", data)[1:] == [
        "1. Structure et déclarant", "2. L'incident", "3. Impacts", "4. Causes", "5. Mesures", "6. Autres déclarations",
    ]  # fmt: skip
    values = fields("ars", data)
    assert values["ars_declarant"] == "M. Erwan Morvan, responsable informatique, 02 97 00 00 10"
    assert values["ars_detected"].startswith("lundi 2 mars 2026")
    assert values["ars_scope"] == "Plateau technique de Vannes."
    assert values["ars_systems"] == "Serveur de résultats."
    assert values["ars_state"] == "Systèmes restaurés."
    assert values["ars_care"] == "Prélèvements non urgents reportés."
    assert values["ars_transfers"] == "Aucun."
    assert values["ars_structure"] == "Mode dégradé pendant 36 heures."
    assert values["ars_vector"] == "Bureau à distance exposé sur internet."
    assert values["ars_support"] == "Oui."
    assert "36 heures" in values["ars_impact_systems"]  # the recorded restoration
    blank = fields("ars", dossier())
    assert blank["ars_transfers"].startswith("À compléter") and blank["ars_vector"].startswith("À compléter")


# --- Police complaint ---------------------------------------------------------------------------------------------


def test_complaint_carries_the_technical_indicators_the_investigators_ask_for() -> None:
    data = dossier(organisation={"legal_representative": LEGAL})
    data["details"] = {
        "attacker_ips": "203.0.113.45, le 02/03/2026 à 01 h 12 UTC",
        "ransom_note": "Vos fichiers sont chiffrés.",
        "group_name": "Nébula",
        "onion_addresses": "nebulaexemple.onion",
        "wallet_addresses": "bc1qexemple",
        "ransom_amount": "2 bitcoins",
        "ransom_paid": False,
        "systems_affected": "Serveur de résultats.",
        "it_provider": "ArmorInfo, 02 97 00 00 20",
        "losses_estimate": "Environ 45 000 euros.",
        "authority_proof": "Extrait Kbis du 2 mars 2026.",
    }
    values = fields("complaint", data)
    for name, expected in data["details"].items():
        if name in ("ransom_paid", "losses_estimate", "authority_proof"):
            continue
        assert values[name] == expected, name
    assert values["ransom_paid"] == "Non."
    assert values["representative"] == "Mme Anne Kerleau, gérante"
    assert values["authority_proof"] == "Extrait Kbis du 2 mars 2026."
    text = text_of("complaint", data)
    assert "Environ 45 000 euros." in text and "Groupe revendiquant l'attaque" in text
    assert "Participation à un groupement formé en vue de préparer ces atteintes : C. pén., art. 323-4" in text
    blank = text_of("complaint", dossier())
    assert "À compléter : éléments techniques si connus : adresses IP et horaires en UTC, texte de la note" in blank
    assert "À compléter : extrait Kbis" in blank


@pytest.mark.parametrize(
    ("scenario", "present", "absent"),
    [
        ("ransomware", ["323-1, al. 2", "323-2", "323-3", "323-3-1", "312-1", "226-18", "226-22"], ["311-1"]),
        ("portal", ["323-1", "323-3", "226-18"], ["311-1", "323-2", "312-1"]),
        ("stolen_laptop", ["311-1"], ["323-2", "312-1"]),
        ("misdirected", [], ["311-1", "323-1", "226-18"]),
    ],
)
def test_complaint_names_the_offences_the_facts_point_to(scenario: str, present: list[str], absent: list[str]) -> None:
    text = text_of("complaint", dossier(SCENARIOS[scenario]))
    offences = text[text.index("Qualifications pénales") : text.index("Préjudice")]
    for article in present:
        assert f"art. {article}" in offences, article
    for article in absent:
        assert f"art. {article}" not in offences, article


# --- Ordre --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profession", "kind", "postcode", "expected"),
    [
        ("pharmaciens", "etablissement_sante", "56000", "Conseil central de la section H de l'Ordre national des pharmaciens"),
        ("pharmaciens", "pharmacie", "97411", "Conseil central de la section E de l'Ordre national des pharmaciens"),
        ("pedicures_podologues", "cabinet_medical", "35000", "Conseil régional de l'Ordre des pédicures-podologues de Bretagne"),
        ("medecins", "laboratoire", "69003", "Conseil départemental de l'Ordre des médecins du Rhône"),
    ],
)  # fmt: skip
def test_each_profession_writes_to_its_own_council(profession: str, kind: str, postcode: str, expected: str) -> None:
    assert (
        council(View(dossier(organisation={"profession": profession, "kind": kind, "postcode": postcode}))) == expected
    )


def test_national_and_regional_councils_get_the_national_seats_address() -> None:
    lab = View(dossier(organisation={"profession": "pharmaciens", "kind": "laboratoire"}))
    assert council_address(lab) == ["4 avenue Ruysdaël", "75379 Paris Cedex 08"]
    regional = View(dossier(organisation={"profession": "pharmaciens", "kind": "pharmacie", "postcode": "56000"}))
    assert council_address(regional) == ["Ordre national des pharmaciens", "4 avenue Ruysdaël", "75379 Paris Cedex 08"]
    document = compose("ordre", dossier(organisation={"profession": "pharmaciens", "kind": "laboratoire"}))
    assert document.recipient[-2:] == ["4 AVENUE RUYSDAEL", "75379 PARIS CEDEX 08"]
    departmental = compose("ordre", dossier())
    assert departmental.recipient[-1] == "ADRESSE A COMPLETER"


def test_ordre_letter_is_signed_by_the_practitioner_with_the_rpps() -> None:
    organisation = {"legal_representative": {**LEGAL, "rpps": "10101234567", "ordre_member": True}}
    document = compose("ordre", dossier(organisation=organisation))
    assert document.signature[0] == "Mme Anne Kerleau, gérante" and "RPPS n° 10101234567" in document.signature
    assert ["N° RPPS", "10101234567"] in document.references


# --- Insurer ------------------------------------------------------------------------------------------------------


def test_insurer_letter_reminds_the_five_working_days_of_the_code_des_assurances() -> None:
    text = text_of("insurer", dossier())  # aware on Monday 2 March 2026: five working days → Monday 9 March
    assert "cinq jours ouvrés" in text and "L. 113-2, 4°" in text and "expirer avant le 9 mars 2026" in text
    assert "Délai de déclaration : au moins jusqu'au 9 mars 2026" in text


@pytest.mark.parametrize(
    ("aware", "fifth"),
    [
        (datetime.fromisoformat("2026-03-02T09:00:00+01:00"), date(2026, 3, 9)),  # Monday → next Monday
        (datetime.fromisoformat("2026-04-30T18:00:00+02:00"), date(2026, 5, 11)),  # 1 and 8 May are holidays
        (datetime.fromisoformat("2026-12-23T10:00:00+01:00"), date(2026, 12, 31)),  # Christmas day skipped
    ],
)
def test_working_days_skip_weekends_and_public_holidays(aware: datetime, fifth: date) -> None:
    assert working_days_after(aware, 5) == fifth


def test_public_holidays_include_the_movable_ones() -> None:
    holidays = public_holidays(2026)
    assert {date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14)} <= holidays


# --- The letter in its window envelope ----------------------------------------------------------------------------


def _positions(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Each text run of the first page → (x, y) in millimetres from the top left corner."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    height = float(page.mediabox.height)
    out: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: Any, tm: Any, _font: Any, _size: Any) -> None:
        if text.strip() and text.strip() not in out:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            out[text.strip()] = (x / 72 * 25.4, (height - y) / 72 * 25.4)

    page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("kind", ["letter", "letter-parent"])
def test_personnel_et_confidentiel_shows_in_the_window_above_the_address(kind: str) -> None:
    address = ["Mme Jeanne Dupont", "Bâtiment B", "Escalier 3", "Appartement 12", "12 rue de l'Église", "69003 Lyon"]
    positions = _positions(render(kind, dossier(), "pdf", recipient=address))
    mention_x, mention_y = positions["PERSONNEL ET CONFIDENTIEL"]
    first_x, first_y = positions["Mme Jeanne Dupont"]
    last_y = positions["69003 LYON"][1]
    # A DL window: 100 mm from the left of the folded sheet, 50 to 95 mm from its top (baselines well inside).
    assert mention_x >= 100 and 53 <= mention_y < first_y < last_y <= 92
    assert mention_x == pytest.approx(first_x, abs=0.5)
    assert "Personnel et confidentiel" not in pdf_text(render("cnil-initial", dossier(), "pdf"))


def test_the_docx_letter_has_the_mention_above_the_address_and_parents_letters_take_the_own_text() -> None:
    from .pdftext import docx_text

    text = docx_text(render("letter", dossier(), "docx"))
    assert text.index("PERSONNEL ET CONFIDENTIEL") < text.index("Madame ou Monsieur Prénom NOM")
    own = {"letter-parent": {"version": 2, "body": "Madame, Monsieur,\n\nAu sujet de votre enfant : {{ advice }}"}}
    parent = text_of("letter-parent", dossier(templates=own))
    assert "Au sujet de votre enfant" in parent and "version 2" in parent
    assert "Au sujet de votre enfant" not in text_of("letter", dossier(templates=own))
