"""API tokens: hashed at rest and shown once, scoped, expiring, revocable; the command line; the pages."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from vigie.accounts.models import Membership, Role
from vigie.api.models import ApiToken, Scope
from vigie.api.tokens import authenticate, create_token, revoke_token
from vigie.audit.models import AuditEvent

from .conftest import ApiClient


def test_only_the_hash_of_a_token_is_stored(org, owner) -> None:
    token, raw = create_token(org, user=owner, by=owner, name="SIEM", expires_at=timezone.now() + timedelta(days=9))
    assert raw.startswith(f"vigie_{token.prefix}_")
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in json.dumps(stored, default=str)
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert authenticate(raw) == token
    assert authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert AuditEvent.objects.filter(action="api.token_created", object_id=str(token.pk), actor=owner).exists()


def test_a_token_reads_as_its_member_with_its_role(client, org, owner, make_token) -> None:
    _token, raw = make_token(org, owner, Scope.READ, name="Lecture")
    answer = ApiClient(client, raw).get("/api/v1/")
    assert answer.status_code == 200
    assert answer.json()["token"] == {
        "name": "Lecture", "prefix": _token.prefix, "scope": "read", "expires_at": answer.json()["token"]["expires_at"],
        "role": "owner", "user": owner.email,
    }  # fmt: skip
    assert answer.json()["organisation"]["id"] == org.pk
    assert ApiToken.objects.get(pk=_token.pk).last_used_at is not None


def test_a_read_token_cannot_write(client, org, owner, make_token) -> None:
    _token, raw = make_token(org, owner, Scope.READ)
    answer = ApiClient(client, raw).post(
        "/api/v1/breaches/", {"title": "X", "became_aware_at": "2025-01-01T10:00:00+01:00"}
    )
    assert answer.status_code == 403
    assert answer.json()["type"] == "urn:vigie:problem:read-only-token"
    assert not org.breaches.exists()


@pytest.mark.parametrize("state", ["expired", "revoked", "member removed", "user inactive"])
def test_an_unusable_token_is_refused(client, org, owner, make_token, state) -> None:
    token, raw = make_token(org, owner)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        revoke_token(token, by=owner)
    elif state == "member removed":
        Membership.objects.filter(user=owner, organisation=org).delete()
    else:
        owner.is_active = False
        owner.save()
    answer = ApiClient(client, raw).get("/api/v1/")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"] == 'Bearer realm="vigie"'


def test_the_session_cookie_does_not_open_the_api(owner_client: Client) -> None:
    assert owner_client.get("/api/v1/breaches/").status_code == 401


def test_a_read_only_member_cannot_hold_a_write_token(org, make_member) -> None:
    reader = make_member(org, Role.READONLY)
    with pytest.raises(ValidationError, match="Un membre en lecture seule ne peut avoir que des jetons de lecture"):
        create_token(
            org, user=reader, by=reader, name="x", scope=Scope.WRITE, expires_at=timezone.now() + timedelta(days=1)
        )
    assert not ApiToken.objects.exists()


def test_the_page_requires_an_expiry_of_at_most_a_year(org, owner) -> None:
    with pytest.raises(ValidationError, match="Un jeton est valable un an au plus"):
        create_token(org, user=owner, by=owner, name="x", expires_at=None)
    with pytest.raises(ValidationError, match="Un jeton est valable un an au plus"):
        create_token(org, user=owner, by=owner, name="x", expires_at=timezone.now() + timedelta(days=400))
    assert not ApiToken.objects.exists()


def test_command_line_prints_a_working_token_as_json(client, org, owner, make_member) -> None:
    later_owner = make_member(org, Role.OWNER)
    out = StringIO()
    call_command(
        "api", "token", "create", "--org", str(org.pk), "--name", "Supervision", "--write", "--json", stdout=out
    )
    raw = json.loads(out.getvalue())["token"]
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.name, token.created_by) == (owner, "write", "Supervision", None)
    assert token.user != later_owner  # the first owner, not the latest
    assert token.expires_at is not None and token.expires_at > timezone.now() + timedelta(days=89)
    assert ApiClient(client, raw).get("/api/v1/").json()["token"]["user"] == owner.email


def test_command_line_token_for_a_named_member_and_without_expiry(org, owner, make_member) -> None:
    dpo = make_member(org, Role.DPO, email="dpo-cabinet@example.fr")
    out = StringIO()
    call_command("api", "token", "create", "--org", str(org.pk), "--name", "x", "--user", "DPO-cabinet@example.fr",
                 "--days", "0", "--json", stdout=out)  # fmt: skip
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.expires_at) == (dpo, "read", None)


def test_command_line_refuses_a_stranger(org, make_user) -> None:
    make_user(email="stranger@example.fr")
    with pytest.raises(CommandError, match="stranger@example.fr n'est pas membre de « Cabinet du Dr Martin »"):
        call_command("api", "token", "create", "--org", str(org.pk), "--name", "x", "--user", "stranger@example.fr")
    assert not ApiToken.objects.exists()


def test_token_page_shows_a_new_token_once(owner_client: Client, org, owner) -> None:
    url = f"/organisations/{org.pk}/api/jetons/"
    answer = owner_client.post(url, {"name": "SIEM du groupe", "scope": "write", "days": "90"})
    assert answer.status_code == 201
    raw = answer.context["new_token"]
    page = answer.content.decode()
    assert raw in page and "Copiez-le maintenant" in page
    assert answer["Cache-Control"] == "private, no-store"
    again = owner_client.get(url).content.decode()
    assert raw not in again
    token = ApiToken.objects.get()
    assert f"vigie_{token.prefix}_…" in again and "Lecture et écriture" in again
    assert (token.user, token.scope, token.created_by) == (owner, "write", owner)


def test_a_member_revokes_their_token_from_the_page(owner_client: Client, org, owner, make_token) -> None:
    token, raw = make_token(org, owner)
    answer = owner_client.post(f"/organisations/{org.pk}/api/jetons/{token.pk}/revoquer/")
    assert answer.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == owner
    assert ApiClient(Client(), raw).get("/api/v1/").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked", object_id=str(token.pk)).exists()


def test_an_owner_sees_and_revokes_a_members_token_and_a_member_cannot_touch_others(
    client, org, owner, make_member, make_token, signed_in
) -> None:
    member = make_member(org, Role.MEMBER)
    theirs, _raw = make_token(org, member, name="Script de Paul")
    ours, _raw = make_token(org, owner, name="Script de Claire")
    signed_in(client, member)
    page = client.get(f"/organisations/{org.pk}/api/jetons/").content.decode()
    assert "Script de Paul" in page and "Script de Claire" not in page
    assert client.post(f"/organisations/{org.pk}/api/jetons/{ours.pk}/revoquer/").status_code == 403
    ours.refresh_from_db()
    assert ours.revoked_at is None
    signed_in(client, owner)
    assert "Script de Paul" in client.get(f"/organisations/{org.pk}/api/jetons/").content.decode()
    client.post(f"/organisations/{org.pk}/api/jetons/{theirs.pk}/revoquer/")
    theirs.refresh_from_db()
    assert theirs.revoked_by == owner


def test_a_half_signed_in_browser_is_not_sent_to_the_second_factor_by_the_api(client, org, owner, make_token) -> None:
    _token, raw = make_token(org, owner)
    client.force_login(owner)  # a password but no second factor yet: the pages redirect to it
    assert client.get(f"/organisations/{org.pk}/").status_code == 302
    answer = client.get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200 and answer.json()["organisation"]["id"] == org.pk
