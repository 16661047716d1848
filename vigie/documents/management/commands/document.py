"""``vigie document KIND DOSSIER.json --output FILE``: one document of a breach, from its exported dossier.

The format follows FILE's extension (.pdf, .docx, .txt, .html, .eml; .png for the first page). ``-`` reads the
dossier from standard input. A dossier that does not follow the schema exits with status 2 and one line per
problem on standard error, naming its JSON path; nothing is written.

    vigie breach export 12 > dossier.json
    vigie document letter dossier.json --output lettre.pdf
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vigie.documents.dossier import validate_dossier
from vigie.documents.render import KINDS, render


class Command(BaseCommand):
    help = "Produire un document d'une violation à partir de son dossier JSON (vigie breach export)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(KINDS), metavar="KIND", help="Document : " + ", ".join(KINDS) + ".")
        parser.add_argument("dossier", help="Fichier JSON du dossier, ou « - » pour l'entrée standard.")
        parser.add_argument("--output", "-o", required=True, help="Fichier à écrire ; son extension donne le format.")

    def handle(self, *, kind: str, dossier: str, output: str, **options: Any) -> None:
        fmt = Path(output).suffix.lower().lstrip(".")
        allowed = KINDS[kind].formats + (("png",) if "pdf" in KINDS[kind].formats else ())
        if fmt not in allowed:
            raise CommandError(
                _("“%(kind)s” is written as: %(formats)s (not “.%(fmt)s”).")
                % {"kind": kind, "formats": ", ".join("." + f for f in allowed), "fmt": fmt},
                returncode=2,
            )
        try:
            text = sys.stdin.read() if dossier == "-" else Path(dossier).read_text(encoding="utf-8")
            data = json.loads(text)
        except OSError as error:
            raise CommandError(_("Cannot read: %(error)s") % {"error": error}, returncode=2) from error
        except json.JSONDecodeError as error:
            raise CommandError(_("Invalid JSON: %(error)s") % {"error": error}, returncode=2) from error
        problems = validate_dossier(data)
        if problems:
            raise CommandError(
                _("Dossier not valid against the schema:") + "\n" + "\n".join(str(p) for p in problems), returncode=2
            )
        Path(output).write_bytes(render(kind, data, fmt))
        self.stderr.write(_("%(file)s written.") % {"file": output})
