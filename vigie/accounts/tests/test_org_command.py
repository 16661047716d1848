"""``vigie org list [--json]`` and ``vigie org create``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vigie.accounts.models import Membership, Organisation, Role, User


def _run(*args: str) -> str:
    out = StringIO()
    call_command("org", *args, stdout=out)
    return out.getvalue()


def test_org_list_json_gives_id_name_and_kind(org, owner, make_org):
    lab = make_org("Laboratoire Bio-Est", kind="laboratoire")
    rows = json.loads(_run("list", "--json"))
    assert [(row["id"], row["name"], row["kind"]) for row in rows] == [
        (org.pk, "Cabinet du Dr Martin", "cabinet_medical"),
        (lab.pk, "Laboratoire Bio-Est", "laboratoire"),
    ]
    assert rows[0]["members"] == 1


def test_org_list_prints_a_table(org):
    lines = _run("list").splitlines()
    assert lines[0].split() == ["N°", "Nom", "Type", "SIRET", "Membres"]  # the command line speaks French by default
    assert "Cabinet du Dr Martin" in lines[1]


def test_org_list_json_is_an_empty_list_without_organisations(db):
    assert json.loads(_run("list", "--json")) == []


def test_org_create_creates_the_owner_with_a_password_shown_once(db):
    output = _run("create", "Centre de santé Nord", "--kind", "centre_sante", "--owner", "Chef@Example.fr")
    org = Organisation.objects.get(name="Centre de santé Nord")
    user = User.objects.get(email="chef@example.fr")
    assert Membership.objects.get(user=user, organisation=org).role == Role.OWNER
    password = output.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    assert user.check_password(password)


def test_org_create_reuses_an_existing_account(owner):
    output = _run("create", "Pharmacie du Port", "--kind", "pharmacie", "--owner", owner.email)
    assert "password" not in output
    assert Organisation.objects.get(name="Pharmacie du Port").memberships.get().user == owner


@pytest.mark.parametrize(
    "args",
    [
        ("create", "X", "--kind", "castle", "--owner", "a@example.fr"),
        ("create", "X", "--kind", "other", "--owner", "not-an-address"),
        ("create", " ", "--kind", "other", "--owner", "a@example.fr"),
    ],
)
def test_org_create_refuses_bad_input(db, args):
    with pytest.raises(CommandError):
        _run(*args)
    assert not Organisation.objects.exists()
