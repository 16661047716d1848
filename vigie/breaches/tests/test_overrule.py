"""Overruling the decision: DPO only, with a written justification; the computed decision stays on record."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from vigie.accounts.models import Role
from vigie.breaches import services
from vigie.breaches.models import EventKind
from vigie.breaches.tests.helpers import declare_ransomware

JUSTIFICATION = "Les patients ont déjà été prévenus par l'hôpital partenaire le jour même, courrier à l'appui."


def overrule_url(breach) -> str:
    return reverse("breaches:overrule", args=[breach.organisation_id, breach.pk])


@pytest.mark.parametrize("justification", ["", "   ", "Parce que."])
def test_overruling_without_a_real_justification_is_refused(
    owner_client, org, owner, htmx_headers, justification
) -> None:
    breach = declare_ransomware(org, owner)
    for headers in ({}, htmx_headers):
        response = owner_client.post(
            overrule_url(breach),
            {"notify_authority": "yes", "notify_data_subjects": "no", "justification": justification},
            **headers,
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "justification" in page.lower() and "errorlist" in page
    breach.refresh_from_db()
    assert not breach.is_overridden
    with pytest.raises(ValidationError):
        services.overrule_decision(
            breach, by=owner, notify_authority=True, notify_data_subjects=False, justification=justification
        )


def test_a_member_may_not_overrule(client, org, owner, make_member, signed_in) -> None:
    breach = declare_ransomware(org, owner)
    member = make_member(org, Role.MEMBER)
    signed_in(client, member)

    response = client.post(
        overrule_url(breach), {"notify_authority": "yes", "notify_data_subjects": "no", "justification": JUSTIFICATION}
    )

    assert response.status_code == 403
    assert client.get(overrule_url(breach)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.overrule_decision(
            breach, by=member, notify_authority=True, notify_data_subjects=False, justification=JUSTIFICATION
        )
    breach.refresh_from_db()
    assert not breach.is_overridden


@pytest.mark.parametrize("htmx", [False, True])
def test_a_dpo_overrules_and_both_decisions_stay_visible(
    client, org, owner, make_member, signed_in, htmx_headers, htmx
) -> None:
    breach = declare_ransomware(org, owner)
    dpo = make_member(org, Role.DPO, full_name="Denise Poulain")
    signed_in(client, dpo)
    assert client.get(overrule_url(breach)).status_code == 200

    response = client.post(
        overrule_url(breach),
        {"notify_authority": "yes", "notify_data_subjects": "no", "justification": JUSTIFICATION},
        **(htmx_headers if htmx else {}),
    )

    detail = reverse("breaches:detail", args=[org.pk, breach.pk])
    assert (json.loads(response["HX-Location"])["path"] if htmx else response["Location"]) == detail
    breach.refresh_from_db()
    assert breach.is_overridden and breach.overridden_by == dpo
    assert breach.assessment["notify_data_subjects"] is True  # computed, kept
    assert breach.notify_data_subjects is False  # decided
    row = breach.obligation("inform_persons")
    assert row is not None and row.overruled and not row.applies
    event = breach.events.get(kind=EventKind.OVERRULED)
    assert event.author == dpo
    assert event.data["computed"]["notify_data_subjects"] is True
    assert event.data["decided"]["notify_data_subjects"] is False
    page = client.get(detail).content.decode()
    assert "Décision modifiée par le DPO" in page
    assert "Calculée" in page and "Retenue" in page
    assert "l&#x27;hôpital partenaire" in page
    assert "Denise Poulain" in page
