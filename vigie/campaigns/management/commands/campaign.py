"""``vigie campaign …``: import a list, start, pause, follow and prove the information of the affected persons.

    vigie campaign import BREACH_ID FILE [--mapping JSON] [--json]
    vigie campaign start ID [--follow] [--rehearsal]    vigie campaign pause ID      vigie campaign resume ID
    vigie campaign status ID [--json] [--watch]
    vigie campaign bounces ID FILE.mbox         vigie campaign letters ID
    vigie campaign ledger ID --output FILE [--format csv|pdf]
    vigie campaign purge ID | --due             vigie campaign rotate-key [--generate]
    vigie campaign recover

The command line acts with the operator's authority (no role check); every export is in the access log.
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigie.audit.services import record
from vigie.breaches.models import Breach
from vigie.campaigns import crypto, exports, letters, reader, services
from vigie.campaigns.importing import ImportError_
from vigie.campaigns.models import Campaign, CampaignStatus
from vigie.campaigns.progress import Bar


def _mapping(value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    text = Path(value).read_text() if not value.lstrip().startswith("{") and Path(value).is_file() else value
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(_("--mapping: invalid JSON (%(error)s).") % {"error": error}) from None
    if not isinstance(mapping, dict):
        raise CommandError(_("--mapping: a JSON object is expected."))
    return mapping


class Command(BaseCommand):
    help = "Campagnes d'information des personnes concernées par une violation (import, envoi, suivi, preuve)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="Importer une liste de personnes (CSV, XLSX).")
        importing.add_argument("breach_id", type=int, metavar="BREACH_ID")
        importing.add_argument("file", type=Path, metavar="FILE")
        importing.add_argument("--mapping", help="Correspondance des colonnes, en JSON (ou un fichier JSON).")
        importing.add_argument("--json", action="store_true", help="Écrire le résultat en JSON.")
        start = actions.add_parser("start", help="Démarrer l'envoi.")
        start.add_argument("id", type=int)
        start.add_argument("--follow", action="store_true", help="Suivre l'avancement jusqu'à la fin.")
        start.add_argument(
            "--rehearsal",
            action="store_true",
            help="Répétition : sans serveur de messagerie, rien n'est envoyé et le registre le dit.",
        )
        for name, text in (
            ("pause", "Mettre en pause."),
            ("resume", "Reprendre."),
            ("letters", "Produire les courriers maintenant."),
        ):
            actions.add_parser(name, help=text).add_argument("id", type=int)
        status = actions.add_parser("status", help="Où en est la campagne.")
        status.add_argument("id", type=int)
        status.add_argument("--json", action="store_true")
        status.add_argument("--watch", action="store_true", help="Barre de progression jusqu'à la fin.")
        bounces = actions.add_parser("bounces", help="Enregistrer les rebonds lus dans une boîte mbox.")
        bounces.add_argument("id", type=int)
        bounces.add_argument("file", type=Path)
        ledger = actions.add_parser("ledger", help="Exporter le registre de preuve.")
        ledger.add_argument("id", type=int)
        ledger.add_argument("--output", type=Path, required=True)
        ledger.add_argument("--format", choices=("csv", "pdf"), default="csv")
        purge = actions.add_parser("purge", help="Effacer les données personnelles (la preuve reste).")
        purge.add_argument("id", type=int, nargs="?")
        purge.add_argument("--due", action="store_true", help="Toutes les campagnes dont la conservation est échue.")
        rotate = actions.add_parser("rotate-key", help="Rechiffrer les données avec la clé courante.")
        rotate.add_argument(
            "--generate", action="store_true", help="Ajouter une nouvelle clé en tête du fichier de clés."
        )
        actions.add_parser("recover", help="Relancer les envois interrompus (exécuteur tué).")

    def handle(self, *, action: str, **options: Any) -> None:
        try:
            getattr(self, "do_" + action.replace("-", "_"))(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _campaign(self, pk: int) -> Campaign:
        try:
            return Campaign.objects.select_related("breach__organisation").get(pk=pk)
        except Campaign.DoesNotExist:
            raise CommandError(_("No campaign no. %(pk)s.") % {"pk": pk}) from None

    def do_import(self, *, breach_id: int, file: Path, mapping: str | None, json: bool, **_options: Any) -> None:
        breach = Breach.objects.filter(pk=breach_id).first()
        if breach is None:
            raise CommandError(_("No breach no. %(pk)s.") % {"pk": breach_id})
        if not file.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        bar = Bar(0, label=_("Import "))
        try:
            campaign, report = services.import_path(
                breach, file, mapping=_mapping(mapping), progress=lambda done, total: bar.update(done, total=total)
            )
        except ImportError_ as error:
            raise CommandError(str(error)) from None
        finally:
            bar.close()
        summary = reader.report_dict(report, limit=None, scrub=False)
        if json:
            out = {"campaign": campaign.pk, **{key: summary[key] for key in ("rows", "valid", "invalid", "duplicates")}}
            out.update(errors=summary["errors"], warnings=summary["warnings"], merged=summary["merged"])
            self.stdout.write(_json(out))
            return
        self.stdout.write(_("Campaign no. %(pk)s created.") % {"pk": campaign.pk})
        self.stdout.write(
            _("%(rows)s rows read: %(valid)s valid, %(invalid)s invalid, %(duplicates)s duplicates.") % summary
        )
        for line in summary["errors"][:20]:
            self.stdout.write("  " + _("line %(line)s, column “%(column)s”: %(reason)s") % line)
        if len(summary["errors"]) > 20:
            self.stdout.write("  " + _("… and %(n)s other errors.") % {"n": len(summary["errors"]) - 20})
        if summary["warnings"]:
            self.stdout.write(_("%(n)s value(s) corrected or set aside:") % {"n": len(summary["warnings"])})
        for warning in summary["warnings"][:20]:
            self.stdout.write("  " + _("line %(line)s, column “%(column)s”: %(reason)s") % warning)
        if len(summary["warnings"]) > 20:
            self.stdout.write("  " + _("… and %(n)s others.") % {"n": len(summary["warnings"]) - 20})

    def do_start(self, *, id: int, follow: bool, rehearsal: bool, **_options: Any) -> None:  # noqa: A002
        campaign = services.start_campaign(self._campaign(id), by=None, rehearsal=rehearsal)
        if rehearsal:
            self.stdout.write(
                _("Rehearsal of campaign no. %(pk)s started: no e-mail will go out.") % {"pk": campaign.pk}
            )
        else:
            self.stdout.write(_("Campaign no. %(pk)s started.") % {"pk": campaign.pk})
        if follow:
            self._watch(campaign)

    def do_pause(self, *, id: int, **_options: Any) -> None:  # noqa: A002
        services.pause_campaign(self._campaign(id), by=None)
        self.stdout.write(_("Campaign no. %(pk)s paused.") % {"pk": id})

    def do_resume(self, *, id: int, **_options: Any) -> None:  # noqa: A002
        services.resume_campaign(self._campaign(id), by=None)
        self.stdout.write(_("Campaign no. %(pk)s resumed.") % {"pk": id})

    def do_letters(self, *, id: int, **_options: Any) -> None:  # noqa: A002
        done = letters.render_letters(self._campaign(id).pk)
        services.finish_if_complete(id)
        self.stdout.write(_("%(n)s batch(es) of letters produced.") % {"n": done})

    def do_status(self, *, id: int, json: bool, watch: bool, **_options: Any) -> None:  # noqa: A002
        campaign = self._campaign(id)
        if watch:
            self._watch(campaign)
            campaign.refresh_from_db()
        counts = campaign.counts()
        data = {"campaign": campaign.pk, "status": campaign.status, "rehearsal": campaign.rehearsal, **counts}
        if campaign.pause_reason:
            data["pause_reason"] = campaign.pause_reason
        if json:
            self.stdout.write(_json(data))
            return
        heading = _("Campaign no. %(pk)s: %(status)s") % {"pk": campaign.pk, "status": campaign.get_status_display()}
        if campaign.rehearsal:
            heading += " " + _("(rehearsal: nothing was sent)")
        self.stdout.write(heading)
        if campaign.pause_reason:
            self.stdout.write(
                "  " + _("Paused automatically, the mail server failed: %(why)s") % {"why": campaign.pause_reason}
            )
            self.stdout.write(
                "  " + _("Once the server is repaired: vigie campaign resume %(pk)s") % {"pk": campaign.pk}
            )
        for key, label in (
            ("total", pgettext("count of a campaign", "persons")), ("sent", pgettext("count of a campaign", "sent")), ("rehearsed", pgettext("count of a campaign", "rehearsed")), ("pending", pgettext("count of a campaign", "pending")),
            ("failed", pgettext("count of a campaign", "failures")),
            ("bounced", pgettext("count of a campaign", "bounces")), ("letters", pgettext("count of a campaign", "letters")), ("unreachable", pgettext("count of a campaign", "unreachable")),
            ("duplicates", pgettext("count of a campaign", "already informed")),
        ):  # fmt: skip
            self.stdout.write(_("  %(label)15s: %(n)s") % {"label": label, "n": counts[key]})

    def _watch(self, campaign: Campaign) -> None:
        counts = campaign.counts()
        bar = Bar(counts["total"], label=_("Sending "))
        while True:
            counts = campaign.counts()
            done = counts["total"] - counts["pending"]
            bar.update(done, force=True)
            status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get()
            if status != CampaignStatus.RUNNING or not counts["pending"]:
                break
            time.sleep(1)
        bar.close()

    def do_bounces(self, *, id: int, file: Path, **_options: Any) -> None:  # noqa: A002
        result = services.record_bounces(self._campaign(id), file)
        self.stdout.write(_("%(found)s bounce(s) found, %(recorded)s recorded.") % result)

    def do_ledger(self, *, id: int, output: Path, format: str, **_options: Any) -> None:  # noqa: A002
        campaign = self._campaign(id)
        record("campaign.ledger_export", organisation=campaign.breach.organisation, obj=campaign,
               detail={"format": format, "via": "command"})  # fmt: skip
        if format == "pdf":
            output.write_bytes(exports.ledger_pdf(campaign, now=timezone.now()))
        else:
            with output.open("w", encoding="utf-8", newline="") as file:
                file.writelines(exports.ledger_csv(campaign))
        self.stdout.write(_("Proof ledger written to %(file)s.") % {"file": output})

    def do_purge(self, *, id: int | None, due: bool, **_options: Any) -> None:  # noqa: A002
        if due:
            self.stdout.write(_("%(n)s campaign(s) purged.") % {"n": services.purge_due()})
            return
        if id is None:
            raise CommandError(_("Give the number of the campaign, or --due."))
        purged = services.purge_campaign(self._campaign(id), by=None)
        self.stdout.write(_("Data of %(n)s person(s) erased; the proof is kept.") % {"n": purged})

    def do_rotate_key(self, *, generate: bool, **_options: Any) -> None:
        if generate:
            path = Path(settings.VIGIE_DATA_KEY_FILE) if settings.VIGIE_DATA_KEY_FILE else crypto.development_key_file()
            if settings.VIGIE_DATA_KEY:
                raise CommandError(_("VIGIE_DATA_KEY is set: put the new key first yourself."))
            old = path.read_text() if path.exists() else ""
            path.write_text(crypto.new_key() + "\n" + old)
            path.chmod(0o600)
            self.stdout.write(_("New key added first in %(file)s.") % {"file": path})
        bar = Bar(Campaign.objects.count() and 0, label=_("Re-encrypting "))
        done = services.rotate_keys(progress=lambda n: bar.update(n, total=n))
        bar.close()
        self.stdout.write(_("%(n)s record(s) re-encrypted with the current key.") % {"n": done})

    def do_recover(self, **_options: Any) -> None:
        self.stdout.write(_("%(n)s task(s) started again.") % {"n": services.recover_campaigns()})


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
