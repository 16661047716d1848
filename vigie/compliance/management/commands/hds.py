"""``vigie hds import FILE`` (the ANS list of HDS-certified hosts, CSV or XLSX) and ``vigie hds check NAME_OR_SIREN``.

The expected columns are documented in :mod:`vigie.compliance.hds`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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
                raise CommandError(f"Fichier introuvable : {path}")
            try:
                source = hds.import_hosts(path.read_bytes(), path.name)
            except hds.HdsFileError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{source.rows} certificat(s) importé(s) depuis {source.filename}.")
            return
        if not hds.current_import():
            raise CommandError("La liste ANS n'a pas encore été importée (vigie hds import FICHIER).")
        today = timezone.localdate()
        hosts = hds.search(options["query"])
        if not hosts:
            raise CommandError(f"Aucun hébergeur certifié ne correspond à « {options['query']} ».")
        for host in hosts:
            if host.valid_until is not None and host.valid_until < today:
                state = f"EXPIRÉ le {host.valid_until:%d/%m/%Y}"
            else:
                until = f"{host.valid_until:%d/%m/%Y}" if host.valid_until else "?"
                state = f"valide jusqu'au {until}"
            activities = ", ".join(str(a) for a in host.activities) or "—"
            siren = host.siren or "—"
            self.stdout.write(f"{host.name} (SIREN {siren}) : activités {activities} ; {host.certifier} ; {state}")
