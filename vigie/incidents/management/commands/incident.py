"""``vigie incident …``: one incident at a processor, many controllers (issue 16).

    vigie incident create --processor ORG_ID --controller ORG_ID:CODE [--controller …]
                          [--external NAME:EMAIL:CODE …] --facts FACTS.json --title TEXT [--json]
    vigie incident import INCIDENT_ID FILE --key COLUMN [--mapping JSON] [--json]
    vigie incident status INCIDENT_ID [--json]
    vigie incident demo       (« vigie demo » already adds it: a software vendor, three lab clients, one incident)

The command line acts with the operator's authority (no role check), as ``vigie campaign`` does.
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vigie.accounts.models import Organisation, User
from vigie.campaigns.importing import ImportError_
from vigie.campaigns.management.commands.campaign import _mapping
from vigie.incidents import services
from vigie.incidents.models import ExternalController, Incident
from vigie.incidents.splitting import split_file


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


class Command(BaseCommand):
    help = (
        "Incidents chez un sous-traitant : déclaration aux responsables de traitement, répartition du fichier, suivi."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help="Déclarer un incident à ses responsables de traitement.")
        create.add_argument("--processor", type=int, required=True, metavar="ORG_ID", help="Le sous-traitant.")
        create.add_argument(
            "--controller",
            action="append",
            default=[],
            metavar="ORG_ID:CODE",
            help="Un responsable de traitement et son code dans le fichier divulgué (répéter l'option).",
        )
        create.add_argument(
            "--external", action="append", default=[], metavar="NAME:EMAIL:CODE",
            help="Un responsable de traitement absent de Vigie : son nom, l'adresse de son contact ou DPO, son code "
                 "(répéter l'option). Il reçoit l'alerte en PDF par courriel.",
        )  # fmt: skip
        create.add_argument("--facts", type=Path, required=True, metavar="FACTS.json", help="Les faits, en JSON.")
        create.add_argument("--title", required=True, metavar="TEXT")
        create.add_argument("--json", action="store_true", help="Écrire le résultat en JSON.")
        importing = actions.add_parser("import", help="Répartir le fichier divulgué entre les responsables.")
        importing.add_argument("incident_id", type=int, metavar="INCIDENT_ID")
        importing.add_argument("file", type=Path, metavar="FILE")
        importing.add_argument("--key", required=True, metavar="COLUMN", help="La colonne du code (labo, FINESS…).")
        importing.add_argument("--mapping", help="Correspondance des colonnes, en JSON (ou un fichier JSON).")
        importing.add_argument("--json", action="store_true")
        status = actions.add_parser("status", help="L'avancement de chaque responsable de traitement.")
        status.add_argument("incident_id", type=int, metavar="INCIDENT_ID")
        status.add_argument("--json", action="store_true")
        actions.add_parser("demo", help="Ajouter à la démonstration un éditeur, trois laboratoires et un incident.")

    def handle(self, *, action: str, **options: Any) -> None:
        try:
            getattr(self, "do_" + action)(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _incident(self, pk: int) -> Incident:
        incident = Incident.objects.select_related("processor").filter(pk=pk).first()
        if incident is None:
            raise CommandError(_("No incident no. %(pk)s.") % {"pk": pk})
        return incident

    def do_create(self, *, processor: int, controller: list[str], external: list[str], facts: Path, title: str,
                  json: bool, **_options: Any) -> None:  # fmt: skip
        orgs = {org.pk: org for org in Organisation.objects.all()}
        if processor not in orgs:
            raise CommandError(_("No organisation no. %(pk)s.") % {"pk": processor})
        pairs = []
        for value in controller:
            org_id, sep, code = value.partition(":")
            if not sep or not org_id.strip().isdigit() or not code.strip():
                raise CommandError(
                    _("--controller %(value)s: ORG_ID:CODE expected (for example 12:LAB01).") % {"value": value}
                )
            if int(org_id) not in orgs:
                raise CommandError(_("No organisation no. %(pk)s.") % {"pk": int(org_id)})
            pairs.append((orgs[int(org_id)], code.strip()))
        if not pairs and not external:
            raise CommandError(_("Name at least one controller (--controller or --external)."))
        outside = [_external(value) for value in external]
        if not facts.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": facts})
        try:
            data = _load_json(facts.read_text(encoding="utf-8"))
        except ValueError as error:
            raise CommandError(_("--facts: invalid JSON (%(error)s).") % {"error": error}) from None
        incident = services.create_incident(orgs[processor], controllers=pairs, facts=data, title=title, by=None,
                                            external=outside)  # fmt: skip
        links = incident.controllers.order_by("pk")
        out: dict[str, Any] = {
            "incident": incident.pk,
            "breaches": [{"organisation": link.organisation_id, "breach": link.breach_id, "code": link.code}
                         for link in links],
            "external": [_external_json(item) for item in incident.external_controllers.order_by("pk")],
        }  # fmt: skip
        if json:
            self.stdout.write(_json(out))
            return
        self.stdout.write(
            _("Incident no. %(pk)s declared to %(n)s controller(s).") % {"pk": incident.pk, "n": len(out["breaches"])}
        )
        for item in out["breaches"]:
            self.stdout.write("  " + _("organisation %(organisation)s (%(code)s): breach no. %(breach)s") % item)
        for item in out["external"]:
            alert = item["alert"]
            what = {
                "accepted": _("accepted by the mail server"),
                "failed": _("failed (%(error)s)") % {"error": alert["error"]},
                "not_delivered": _("not sent: no mail server configured"),
                "pending": _("not sent yet"),
            }[alert["status"]]
            self.stdout.write(
                "  "
                + _("not on Vigie: %(name)s <%(email)s> (%(code)s): alert %(what)s")
                % {"name": item["name"], "email": item["email"], "code": item["code"], "what": what}
            )

    def do_import(self, *, incident_id: int, file: Path, key: str, mapping: str | None, json: bool,
                  **_options: Any) -> None:  # fmt: skip
        incident = self._incident(incident_id)
        if not file.is_file():
            raise CommandError(_("File not found: %(file)s") % {"file": file})
        try:
            result = split_file(incident, file, key_column=key, by=None, name=file.name, mapping=_mapping(mapping))
        except ImportError_ as error:
            raise CommandError(str(error)) from None
        data = result.as_json()
        errors = [{k: error[k] for k in ("line", "column", "reason", "organisation")} for error in data["errors"]]
        if json:
            out = {key: data[key] for key in ("assigned", "unassigned", "campaigns", "external")}
            out.update(errors=errors, unassigned_rows=data["unassigned_rows"], stored=data["stored"])
            self.stdout.write(_json(out))
            return
        rows = sum(result.assigned.values()) + len(result.unassigned)
        self.stdout.write(
            _("%(rows)s rows read, %(n)s of no controller.") % {"rows": rows, "n": len(result.unassigned)}
        )
        for org, count in result.assigned.items():
            campaign = result.campaigns.get(org)
            where = (
                _("campaign no. %(pk)s, %(n)s persons") % {"pk": campaign, "n": result.stored[org]}
                if campaign
                else _("no campaign")
            )
            self.stdout.write(
                "  " + _("organisation %(org)s: %(n)s rows (%(where)s)") % {"org": org, "n": count, "where": where}
            )
        for row in result.unassigned[:20]:
            self.stdout.write("  " + _("line %(line)s, column “%(column)s”: %(reason)s") % row)
        for line in errors[:20]:
            self.stdout.write("  " + _("line %(line)s, column “%(column)s”: %(reason)s") % line)
        if len(errors) > 20:
            self.stdout.write("  " + _("… and %(n)s other errors.") % {"n": len(errors) - 20})

    def do_status(self, *, incident_id: int, json: bool, **_options: Any) -> None:
        incident = self._incident(incident_id)
        rows = services.progress(incident)
        if json:
            self.stdout.write(_json({"incident": incident.pk, "title": incident.title,
                                     "controllers": [row.as_json() for row in rows],
                                     "external": [_external_json(item) for item in
                                                  incident.external_controllers.order_by("pk")]}))  # fmt: skip
            return
        self.stdout.write(_("Incident no. %(pk)s: %(title)s") % {"pk": incident.pk, "title": incident.title})
        now = timezone.now()
        for row in rows:
            cnil = (
                _("notified on %(moment)s") % {"moment": f"{timezone.localtime(row.cnil_notified_at):%d/%m/%Y %H:%M}"}
                if row.cnil_notified_at
                else (
                    pgettext("CNIL notification", "not required")
                    if row.cnil_required is False
                    else pgettext("CNIL notification", "not notified")
                )
            )
            ack = pgettext("alert", "received") if row.acknowledged_at else pgettext("alert", "not acknowledged")
            late = _(", %(n)s overdue") % {"n": row.overdue} if row.overdue else ""
            due = (
                " " + _("(deadline passed)")
                if row.cnil_deadline and not row.cnil_notified_at and now > row.cnil_deadline
                else ""
            )
            line = _(
                "%(organisation)s (%(code)s): breach no. %(breach)s, alert %(ack)s, CNIL %(cnil)s%(due)s, "
                "%(informed)s person(s) informed of %(total)s%(late)s"
            ) % {
                "organisation": row.organisation, "code": row.code, "breach": row.breach_id, "ack": ack,
                "cnil": cnil, "due": due, "informed": row.persons_informed, "total": row.persons_total, "late": late,
            }  # fmt: skip
            self.stdout.write("  " + line)

    def do_demo(self, **_options: Any) -> None:
        from vigie.incidents.demo import DEMO_EMAIL, VENDOR, add_demo_incident

        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            raise CommandError(_("No demonstration account yet: run “vigie demo” first."))
        with transaction.atomic():
            added = add_demo_incident(user)
        if added:
            self.stdout.write(
                _("Demonstration incident added: %(vendor)s and three client laboratories.") % {"vendor": VENDOR}
            )
        else:
            self.stdout.write(_("The demonstration incident already exists: nothing was added."))


def _external(value: str) -> tuple[str, str, str]:
    """``NAME:EMAIL:CODE``: the e-mail is the first part with an « @ »; the name and the code may hold « : »."""
    parts = value.split(":")
    at = next((index for index, part in enumerate(parts) if "@" in part), None)
    if at is None or at == 0 or at == len(parts) - 1:
        raise CommandError(
            _("--external %(value)s: NAME:EMAIL:CODE expected (for example “Labo X:dpo@x.fr:LABX”).") % {"value": value}
        )
    return ":".join(parts[:at]).strip(), parts[at].strip(), ":".join(parts[at + 1 :]).strip()


def _external_json(item: ExternalController) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    return {
        "external": item.pk,
        "name": item.name,
        "email": item.email,
        "code": item.code,
        "alert": {"status": item.alert_status, "sent_at": iso(item.alert_sent_at),
                  "attempted_at": iso(item.alert_attempted_at), "error": item.alert_error},
    }  # fmt: skip


def _load_json(text: str) -> Any:
    return json.loads(text)
