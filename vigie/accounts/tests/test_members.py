"""Members and roles: who may see and change what; an organisation never loses its last owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.accounts import services
from vigie.accounts.models import Membership, Role
from vigie.audit.models import AuditEvent


@pytest.fixture
def colleague(org, make_member):
    return make_member(org, Role.MEMBER, full_name="Paul Leroy")


def _membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


def test_every_member_sees_who_belongs_to_the_organisation(client, org, owner, make_member, signed_in, htmx_headers):
    reader = make_member(org, Role.READONLY, full_name="Lise Morel")
    signed_in(client, reader)
    url = reverse("accounts:members", args=[org.pk])
    for headers in ({}, htmx_headers):
        response = client.get(url, **headers)
        assert response.status_code == 200
        assert "Claire Martin" in response.text and "Lise Morel" in response.text
        assert "Inviter quelqu’un" not in response.text  # only owners invite
        assert 'name="role"' not in response.text


def test_the_members_section_alone_answers_htmx_requests_that_target_it(owner_client, org, htmx_headers):
    response = owner_client.get(reverse("accounts:members", args=[org.pk]), HTTP_HX_TARGET="members", **htmx_headers)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="members">')


@pytest.mark.parametrize("role", [Role.READONLY, Role.MEMBER, Role.DPO])
def test_only_owners_change_the_organisation_and_its_members(client, org, owner, make_member, signed_in, role):
    user = make_member(org, role)
    signed_in(client, user)
    owner_membership = _membership(owner, org)
    attempts = [
        ("get", reverse("accounts:organisation", args=[org.pk]), {}),
        ("post", reverse("accounts:organisation", args=[org.pk]), {"name": "Piraté", "kind": "other"}),
        ("post", reverse("accounts:members", args=[org.pk]), {"email": "x@example.fr", "role": "owner"}),
        ("post", reverse("accounts:member_role", args=[org.pk, owner_membership.pk]), {"role": "readonly"}),
        ("post", reverse("accounts:member_remove", args=[org.pk, owner_membership.pk]), {}),
    ]
    for method, url, data in attempts:
        assert getattr(client, method)(url, data).status_code == 403, url
    org.refresh_from_db()
    assert org.name == "Cabinet du Dr Martin"
    assert _membership(owner, org).role == Role.OWNER
    assert not org.invitations.exists()


def test_an_owner_changes_a_role(owner_client, org, colleague, htmx_headers):
    membership = _membership(colleague, org)
    url = reverse("accounts:member_role", args=[org.pk, membership.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, {"role": Role.DPO})
    assert response.url == reverse("accounts:members", args=[org.pk])
    assert _membership(colleague, org).role == Role.DPO

    response = owner_client.post(url, {"role": Role.READONLY}, **htmx_headers)
    assert '"target": "#members"' in response["HX-Location"]
    assert _membership(colleague, org).role == Role.READONLY
    event = AuditEvent.objects.filter(action="member.role_changed").last()
    assert event.detail == {"email": colleague.email, "from": Role.DPO, "to": Role.READONLY}
    assert event.organisation == org


def test_an_unknown_role_is_refused(owner_client, org, colleague):
    membership = _membership(colleague, org)
    response = owner_client.post(reverse("accounts:member_role", args=[org.pk, membership.pk]), {"role": "king"})
    assert response.status_code == 200
    assert "Choisissez l’un des rôles" in response.text
    assert _membership(colleague, org).role == Role.MEMBER


def test_an_owner_removes_a_member(owner_client, org, colleague, htmx_headers):
    membership = _membership(colleague, org)
    response = owner_client.post(reverse("accounts:member_remove", args=[org.pk, membership.pk]), **htmx_headers)
    assert "HX-Location" in response
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert colleague.is_active  # the account stays: it may belong to other organisations
    assert AuditEvent.objects.filter(action="member.removed", organisation=org).exists()


def test_the_last_owner_can_be_neither_demoted_nor_removed(owner_client, org, owner, htmx_headers):
    membership = _membership(owner, org)
    response = owner_client.post(reverse("accounts:member_role", args=[org.pk, membership.pk]), {"role": "member"})
    assert response.status_code == 200
    assert "au moins un propriétaire" in response.text
    response = owner_client.post(
        reverse("accounts:member_remove", args=[org.pk, membership.pk]), HTTP_HX_TARGET="members", **htmx_headers
    )
    assert response.status_code == 200
    assert "au moins un propriétaire" in response.text
    assert _membership(owner, org).role == Role.OWNER
    assert not AuditEvent.objects.filter(action__in=["member.role_changed", "member.removed"]).exists()


def test_with_two_owners_one_may_leave(owner_client, org, owner, make_member):
    make_member(org, Role.OWNER)
    response = owner_client.post(reverse("accounts:member_remove", args=[org.pk, _membership(owner, org).pk]))
    assert response.url == reverse("core:home")
    assert org.memberships.owners().count() == 1


def test_the_service_refuses_to_leave_an_organisation_without_owner(org, owner, colleague):
    with pytest.raises(services.LastOwnerError):
        services.change_role(_membership(owner, org), Role.DPO, by=owner)
    with pytest.raises(services.LastOwnerError):
        services.remove_member(_membership(owner, org), by=owner)
    services.change_role(_membership(colleague, org), Role.OWNER, by=owner)
    services.change_role(_membership(owner, org), Role.DPO, by=owner)
    assert list(org.memberships.owners().values_list("user", flat=True)) == [colleague.pk]
