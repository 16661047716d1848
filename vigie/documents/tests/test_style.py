"""The French style check (``frenchstyle.slips``) catches each slip it is written for, and every document of every
demo breach, and of random dossiers, passes it."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigie.breaches.models import Breach
from vigie.documents.dossier import build_dossier
from vigie.documents.render import KINDS, render
from vigie.risk import BREACH_TYPES, DATA_CATEGORIES, MEDIA, ORIGINS, PERSON_CATEGORIES

from .builders import AWARE, ORGANISATION, RANSOMWARE, dossier
from .frenchstyle import URL_OR_EMAIL, slips
from .pdftext import pdf_text

NAMES = ["Laboratoire Bio Armor", "Cabinet médical des Tilleuls"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Oui; non", "space before ; ! ?"),
        ("Oui ; non", "ordinary space before ; : ! ?"),
        ("Adresse: 12 rue", "space before :"),
        ("Les personnes ont-elles été informées\u00a0?\u00a0:", "? followed by :"),
        ("environ 4 800 personnes (estimation) (patients)", "two parentheses in a row"),
        ("chiffrement (art. 34(3)(a))", "nested parentheses"),
        ("selon l'article L.1110-4 du code", "article reference"),
        ("numéro de sécurité sociale (nir)", "acronym in lower case"),
        ("Atteinte aux données de environ 40 patients", "missing elision"),
        ("le hôpital", "missing elision"),
        ("Il a écrit à le Laboratoire", "missing contraction"),
        ("1 patients", "number agreement"),
        ("12 patient", "number agreement"),
        ("un patients", "number agreement"),
        ("Gravité estimée\u00a0: Maximal", "gender agreement (gravité)"),
        ("Yann Le Goff, délégué(e) à la protection des données", "inclusive (e)"),
        ("Statut\u00a0: close", "« close » for a closed breach"),
        ("Le secret médical n'a donc pas été respecté.", "admits a breach of secrecy"),
        ("Date\u00a0: None", "Python value leaked"),
        ("Bonjour {{ dpo.name }}", "placeholder left"),
        ("survenue au sein de Laboratoire Bio Armor", "organisation name without its article"),
        ("Fin ,", "space before , or ."),
        ("Fin..", "doubled punctuation"),
    ],
)
def test_the_style_check_catches_each_slip(text: str, rule: str) -> None:
    assert rule in [found for found, _excerpt in slips(text, names=NAMES)], slips(text, names=NAMES)


@pytest.mark.parametrize(
    "text",
    [
        "Atteinte aux données d'environ 4\u202f800 patients\u00a0; un patient, 2 heures.",
        "Survenue au sein du laboratoire Bio Armor, l'hôpital, le handicap, de Yann Le Goff, d'Yves.",
        "Laboratoire Bio Armor\nPersonnel et confidentiel",
        "Gravité\u00a0: Maximale. Voir www.cnil.fr/fr/plaintes ou dpo@bio-armor.example.",
        "RGPD art. 33(3)(a), art.\u00a0L.\u00a01110-4, C.\u00a0pén., art.\u00a0323-1.",
        "Statut\u00a0: clôturée. Le secret médical a pu être compromis.",
    ],
)
def test_the_style_check_lets_correct_french_through(text: str) -> None:
    assert slips(text, names=NAMES) == []


@pytest.mark.django_db
def test_every_document_of_every_demo_breach_is_in_correct_french(capsys) -> None:
    call_command("demo")
    capsys.readouterr()
    breaches = list(Breach.objects.select_related("organisation"))
    assert len(breaches) >= 8
    for breach in breaches:
        data = build_dossier(breach)
        for kind in KINDS:
            text = render(kind, data, "txt").decode()
            found = slips(text, names=[breach.organisation.name], sms=kind == "sms")
            assert found == [], (breach.reference, kind, found)


@pytest.mark.django_db
def test_no_pdf_breaks_a_web_or_email_address_across_lines(capsys) -> None:
    call_command("demo")
    capsys.readouterr()
    checked = 0
    for breach in Breach.objects.select_related("organisation"):
        data = build_dossier(breach)
        for kind, spec in KINDS.items():
            if "pdf" not in spec.formats:
                continue
            # pdf_text turns a line break into a space: an address cut across two lines is no longer found.
            text = pdf_text(render(kind, data, "pdf"))
            for address in {
                m.group(0).rstrip(".,;:") for m in URL_OR_EMAIL.finditer(render(kind, data, "txt").decode())
            }:
                assert address in text, (breach.reference, kind, address)
                checked += 1
    assert checked > 100


def test_a_long_email_address_at_the_end_of_a_line_stays_whole_in_the_pdf() -> None:
    long = "secretariat.medical.des.tilleuls@cabinet-medical-des-tilleuls.example"
    data = dossier(organisation={"dpo": {"name": "Dr Claire Martin", "email": long, "phone": ""}})
    for kind in ("letter", "cnil-initial", "public-notice"):
        assert long in pdf_text(render(kind, data, "pdf")), kind


# --- Random dossiers --------------------------------------------------------------------------------------------

ORG_NAMES = [
    "Laboratoire Bio Armor", "Cabinet médical des Tilleuls", "Clinique du Parc", "Hôpital privé Nord",
    "EHPAD Les Lilas", "Association Santé Plus", "Biolab", "Armor Santé", "Institut de radiologie de Lille",
    "Centre de santé Jean Moulin", "Maison de santé de l'Odet", "Pharmacie de la Gare", "Yssingeaux Médical",
    "Cabinet du Dr Martin", "Groupe Hospitalier Est", "Officine Saint-Roch",
]  # fmt: skip
NARRATIVES = [
    "",
    "Serveur isolé ; mots de passe changés",
    "Poste débranché du réseau.",
    "Dossier retrouvé, puis détruit.",
]
PROFESSIONS = ["", "medecins", "pharmaciens", "chirurgiens_dentistes", "sages_femmes", "infirmiers",
               "masseurs_kinesitherapeutes", "pedicures_podologues"]  # fmt: skip
KINDS_OF_ORG = ["cabinet_medical", "centre_sante", "laboratoire", "etablissement_sante", "pharmacie", "medico_social",
                "other_health", "other"]  # fmt: skip
OBLIGATIONS = ["notify_cnil", "inform_persons", "police_complaint", "ars_cert_sante", "ordre", "cybermalveillance"]


def subset(values: tuple[str, ...] | list[str], *, min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(values)), min_size=min_size, max_size=4, unique=True)


@st.composite
def random_dossiers(draw: st.DrawFn) -> dict[str, Any]:
    facts = copy.deepcopy(RANSOMWARE)
    facts["controller"] = {
        "kind": draw(st.sampled_from(KINDS_OF_ORG)),
        "role": draw(st.sampled_from(["controller", "processor"])),
    }
    facts["nature"] = {
        "types": draw(subset(BREACH_TYPES, min_size=1)),
        "origin": draw(st.sampled_from(ORIGINS)),
        "malicious": draw(st.sampled_from([True, False, None])),
        "certainty": draw(st.sampled_from(["confirmed", "suspected", None])),
        "ongoing": draw(st.sampled_from([True, False, None])),
    }
    facts["nature"] = {k: v for k, v in facts["nature"].items() if v is not None}
    facts["data"] = {
        "categories": draw(subset(DATA_CATEGORIES, min_size=1)),
        "protection": draw(st.sampled_from(["none", "encrypted", "pseudonymised"])),
        "media": draw(subset(MEDIA)),
    }
    facts["persons"] = {
        "count": draw(st.sampled_from([0, 1, 2, 37, 4800, 123456])),
        "count_is_estimate": draw(st.booleans()),
        "categories": draw(subset(PERSON_CATEGORIES)),
    }
    facts["confidentiality"] = {
        "exfiltration": draw(st.sampled_from(["confirmed", "likely", "excluded", "unknown"])),
        "published": draw(st.booleans()),
    }
    facts["availability"] = {
        "backup": draw(st.booleans()),
        "impact_on_care": draw(st.booleans()),
        "permanent_loss": draw(st.booleans()),
    }
    if draw(st.booleans()):
        facts["availability"]["restored_within_hours"] = draw(st.sampled_from([0.5, 1, 2, 36.5]))
    if draw(st.booleans()):
        facts["incident_detected_at"] = (AWARE - timedelta(hours=2)).isoformat()
    civility = st.sampled_from(["", "mme", "m"])
    organisation = {
        "name": draw(st.sampled_from(ORG_NAMES)),
        "kind": facts["controller"]["kind"],
        "profession": draw(st.sampled_from(PROFESSIONS)),
        "postcode": draw(st.sampled_from(["69003", "56000", "97411", "2A004", "75011", ""])),
        "siren": draw(st.sampled_from(["", "412356784"])),
        "no_siren": draw(st.booleans()),
        "cyber_insurance": draw(st.booleans()),
        "dpo": {"name": draw(st.sampled_from(["", "Yann Le Goff", "Dr Claire Martin", "Émilie Ollivier"])),
                "email": draw(st.sampled_from(["", "dpo@exemple-sante.example"])), "phone": "", "civility": draw(civility)},
        "legal_representative": {"name": draw(st.sampled_from(["", "Anne Kerleau", "Dr Hugo Arnaud"])),
                                 "civility": draw(civility), "function": draw(st.sampled_from(["", "gérante", "président"])),
                                 "rpps": draw(st.sampled_from(["", "10101234567"])), "ordre_member": draw(st.booleans())},
        "contact": {"name": draw(st.sampled_from(["", "Sophie Bernard"])), "civility": draw(civility),
                    "function": draw(st.sampled_from(["", "secrétaire médicale"])), "phone": "04 78 00 00 02"},
    }  # fmt: skip
    done = {
        oid: {"done_at": (AWARE + timedelta(hours=draw(st.integers(1, 100)))).isoformat(), "reference": "R-1"}
        for oid in draw(subset(OBLIGATIONS))
    }
    breach = {name: draw(st.sampled_from(NARRATIVES)) for name in ("description", "measures_taken", "measures_planned")}
    breach["records_count"] = draw(st.sampled_from([None, 1, 20000]))
    if draw(st.booleans()):
        breach["ended_at"] = (AWARE + timedelta(hours=3)).isoformat()
    data = dossier(facts, organisation={**ORGANISATION, **organisation}, breach=breach, done=done)
    data["details"] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "group_name": st.just("Nébula"),
                "ransom_amount": st.just("2 bitcoins"),
                "ransom_paid": st.booleans(),
                "persons_channel": st.just("Appel téléphonique."),
                "cert_support": st.booleans(),
                "losses_estimate": st.just("Environ 10 000 euros."),
            },
        )
    )
    data["information"] = {
        "channels": draw(st.dictionaries(st.sampled_from(["email", "letter", "sms"]), st.integers(1, 5000)))
    }
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_dossiers())
def test_every_document_of_random_dossiers_is_in_correct_french(data: dict[str, Any]) -> None:
    for kind in KINDS:
        text = render(kind, data, "txt").decode()
        found = slips(text, names=[data["organisation"]["name"]], sms=kind == "sms")
        assert found == [], (kind, found)
        assert not re.search(r"\bdélégué\(e\)", text)
