"""Invitations by e-mail: sent by an owner, valid 7 days, usable once, for a new or an existing account."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.accounts import services
from vigie.accounts.models import Invitation, Membership, Role, User, hash_token
from vigie.audit.models import AuditEvent

NEW_PASSWORD = "un cheval de bataille agrafe"


def _invite(org, owner, email="nouvelle@example.fr", role=Role.MEMBER) -> str:
    """Invite through the service; return the path of the link."""
    return urlsplit(services.invite(org, email=email, role=role, by=owner).url).path


def test_an_owner_invites_someone_by_e_mail(owner_client, org, owner, mailoutbox, settings):
    settings.SITE_URL = "https://vigie.example.fr"
    members = reverse("accounts:members", args=[org.pk])
    response = owner_client.post(members, {"email": " Nouvelle@Example.fr ", "role": Role.DPO})
    assert response.status_code == 302
    assert response.url == members

    invitation = Invitation.objects.get(organisation=org)
    assert (invitation.email, invitation.role, invitation.invited_by) == ("nouvelle@example.fr", Role.DPO, owner)
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["nouvelle@example.fr"]
    assert org.name in mail.subject
    assert "vous invite à rejoindre" in mail.body
    token = re.search(r"https://vigie\.example\.fr/invitations/([\w-]+)/", mail.body).group(1)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash  # only the hash is stored

    page = owner_client.get(members)
    assert "nouvelle@example.fr" in page.text
    assert "Invitation envoyée" in page.text
    assert AuditEvent.objects.filter(action="member.invited", organisation=org).exists()


def test_an_invitation_is_refused_for_someone_already_member(owner_client, org, owner):
    response = owner_client.post(reverse("accounts:members", args=[org.pk]), {"email": owner.email, "role": "member"})
    assert response.status_code == 200
    assert "déjà membre" in response.text
    assert not Invitation.objects.exists()


def test_an_invalid_invitation_keeps_what_was_typed(owner_client, org, htmx_headers):
    response = owner_client.post(
        reverse("accounts:members", args=[org.pk]),
        {"email": "pas-une-adresse", "role": "member"},
        HTTP_HX_TARGET="members",
        **htmx_headers,
    )
    assert response.status_code == 200
    assert "<html" not in response.text  # the members partial only
    assert 'value="pas-une-adresse"' in response.text
    assert "Ce n’est pas une adresse e-mail" in response.text


def test_inviting_under_htmx_reloads_the_members_section(owner_client, org, htmx_headers, mailoutbox):
    response = owner_client.post(
        reverse("accounts:members", args=[org.pk]), {"email": "a@example.fr", "role": "member"}, **htmx_headers
    )
    assert response.status_code == 200
    assert '"target": "#members"' in response["HX-Location"]
    # The section htmx then fetches tells what happened, since the top of the page is not reloaded.
    section = owner_client.get(reverse("accounts:members", args=[org.pk]), HTTP_HX_TARGET="members", **htmx_headers)
    assert "Invitation envoyée à a@example.fr" in section.text


def test_a_new_person_creates_an_account_then_sets_up_the_second_factor(client, org, owner, htmx_headers):
    path = _invite(org, owner, role=Role.READONLY)
    for headers in ({}, htmx_headers):
        response = client.get(path, **headers)
        assert response.status_code == 200
        assert "Créer mon compte" in response.text

    response = client.post(path, {"full_name": "Dr Paul Leroy", "new_password1": "leroy", "new_password2": "leroy"})
    assert response.status_code == 200
    assert "trop court" in response.text
    assert 'value="Dr Paul Leroy"' in response.text
    assert not User.objects.filter(email="nouvelle@example.fr").exists()

    response = client.post(
        path, {"full_name": "Dr Paul Leroy", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    dashboard = reverse("core:dashboard", args=[org.pk])
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_setup") + "?next=" + dashboard.replace("/", "%2F")

    user = User.objects.get(email="nouvelle@example.fr")
    assert user.full_name == "Dr Paul Leroy"
    assert user.check_password(NEW_PASSWORD)
    assert Membership.objects.get(user=user, organisation=org).role == Role.READONLY
    assert Invitation.objects.get().accepted_at is not None
    assert client.get(dashboard).url == reverse("accounts:otp_setup")  # no way in without the second factor
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=user).exists()


def test_someone_with_an_account_signs_in_then_joins(client, org, owner, make_user, signed_in, htmx_headers):
    other_org_member = make_user("dpo@cabinet-conseil.fr")
    path = _invite(org, owner, email="dpo@cabinet-conseil.fr", role=Role.DPO)

    response = client.get(path)
    assert response.status_code == 200
    assert response.context["state"] == "sign_in"
    assert response.context["login_url"] == reverse("accounts:login") + "?next=" + path.replace("/", "%2F")

    signed_in(client, other_org_member)
    for headers in ({}, htmx_headers):
        response = client.get(path, **headers)
        assert "Accepter l’invitation" in response.text
    response = client.post(path)
    assert response.url == reverse("core:dashboard", args=[org.pk])
    assert Membership.objects.get(user=other_org_member, organisation=org).role == Role.DPO


def test_someone_with_an_account_but_only_a_password_is_asked_for_the_code(
    client, org, owner, make_user, sign_in_with_password
):
    user = make_user("dpo@cabinet-conseil.fr")
    path = _invite(org, owner, email=user.email)
    sign_in_with_password(client, user)
    response = client.get(path)
    assert response.context["state"] == "verify"
    client.post(path)
    assert not Membership.objects.filter(user=user, organisation=org).exists()


def test_an_invitation_is_not_for_whoever_is_signed_in(owner_client, org, owner):
    path = _invite(org, owner, email="quelquun@example.fr")
    response = owner_client.get(path)
    assert response.context["state"] == "other_account"
    owner_client.post(path, {"full_name": "X", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not User.objects.filter(email="quelquun@example.fr").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_works_only_once(client, org, owner):
    path = _invite(org, owner)
    data = {"full_name": "Dr Paul Leroy", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(path, data).status_code == 302
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "ne fonctionne pas" in response.text
    assert client.post(path, data).status_code == 410


def test_an_invitation_expires_after_seven_days(client, org, owner):
    path = _invite(org, owner)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(path)
    assert response.status_code == 410
    data = {"full_name": "Dr Paul Leroy", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(path, data).status_code == 410
    assert not User.objects.filter(email="nouvelle@example.fr").exists()


@pytest.mark.parametrize("token", ["x", "a" * 43])
def test_an_unknown_link_is_not_found(client, db, token, htmx_headers):
    for headers in ({}, htmx_headers):
        assert client.get(reverse("accounts:invitation_accept", args=[token]), **headers).status_code == 404


def test_a_new_invitation_replaces_the_pending_one(org, owner):
    first = _invite(org, owner)
    second = _invite(org, owner)
    assert Invitation.objects.count() == 1
    assert first != second


def test_an_owner_withdraws_an_invitation(owner_client, org, owner, client, htmx_headers):
    path = _invite(org, owner)
    invitation = Invitation.objects.get()
    url = reverse("accounts:invitation_cancel", args=[org.pk, invitation.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, **htmx_headers)
    assert "HX-Location" in response
    assert not Invitation.objects.exists()
    assert AuditEvent.objects.filter(action="invitation.cancelled").exists()
    owner_client.logout()
    assert owner_client.get(path).status_code == 404


def test_when_the_e_mail_cannot_be_sent_the_owner_gets_the_link(owner_client, org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens there
    response = owner_client.post(
        reverse("accounts:members", args=[org.pk]), {"email": "a@example.fr", "role": "member"}, follow=True
    )
    assert "n’a pas pu être envoyé" in response.text
    assert "/invitations/" in response.text
    assert Invitation.objects.filter(email="a@example.fr").exists()
