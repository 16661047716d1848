"""``vigie breach list [--org ID] [--json]``: the breaches, for scripts and for a look from the shell."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from vigie.accounts.models import Organisation
from vigie.breaches.models import Breach
from vigie.breaches.register import annotated


class Command(BaseCommand):
    help = "Violations de données : « breach list » les énumère."

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Subcommands, so that « breach export » and others can join « list » later.
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="Énumérer les violations, les plus récentes d'abord.")
        listing.add_argument("--org", type=int, metavar="ID", help="Seulement celles de cette organisation.")
        listing.add_argument("--json", action="store_true", help="Écrire une liste JSON (pour les scripts).")
        export = actions.add_parser(
            "export", help="Écrire le dossier JSON d'une violation (entrée de « vigie document »)."
        )
        export.add_argument("id", type=int, metavar="ID", help="Numéro de la violation (voir « breach list »).")

    def handle(self, *, action: str, **options: Any) -> None:
        if action == "list":
            self.list(org_id=options["org"], as_json=options["json"])
        elif action == "export":
            self.export(options["id"])

    def export(self, breach_id: int) -> None:
        """The breach dossier (vigie/documents/schema/dossier.schema.json), from which every document is made."""
        from vigie.documents.dossier import build_dossier

        breach = Breach.objects.select_related("organisation").filter(pk=breach_id).first()
        if breach is None:
            raise CommandError(_("No breach no. %(pk)s.") % {"pk": breach_id})
        from vigie.audit.services import record

        dossier = build_dossier(breach)
        record("breach.exported", organisation=breach.organisation, obj=breach, detail={"via": "command line"})
        self.stdout.write(json.dumps(dossier, ensure_ascii=False, indent=2))

    def list(self, *, org_id: int | None, as_json: bool) -> None:
        breaches = Breach.objects.select_related("organisation")
        if org_id is not None:
            if not Organisation.objects.filter(pk=org_id).exists():
                raise CommandError(_("No organisation no. %(pk)s.") % {"pk": org_id})
            breaches = breaches.filter(organisation_id=org_id)
        items = [
            {
                "id": b.pk,
                "organisation": b.organisation_id,
                "reference": b.reference,
                "title": b.title,
                "became_aware_at": localtime(b.became_aware_at).isoformat(),
                "status": b.status,
                "risk": (b.assessment or {}).get("risk"),
                "notify_authority": b.notify_authority,
                "cnil_notified_at": localtime(b.cnil_done_at).isoformat() if b.cnil_done_at else None,  # type: ignore[attr-defined]
            }
            for b in annotated(breaches).order_by("organisation_id", "-became_aware_at", "-pk")
        ]
        if as_json:
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        if not items:
            self.stdout.write(_("No breach."))
            return
        self.stdout.write(table(items))


COLUMNS = (
    ("id", pgettext_lazy("column of the breach list", "No.")),
    ("organisation", pgettext_lazy("column of the breach list", "Org.")),
    ("reference", pgettext_lazy("column of the breach list", "Reference")),
    ("became_aware_at", pgettext_lazy("column of the breach list", "Awareness")),
    ("status", pgettext_lazy("column of the breach list", "Status")),
    ("risk", pgettext_lazy("column of the breach list", "Risk")),
    ("notify_authority", pgettext_lazy("column of the breach list", "CNIL")),
    ("cnil_notified_at", pgettext_lazy("column of the breach list", "Notified")),
    ("title", pgettext_lazy("column of the breach list", "Title")),
)


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in ("became_aware_at", "cnil_notified_at"):
        return str(value)[:16].replace("T", " ")  # Paris time, to the minute
    return str(value)


def table(items: list[dict[str, Any]]) -> str:
    """An aligned plain-text table, the title last so that a long one does not push the rest away."""
    cells = [[str(label) for _key, label in COLUMNS]]
    cells += [[_cell(key, item[key]) for key, _label in COLUMNS] for item in items]
    widths = [max(len(row[col]) for row in cells) for col in range(len(COLUMNS) - 1)]
    return "\n".join(
        "  ".join([*(value.ljust(width) for value, width in zip(row, widths, strict=False)), row[-1]]) for row in cells
    )
