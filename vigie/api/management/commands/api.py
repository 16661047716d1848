"""``vigie api token create --org ID --name NAME [--user EMAIL] [--write] [--days N] [--json]`` and
``vigie api schema [--write | --check]``.

A token made here acts as ``--user``, a member of the organisation; without it, as the organisation's first
owner (the oldest owner membership). The operator of the server may make a token without expiry (``--days 0``).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Membership, Organisation, Role
from vigie.api.models import Scope
from vigie.api.tokens import create_token

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def schema_text() -> str:
    """The OpenAPI schema of the code, as committed in ``docs/api/openapi.json``."""
    from django.utils import translation

    from vigie.api.v1 import api

    with translation.override("en"):
        schema = api.get_openapi_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "API: create a token for an organisation, or write the OpenAPI schema."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="token|schema")
        token = actions.add_parser("token", help="API tokens.")
        token_actions = token.add_subparsers(dest="token_action", required=True, metavar="create")
        create = token_actions.add_parser("create", help="Create a token and print it (shown once).")
        create.add_argument("--org", type=int, required=True, metavar="ID", help="Organisation (see « org list »).")
        create.add_argument("--name", required=True, help="Name of the token, to recognise it later.")
        create.add_argument("--user", metavar="EMAIL", help="Member the token acts as (default: the first owner).")
        create.add_argument("--write", action="store_true", help="Allow writes (default: read only).")
        create.add_argument("--days", type=int, default=90, help="Validity in days (0: no expiry). Default 90.")
        create.add_argument("--json", action="store_true", help='Print {"token": "..."}.')
        schema = actions.add_parser("schema", help="Print the OpenAPI schema, or write or check docs/api/openapi.json.")
        group = schema.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="Write docs/api/openapi.json.")
        group.add_argument("--check", action="store_true", help="Fail if docs/api/openapi.json differs.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "schema":
            self.schema(write=options["write"], check=options["check"])
        else:
            self.create(options)

    def schema(self, *, write: bool, check: bool) -> None:
        text = schema_text()
        if write:
            SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
            SCHEMA_PATH.write_text(text, encoding="utf-8")
            self.stdout.write(_("Written: %(file)s") % {"file": SCHEMA_PATH})
        elif check:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != text:
                raise CommandError(
                    _("%(file)s differs from the code: run “vigie api schema --write”.") % {"file": SCHEMA_PATH}
                )
            self.stdout.write(_("The committed schema matches the code."))
        else:
            self.stdout.write(text, ending="")

    def create(self, options: dict[str, Any]) -> None:
        org = Organisation.objects.filter(pk=options["org"]).first()
        if org is None:
            raise CommandError(_("No organisation no. %(pk)s.") % {"pk": options["org"]})
        memberships = Membership.objects.filter(organisation=org).select_related("user")
        if options["user"]:
            membership = memberships.filter(user__email=options["user"].strip().lower()).first()
            if membership is None:
                raise CommandError(
                    _("%(user)s is not a member of “%(org)s”.") % {"user": options["user"], "org": org.name}
                )
        else:
            membership = memberships.filter(role=Role.OWNER).order_by("created_at", "pk").first()
            if membership is None:
                raise CommandError(_("“%(org)s” has no owner: give --user EMAIL.") % {"org": org.name})
        days = options["days"]
        if days < 0:
            raise CommandError(_("--days: 0 or more."))
        try:
            token, raw = create_token(
                org, user=membership.user, by=None, name=options["name"],
                scope=Scope.WRITE if options["write"] else Scope.READ,
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )  # fmt: skip
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["json"]:
            self.stdout.write(json.dumps({"token": raw}))
            return
        expiry = token.expires_at.date().isoformat() if token.expires_at else _("never")
        self.stdout.write(raw)
        self.stderr.write(
            _(
                "Token “%(name)s” of %(user)s in “%(org)s”, %(scope)s, expires: %(expiry)s. Shown once: keep it like "
                "a password."
            )
            % {
                "name": token.name,
                "user": membership.user.email,
                "org": org.name,
                "scope": token.scope,
                "expiry": expiry,
            }
        )
