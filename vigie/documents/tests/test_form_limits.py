"""The forms take no more than the dossier schema: a text saved through a form can always become documents; a
dossier the schema refuses names the field on the page."""

from __future__ import annotations

import html

import pytest
from django import forms
from django.urls import reverse

from vigie.accounts.forms import OrganisationForm
from vigie.breaches import forms as breach_forms
from vigie.breaches.models import Breach
from vigie.documents.dossier import build_dossier, validate_dossier
from vigie.documents.forms import IncidentDetailsForm, ReceiptForm
from vigie.documents.limits import dossier_max_length

# The forms whose fields are the dossier's, with the section of the dossier they fill.
SECTIONS = [
    (breach_forms.DeclareForm, "breach"),
    (breach_forms.AwarenessForm, "breach"),
    (breach_forms.EventForm, "breach"),
    (breach_forms.NarrativeForm, "breach"),
    (IncidentDetailsForm, "details"),
    (OrganisationForm, "organisation"),
]
# The texts that the timeline quotes after a sentence of its own.
QUOTED = [
    (breach_forms.ObligationDoneForm, "note"),
    (breach_forms.ObligationDoneForm, "delay_reasons"),
    (breach_forms.OverruleForm, "justification"),
    (breach_forms.CloseForm, "note"),
    (breach_forms.NoteForm, "text"),
    (ReceiptForm, "delay_reasons"),
]


def text_fields(form_class: type[forms.BaseForm]) -> dict[str, forms.CharField]:
    return {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.CharField) and not isinstance(field, forms.URLField | forms.EmailField)
    }


@pytest.mark.parametrize(("form_class", "section"), SECTIONS, ids=lambda v: getattr(v, "__name__", v))
def test_every_text_field_takes_at_most_what_the_schema_takes(form_class, section) -> None:
    checked = 0
    for name, field in text_fields(form_class).items():
        try:
            limit = dossier_max_length(section, name)
        except KeyError:
            continue  # not a dossier field under this name (e.g. grouped: dpo_name is organisation.dpo.name)
        assert field.max_length is not None and field.max_length <= limit, (name, field.max_length, limit)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize(("form_class", "name"), QUOTED, ids=str)
def test_texts_quoted_by_the_timeline_leave_room_for_their_sentence(form_class, name) -> None:
    field = form_class.base_fields[name]
    assert field.max_length is not None and field.max_length <= dossier_max_length("timeline", "summary") - 1000


@pytest.mark.django_db
def test_a_25000_character_narrative_is_refused_by_the_form(owner_client, breach) -> None:
    url = reverse("breaches:intake", args=[breach.organisation_id, breach.pk, "evenement"])
    before = breach.description
    response = owner_client.post(url, {"title": breach.title, "description": "x" * 25_000, "origin": "ransomware"})
    assert response.status_code in (200, 400)
    assert "20000" in response.content.decode().replace("\u202f", "").replace(" ", "")
    breach.refresh_from_db()
    assert breach.description == before


@pytest.mark.django_db
def test_a_dossier_the_schema_refuses_names_the_field_on_the_page(owner_client, breach) -> None:
    Breach.objects.filter(pk=breach.pk).update(description="x" * 25_000)  # saved by an earlier version
    breach.refresh_from_db()
    assert breach.assessment is not None
    assert [problem.path for problem in validate_dossier(build_dossier(breach))] == ["breach.description"]
    page = owner_client.get(reverse("documents:index", args=[breach.organisation_id, breach.pk])).content.decode()
    page = html.unescape(page)
    assert "<strong>Ce qui s'est passé</strong>" in page
    assert "Les documents ne sont pas encore disponibles" in page
    assert "répondez aux questions restantes" not in page


def test_the_forms_limits_are_the_schemas_own() -> None:
    assert dossier_max_length("breach", "description") == breach_forms.TEXT_MAX
    assert dossier_max_length("timeline", "summary") - 1000 == breach_forms.QUOTED_TEXT
    assert OrganisationForm.base_fields["address"].max_length == dossier_max_length("organisation", "address")
