"""``vigie compliance poster ORG_ID --output FILE.pdf [--format a3]`` and
``vigie compliance record ORG_ID --output FILE.(pdf|xlsx)``: the patient poster and the record from the shell."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vigie.accounts.models import Organisation
from vigie.compliance import documents, services


class Command(BaseCommand):
    help = "Prévention : « compliance poster » (affiche patients), « compliance record » (registre des traitements)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        poster = actions.add_parser("poster", help="L'affiche d'information des patients, en PDF.")
        poster.add_argument("org_id", type=int, metavar="ORG_ID")
        poster.add_argument("--output", "-o", required=True, metavar="FICHIER.pdf")
        poster.add_argument("--format", choices=documents.PAPERS, default="a4", help="a4 (défaut) ou a3.")
        record = actions.add_parser("record", help="Le registre des activités de traitement, en PDF ou XLSX.")
        record.add_argument("org_id", type=int, metavar="ORG_ID")
        record.add_argument("--output", "-o", required=True, metavar="FICHIER.(pdf|xlsx)")

    def handle(self, *, action: str, org_id: int, output: str, **options: Any) -> None:
        org = Organisation.objects.filter(pk=org_id).first()
        if org is None:
            raise CommandError(_("No organisation no. %(pk)s.") % {"pk": org_id})
        path = Path(output)
        if action == "poster":
            if path.suffix.lower() != ".pdf":
                raise CommandError(_("The poster is a PDF: give a .pdf file."))
            profile = services.profile_for(org)
            version = services.last_version(org)
            notice = documents.build_notice(org, profile, updated=version.created_at if version else None)
            path.write_bytes(documents.poster_pdf(notice, paper=options["format"]))
            services.mark_poster_generated(org)
        else:
            fmt = path.suffix.lower().lstrip(".")
            if fmt not in ("pdf", "xlsx"):
                raise CommandError(_("The record is exported as .pdf or .xlsx."))
            maker = documents.record_pdf if fmt == "pdf" else documents.record_xlsx
            path.write_bytes(maker(org, services.last_version(org), services.record_snapshot(org)))
        self.stdout.write(_("Written: %(file)s") % {"file": path})
