"""The persons' messages come from the documents layer: adapted to the facts, personal, composed once."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach
from vigie.breaches.services import declare_breach
from vigie.breaches.tests.helpers import declare_ransomware
from vigie.campaigns import services
from vigie.campaigns.messages import MESSAGE_ID_SALT, Composer, message_id
from vigie.campaigns.mime import MessageBytes
from vigie.campaigns.models import Campaign
from vigie.documents.models import LetterTemplate

pytestmark = pytest.mark.django_db

# Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville;Données (the conftest's HEADER)
DUPONT = "Dupont;Jeanne;F;12/03/1970;jeanne@exemple-patient.fr;1 rue des Lilas;75011;Paris;santé"
BERNARD = "Bernard;Paul;M;01/02/1960;paul@exemple-patient.fr;2 rue des Lilas;75011;Paris;"
MARTIN = "Martin;Luc;;05/06/1980;luc@exemple-patient.fr;3 rue des Lilas;75011;Paris;"


@pytest.fixture
def ransomware(org: Organisation, owner: User) -> Breach:
    """Ransomware with patient files copied out: identity, NIR, birth dates and health data."""
    return declare_ransomware(org, owner, data_categories=["identity", "birth_date", "national_id", "health"])


@pytest.fixture
def campaign(ransomware: Breach, write_list: Callable[..., Path]) -> Campaign:
    campaign, _report = services.import_path(ransomware, write_list(lines=[DUPONT, BERNARD, MARTIN]))
    return campaign


def _parts(message: Message) -> tuple[str, str]:
    """The text and HTML parts, whitespace folded (the text part is wrapped at 78 columns)."""
    text, markup = (part.get_payload(decode=True).decode() for part in message.get_payload())
    return " ".join(text.split()), " ".join(markup.split())


def _received(smtp, address: str) -> tuple[str, str]:
    return _parts(next(message for message in smtp.messages if message["To"] == address))


def test_the_email_tells_the_risks_of_these_facts_and_the_right_to_complain_to_the_cnil(smtp, campaign, owner) -> None:
    services.start_campaign(campaign, by=owner)
    text, markup = _received(smtp, "paul@exemple-patient.fr")
    for part in (text, markup):
        assert "Des pirates ont attaqué notre système informatique avec un virus" in part  # what happened
        assert "Des données ont été copiées." in part  # confirmed exfiltration
        assert "Ils peuvent aussi utiliser votre identité" in part  # NIR + birth date: identity theft
        assert "menacer de dire des choses sur votre santé" in part  # health data: blackmail
        assert "vous plaindre auprès de la CNIL" in part and "www.cnil.fr/fr/plaintes" in part
        assert "dpo@example.fr" in part
    subject = str(make_header(decode_header(smtp.messages[0]["Subject"])))
    assert subject == "Information importante sur vos données personnelles – Cabinet du Dr Martin"  # nothing of health


def test_the_email_greets_the_person_by_name_and_lists_their_own_data(smtp, campaign, owner) -> None:
    services.start_campaign(campaign, by=owner)
    text, markup = _received(smtp, "jeanne@exemple-patient.fr")
    for part in (text, markup):
        assert "Madame DUPONT," in part
        assert "Veuillez agréer, Madame DUPONT, nos salutations distinguées." in part
        assert "Des informations sur votre santé" in part
        # Her list gives only her health data: neither her NIR nor the identity theft that goes with it.
        assert "numéro de sécurité sociale" not in part
        assert "utiliser votre identité" not in part
    text, _markup = _received(smtp, "paul@exemple-patient.fr")
    assert "Monsieur BERNARD," in text
    assert "Votre numéro de sécurité sociale." in text  # no categories of his own: the breach's
    text, _markup = _received(smtp, "luc@exemple-patient.fr")
    assert "Bonjour Luc MARTIN," in text  # sex unknown: still his name
    assert "Veuillez agréer, Madame, Monsieur, nos salutations distinguées." in text


def test_the_organisations_own_email_text_is_used(smtp, campaign, owner, org) -> None:
    body = "Madame, Monsieur,\n\nNotre texte, écrit par le cabinet.\n\n{{ data_concerned }}\n\nCNIL : {{ cnil_url }}"
    LetterTemplate.objects.create(organisation=org, kind="email", version=1, body=body, created_by=owner)
    services.start_campaign(campaign, by=owner)
    text, markup = _received(smtp, "jeanne@exemple-patient.fr")
    assert "Madame DUPONT," in text and "Madame DUPONT," in markup
    assert "Notre texte, écrit par le cabinet." in text
    assert "Des informations sur votre santé" in text
    assert "Que s’est-il passé" not in text


def test_the_letter_is_personal_and_follows_the_organisations_letter_text(campaign, owner, org) -> None:
    body = "Madame, Monsieur,\n\n{{ data_concerned }}\n\nVeuillez agréer, Madame, Monsieur, nos salutations."
    LetterTemplate.objects.create(organisation=org, kind="letter", version=3, body=body, created_by=owner)
    composer = Composer(campaign)
    letter = composer.letter({"usage_name": "Dupont", "sex": "F", "categories": ["health"], "address": ["A", "B"]})
    texts = [block.get("text") or " ".join(block.get("items") or []) for block in letter["blocks"]]
    assert texts[0] == "Madame DUPONT,"
    assert texts[1].startswith("Des informations sur votre santé")
    assert texts[2] == "Veuillez agréer, Madame DUPONT, nos salutations."
    assert letter["address"] == ["A", "B"]
    assert ["Modèle", "version 3"] in composer.letter_common()["references"]  # which text each letter used


def test_the_breach_wide_text_is_composed_once_per_set_of_categories(campaign, django_assert_num_queries) -> None:
    composer = Composer(campaign)
    persons = [
        {"usage_name": f"Nom{n}", "sex": "F", "email": f"p{n}@exemple-patient.fr", "categories": categories}
        for n, categories in enumerate([[], ["health"], ["health"], [], ["santé-inconnue", "health"]])
    ]
    with django_assert_num_queries(0):
        messages = [composer.email(n, person) for n, person in enumerate(persons)]
    assert len(composer.variants) == 2  # the breach's categories, and « health » alone
    assert len({message.extra_headers["Message-ID"] for message in messages}) == 5
    assert "Madame NOM4," in messages[4].body


def test_the_emails_bytes_are_those_of_the_whole_message_as_django_makes_it(campaign) -> None:
    """``Composer.prepared`` splices the person into the variant's serialised e-mail; nothing may differ from the
    message Django would serialise (boundary and date aside), for any name, sex, address or set of categories."""
    composer = Composer(campaign)
    persons = [
        {"usage_name": "Dupont", "sex": "F", "email": "jeanne@exemple-patient.fr"},
        {"birth_name": "d'Artagnan-Lœuvre", "given_names": "Élodie Marie", "email": "élodie@exemple.fr"},
        {"usage_name": "O'Brien <Smith> & Co", "sex": "M", "email": "a@bücher.de", "categories": ["health"]},
        {"given_names": "Zoé", "email": "zoe@exemple-patient.fr", "categories": ["health", "national_id"]},
        {"email": "anonyme@exemple-patient.fr"},
        {"usage_name": "Nom\nsur deux lignes", "sex": "F", "email": "n@exemple-patient.fr"},  # serialised whole
    ]
    for n, person in enumerate(persons):
        prepared = composer.prepared(n, person)
        whole = composer.email(n, person)
        expected = whole.message().as_bytes(linesep="\r\n")
        if "\n" in person.get("usage_name", ""):
            assert prepared.data is None
            continue
        assert prepared.data is not None
        assert _without_boundary_and_date(prepared.data) == _without_boundary_and_date(expected), person
        assert prepared.message_id == whole.extra_headers["Message-ID"] == message_id(campaign.pk, n, composer.domain)
        assert (prepared.sender, prepared.recipients) == MessageBytes().envelope(whole)


def _without_boundary_and_date(data: bytes) -> bytes:
    data = re.sub(rb"={15}\d{19}==", b"BOUNDARY", data)
    return re.sub(rb"Date: [^\r]*\r\n", b"", data)


def test_a_breach_not_yet_assessed_still_gets_the_documents_text(smtp, imported, owner) -> None:
    campaign = imported(1)  # the conftest's breach has facts but no assessment
    assert campaign.breach.assessment is None
    services.start_campaign(campaign, by=owner)
    text, _markup = _parts(smtp.messages[0])
    assert "Madame NOM00001X," in text
    assert "www.cnil.fr/fr/plaintes" in text


def test_the_sms_is_the_documents_sms(campaign) -> None:
    sms = Composer(campaign).sms({"phone": "0612345678"})
    assert sms.startswith("Cabinet du Dr Martin") and len(sms) <= 306


def test_a_breach_with_hardly_any_facts_still_gets_a_plain_message(org, owner, write_list) -> None:
    bare = declare_breach(org, by=owner, title="Incident", became_aware_at=timezone.now() - timedelta(hours=1))
    campaign, _report = services.import_path(bare, write_list(lines=[DUPONT]))
    message = Composer(campaign).email(1, {"usage_name": "Dupont", "sex": "F", "email": "j@exemple-patient.fr"})
    text = " ".join(message.body.split())
    assert "Madame DUPONT," in text and "Un incident de sécurité a touché des données." in text
    assert "www.cnil.fr/fr/plaintes" in text


def test_the_message_id_is_djangos_salted_hmac_of_the_ids_and_follows_the_secret_key(settings) -> None:
    expected = salted_hmac(MESSAGE_ID_SALT, "7.42").hexdigest()[:12]
    assert message_id(7, 42, "cabinet.fr") == f"<vigie.7.42.{expected}@cabinet.fr>"
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert (
        message_id(7, 42, "cabinet.fr")
        == f"<vigie.7.42.{salted_hmac(MESSAGE_ID_SALT, '7.42').hexdigest()[:12]}@cabinet.fr>"
    )
    assert expected not in message_id(7, 42, "cabinet.fr")
