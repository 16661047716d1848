"""``vigie org list [--json]`` and ``vigie org create NAME --kind K --owner EMAIL``: organisations, for admins."""

from __future__ import annotations

import json
import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigie.accounts.models import Organisation, OrganisationKind, User
from vigie.accounts.services import create_organisation


class Command(BaseCommand):
    """List the organisations of this installation, or create one with its owner."""

    help = "List or create organisations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|create")
        listing = actions.add_parser("list", help="List every organisation.")
        listing.add_argument("--json", action="store_true", help="Print a JSON list instead of a table.")
        create = actions.add_parser("create", help="Create an organisation and its owner.")
        create.add_argument("name", help="Name of the organisation.")
        create.add_argument(
            "--kind",
            required=True,
            choices=OrganisationKind.values,
            help="Kind of organisation.",
        )
        create.add_argument(
            "--owner",
            required=True,
            help="E-mail address of the owner; the account is created (with a random password) if needed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.show_list(as_json=options["json"])
        else:
            self.create(options["name"], kind=options["kind"], owner_email=options["owner"])

    def show_list(self, *, as_json: bool) -> None:
        orgs = Organisation.objects.annotate(members=Count("memberships")).order_by("name")
        rows = [
            {
                "id": org.pk,
                "name": org.name,
                "kind": org.kind,
                "siret": org.siret,
                "finess": org.finess,
                "members": org.members,
                "created_at": org.created_at.isoformat(),
            }
            for org in orgs
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(
                _("No organisation yet. Create one with: vigie org create NAME --kind KIND --owner EMAIL")
            )
            return
        headers = {
            "id": pgettext("column of the organisation list", "ID"),
            "name": pgettext("column of the organisation list", "Name"),
            "kind": pgettext("column of the organisation list", "Kind"),
            "siret": pgettext("column of the organisation list", "SIRET"),
            "members": pgettext("column of the organisation list", "Members"),
        }
        widths = {key: max(len(title), *(len(str(row[key])) for row in rows)) for key, title in headers.items()}
        self.stdout.write("  ".join(title.ljust(widths[key]) for key, title in headers.items()).rstrip())
        for row in rows:
            self.stdout.write("  ".join(str(row[key]).ljust(widths[key]) for key in headers).rstrip())

    def create(self, name: str, *, kind: str, owner_email: str) -> None:
        owner_email = owner_email.strip().lower()
        try:
            validate_email(owner_email)
        except ValidationError:
            raise CommandError(_("Not an e-mail address: %(email)r") % {"email": owner_email}) from None
        if not name.strip():
            raise CommandError(_("The name of the organisation is empty."))
        password = None
        with transaction.atomic():
            owner = User.objects.filter(email__iexact=owner_email).first()
            if owner is None:
                password = secrets.token_urlsafe(15)
                owner = User.objects.create_user(owner_email, password)
            org = create_organisation(owner=owner, by=None, name=name.strip(), kind=kind)
        self.stdout.write(
            self.style.SUCCESS(
                _("Organisation %(pk)s created: %(name)s (owner %(owner)s)")
                % {"pk": org.pk, "name": org.name, "owner": owner.email}
            )
        )
        if password is not None:
            # Shown once, never stored in clear: the owner signs in with it, then sets up the second factor.
            self.stdout.write(
                _("New account %(email)s, password (shown only now): %(password)s")
                % {"email": owner.email, "password": password}
            )
