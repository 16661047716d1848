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
        raise CommandError(f"--mapping : JSON invalide ({error}).") from None
    if not isinstance(mapping, dict):
        raise CommandError("--mapping : un objet JSON est attendu.")
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
            raise CommandError(f"Aucune campagne n° {pk}.") from None

    def do_import(self, *, breach_id: int, file: Path, mapping: str | None, json: bool, **_: Any) -> None:
        breach = Breach.objects.filter(pk=breach_id).first()
        if breach is None:
            raise CommandError(f"Aucune violation n° {breach_id}.")
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        bar = Bar(0, label="Import ")
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
        self.stdout.write(f"Campagne n° {campaign.pk} créée.")
        self.stdout.write(
            f"{summary['rows']} lignes lues : {summary['valid']} valides, {summary['invalid']} invalides, "
            f"{summary['duplicates']} doublons."
        )
        for line in summary["errors"][:20]:
            self.stdout.write(f"  ligne {line['line']}, colonne « {line['column']} » : {line['reason']}")
        if len(summary["errors"]) > 20:
            self.stdout.write(f"  … et {len(summary['errors']) - 20} autres erreurs.")
        if summary["warnings"]:
            self.stdout.write(f"{len(summary['warnings'])} valeur(s) corrigée(s) ou écartée(s) :")
        for warning in summary["warnings"][:20]:
            self.stdout.write(f"  ligne {warning['line']}, colonne « {warning['column']} » : {warning['reason']}")
        if len(summary["warnings"]) > 20:
            self.stdout.write(f"  … et {len(summary['warnings']) - 20} autres.")

    def do_start(self, *, id: int, follow: bool, rehearsal: bool, **_: Any) -> None:  # noqa: A002
        campaign = services.start_campaign(self._campaign(id), by=None, rehearsal=rehearsal)
        if rehearsal:
            self.stdout.write(f"Répétition de la campagne n° {campaign.pk} démarrée : aucun courriel ne partira.")
        else:
            self.stdout.write(f"Campagne n° {campaign.pk} démarrée.")
        if follow:
            self._watch(campaign)

    def do_pause(self, *, id: int, **_: Any) -> None:  # noqa: A002
        services.pause_campaign(self._campaign(id), by=None)
        self.stdout.write(f"Campagne n° {id} en pause.")

    def do_resume(self, *, id: int, **_: Any) -> None:  # noqa: A002
        services.resume_campaign(self._campaign(id), by=None)
        self.stdout.write(f"Campagne n° {id} reprise.")

    def do_letters(self, *, id: int, **_: Any) -> None:  # noqa: A002
        done = letters.render_letters(self._campaign(id).pk)
        services.finish_if_complete(id)
        self.stdout.write(f"{done} lot(s) de courriers produits.")

    def do_status(self, *, id: int, json: bool, watch: bool, **_: Any) -> None:  # noqa: A002
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
        heading = f"Campagne n° {campaign.pk} : {campaign.get_status_display()}"
        if campaign.rehearsal:
            heading += " (répétition : rien n'a été envoyé)"
        self.stdout.write(heading)
        if campaign.pause_reason:
            self.stdout.write(f"  Pause automatique, le serveur de messagerie a échoué : {campaign.pause_reason}")
            self.stdout.write(f"  Une fois le serveur réparé : vigie campaign resume {campaign.pk}")
        for key, label in (
            ("total", "personnes"), ("sent", "envoyés"), ("rehearsed", "répétés"), ("pending", "en attente"),
            ("failed", "échecs"),
            ("bounced", "rebonds"), ("letters", "courriers"), ("unreachable", "injoignables"),
            ("duplicates", "déjà informées"),
        ):  # fmt: skip
            self.stdout.write(f"  {label:>15} : {counts[key]}")

    def _watch(self, campaign: Campaign) -> None:
        counts = campaign.counts()
        bar = Bar(counts["total"], label="Envoi ")
        while True:
            counts = campaign.counts()
            done = counts["total"] - counts["pending"]
            bar.update(done, force=True)
            status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get()
            if status != CampaignStatus.RUNNING or not counts["pending"]:
                break
            time.sleep(1)
        bar.close()

    def do_bounces(self, *, id: int, file: Path, **_: Any) -> None:  # noqa: A002
        result = services.record_bounces(self._campaign(id), file)
        self.stdout.write(f"{result['found']} rebond(s) trouvé(s), {result['recorded']} enregistré(s).")

    def do_ledger(self, *, id: int, output: Path, format: str, **_: Any) -> None:  # noqa: A002
        campaign = self._campaign(id)
        record("campaign.ledger_export", organisation=campaign.breach.organisation, obj=campaign,
               detail={"format": format, "via": "command"})  # fmt: skip
        if format == "pdf":
            output.write_bytes(exports.ledger_pdf(campaign, now=timezone.now()))
        else:
            with output.open("w", encoding="utf-8", newline="") as file:
                file.writelines(exports.ledger_csv(campaign))
        self.stdout.write(f"Registre de preuve écrit dans {output}.")

    def do_purge(self, *, id: int | None, due: bool, **_: Any) -> None:  # noqa: A002
        if due:
            self.stdout.write(f"{services.purge_due()} campagne(s) purgée(s).")
            return
        if id is None:
            raise CommandError("Donnez le numéro de la campagne, ou --due.")
        purged = services.purge_campaign(self._campaign(id), by=None)
        self.stdout.write(f"Données de {purged} personne(s) effacées ; la preuve est conservée.")

    def do_rotate_key(self, *, generate: bool, **_: Any) -> None:
        if generate:
            path = Path(settings.VIGIE_DATA_KEY_FILE) if settings.VIGIE_DATA_KEY_FILE else crypto.development_key_file()
            if settings.VIGIE_DATA_KEY:
                raise CommandError("VIGIE_DATA_KEY est défini : placez la nouvelle clé en tête vous-même.")
            old = path.read_text() if path.exists() else ""
            path.write_text(crypto.new_key() + "\n" + old)
            path.chmod(0o600)
            self.stdout.write(f"Nouvelle clé ajoutée en tête de {path}.")
        bar = Bar(Campaign.objects.count() and 0, label="Rechiffrement ")
        done = services.rotate_keys(progress=lambda n: bar.update(n, total=n))
        bar.close()
        self.stdout.write(f"{done} enregistrement(s) rechiffré(s) avec la clé courante.")

    def do_recover(self, **_: Any) -> None:
        self.stdout.write(f"{services.recover_campaigns()} tâche(s) relancée(s).")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
