"""``vigie hds import FILE`` (the ANS list of HDS-certified hosts, CSV or XLSX) and ``vigie hds check NAME_OR_SIREN``.

The expected columns are documented in :mod:`vigie.compliance.hds`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.compliance import hds


class Command(BaseCommand):
    help = "Liste ANS des hébergeurs certifiés HDS : « hds import FICHIER », « hds check NOM_OU_SIREN »."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="Remplacer la liste par celle du fichier (CSV ou XLSX).")
        importing.add_argument("file", metavar="FICHIER")
        check = actions.add_parser("check", help="Chercher un hébergeur par nom ou SIREN et dire s'il est certifié.")
        check.add_argument("query", metavar="NOM_OU_SIREN")

    def handle(self, *, action: str, **options: Any) -> None:
        if action == "import":
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(_("File not found: %(file)s") % {"file": path})
            try:
                source = hds.import_hosts(path.read_bytes(), path.name)
            except hds.HdsFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                _("%(n)s certificate(s) imported from %(file)s.") % {"n": source.rows, "file": source.filename}
            )
            return
        if not hds.current_import():
            raise CommandError(_("The ANS list has not been imported yet (vigie hds import FILE)."))
        today = timezone.localdate()
        hosts = hds.search(options["query"])
        if not hosts:
            raise CommandError(_("No certified host matches “%(query)s”.") % {"query": options["query"]})
        for host in hosts:
            if host.valid_until is not None and host.valid_until < today:
                state = _("EXPIRED on %(date)s") % {"date": f"{host.valid_until:%d/%m/%Y}"}
            else:
                until = f"{host.valid_until:%d/%m/%Y}" if host.valid_until else "?"
                state = _("valid until %(date)s") % {"date": until}
            activities = ", ".join(str(a) for a in host.activities) or "—"
            siren = host.siren or "—"
            self.stdout.write(
                _("%(name)s (SIREN %(siren)s): activities %(activities)s; %(certifier)s; %(state)s")
                % {"name": host.name, "siren": siren, "activities": activities, "certifier": host.certifier,
                   "state": state}
            )  # fmt: skip
