"""``vigie leak …``: which of my patients are in a leaked file?

    vigie leak match PATIENTS_FILE LEAK_FILE --output MATCHES.csv [--json]
    vigie leak match LEAK_FILE --campaign ID --output MATCHES.csv       the campaign's persons are the patients
    vigie leak match PATIENTS_FILE LEAK_FILE --campaign ID | --breach ID --output MATCHES.csv
    vigie leak purge ID | --due

``match`` writes MATCHES.csv (UTF-8, ``;``): ``leak_line;patient_line;score;decision``, one line per leaked row
that has a candidate (``match`` or ``review``), lines being physical lines of each file (header = 1). With
``--campaign`` or ``--breach`` the result is also stored (encrypted) as a matching of that breach, to review in
the browser and turn into a campaign; without, nothing is stored but the entry of the access log. The command
line acts with the operator's authority.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vigie.audit.services import record
from vigie.breaches.models import Breach
from vigie.campaigns.importing import ImportError_
from vigie.campaigns.models import Campaign
from vigie.campaigns.progress import Bar
from vigie.leaks import matching as runner
from vigie.leaks import reading, services
from vigie.leaks.models import LeakMatching, LeakPair


def _mapping(value: str | None, option: str) -> dict[str, Any] | None:
    if not value:
        return None
    text = Path(value).read_text() if not value.lstrip().startswith("{") and Path(value).is_file() else value
    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(_("%(option)s: invalid JSON (%(error)s).") % {"option": option, "error": error}) from None
    if not isinstance(mapping, dict):
        raise CommandError(_("%(option)s: a JSON object is expected.") % {"option": option})
    return mapping


def _file(path: Path) -> Path:
    if not path.is_file():
        raise CommandError(_("File not found: %(file)s") % {"file": path})
    return path


class Command(BaseCommand):
    help = "Fichiers divulgués : retrouver ses patients dans un fichier publié après une violation."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        match = actions.add_parser("match", help="Chercher les patients dans un fichier divulgué (CSV, XLSX).")
        match.add_argument("files", type=Path, nargs="+", metavar="FILE", help="[PATIENTS_FILE] LEAK_FILE")
        match.add_argument("--output", type=Path, required=True, help="MATCHES.csv à écrire.")
        match.add_argument("--json", action="store_true", help="Écrire les comptes en JSON.")
        match.add_argument("--campaign", type=int, metavar="ID", help="Rattacher à la violation de cette campagne.")
        match.add_argument("--breach", type=int, metavar="ID", help="Rattacher à cette violation.")
        match.add_argument("--patients-mapping", help="Colonnes de la base patients, en JSON.")
        match.add_argument("--leak-mapping", help="Colonnes du fichier divulgué, en JSON.")
        match.add_argument(
            "--processes",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processus de comparaison d'un fichier divulgué lu ligne à ligne : XLSX, CSV à guillemets (2).",
        )
        purge = actions.add_parser("purge", help="Effacer les données personnelles d'une recherche.")
        purge.add_argument("id", type=int, nargs="?")
        purge.add_argument("--due", action="store_true", help="Toutes les recherches dont la conservation est échue.")

    def handle(self, *, action: str, **options: Any) -> None:
        try:
            getattr(self, "do_" + action)(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ImportError_ as error:
            raise CommandError(str(error)) from None

    def do_match(
        self,
        *,
        files: list[Path],
        output: Path,
        json: bool,
        campaign: int | None,
        breach: int | None,
        patients_mapping: str | None,
        leak_mapping: str | None,
        processes: int,
        **_options: Any,
    ) -> None:
        if len(files) > 2 or (len(files) == 1 and campaign is None):
            raise CommandError(_("Give PATIENTS_FILE LEAK_FILE, or LEAK_FILE --campaign ID."))
        leak_file = _file(files[-1])
        patients_file = _file(files[0]) if len(files) == 2 else None
        bar = Bar(1000, label=_("Matching "))
        try:
            if campaign is None and breach is None:
                assert patients_file is not None
                counts = self._standalone(
                    patients_file, leak_file, output, patients_mapping, leak_mapping, bar, max(1, processes)
                )
            else:
                counts = self._linked(patients_file, leak_file, output, campaign, breach, patients_mapping,
                                      leak_mapping, bar)  # fmt: skip
        finally:
            bar.close()
        if json:
            self.stdout.write(_json(counts))
            return
        self.stdout.write(
            _(
                "%(rows)s rows of the leaked file: %(match)s patients found, %(review)s to review, %(none)s without "
                "a match. Written to %(output)s."
            )
            % {**counts, "output": output}
        )
        if "matching" in counts:
            self.stdout.write(_("Matching no. %(matching)s saved: to review in Vigie.") % counts)

    def _standalone(
        self,
        patients_file: Path,
        leak_file: Path,
        output: Path,
        patients_mapping: str | None,
        leak_mapping: str | None,
        bar: Bar,
        processes: int,
    ) -> dict[str, Any]:
        def phase(start: int, span: int) -> Any:
            return lambda done, total: bar.update(start + (span * done // total if total else 0))

        patients = reading.read_patients(
            patients_file, _mapping(patients_mapping, "--patients-mapping"), progress=phase(0, 150)
        )
        leak = reading.LeakSource(leak_file, _mapping(leak_mapping, "--leak-mapping"))
        outcome = runner.run(patients, leak, progress=phase(150, 850), processes=processes)
        with output.open("w", encoding="utf-8", newline="") as file:
            runner.write_matches(outcome.results, file)
        counts: dict[str, Any] = outcome.counts()
        counts.update(patients=len(patients.traits), patients_invalid=patients.invalid)
        record("leak.match_files", detail={"patients": patients_file.name[:100], "leak": leak_file.name[:100],
                                           **{key: counts[key] for key in ("rows", "match", "review", "none")}})  # fmt: skip
        return counts

    def _linked(
        self,
        patients_file: Path | None,
        leak_file: Path,
        output: Path,
        campaign_id: int | None,
        breach_id: int | None,
        patients_mapping: str | None,
        leak_mapping: str | None,
        bar: Bar,
    ) -> dict[str, Any]:
        source: Campaign | None = None
        if campaign_id is not None:
            source = Campaign.objects.select_related("breach__organisation").filter(pk=campaign_id).first()
            if source is None:
                raise CommandError(_("No campaign no. %(pk)s.") % {"pk": campaign_id})
            found = source.breach
        else:
            found = Breach.objects.select_related("organisation").filter(pk=breach_id or 0).first()  # type: ignore[assignment]
            if found is None:
                raise CommandError(_("No breach no. %(pk)s.") % {"pk": breach_id})
            if patients_file is None:
                raise CommandError(_("Give the patients file: PATIENTS_FILE LEAK_FILE --breach ID."))
        matching = services.new_matching(
            found, by=None, leak_name=leak_file.name, leak_data=leak_file.read_bytes(),
            patients_name=patients_file.name if patients_file else "",
            patients_data=patients_file.read_bytes() if patients_file else None,
            source_campaign=source if patients_file is None else None,
        )  # fmt: skip
        chosen_leak = _mapping(leak_mapping, "--leak-mapping")
        chosen_patients = _mapping(patients_mapping, "--patients-mapping")
        if chosen_leak or chosen_patients:
            services.set_mappings(
                matching, leak_mapping=chosen_leak or matching.leak_mapping, leak_categories=matching.leak_categories,
                patients_mapping=chosen_patients, by=None,
            )  # fmt: skip
        counts: dict[str, Any] = services.run_matching(matching, progress=lambda done, total: bar.update(done))
        pairs = LeakPair.objects.filter(matching=matching).order_by("leak_line")
        with output.open("w", encoding="utf-8", newline="") as file:
            file.write(runner.MATCHES_HEADER + "\n")
            for leak_line, patient_line, score, decision in pairs.values_list(
                "leak_line", "patient_line", "score", "decision"
            ).iterator(5000):
                file.write(f"{leak_line};{patient_line};{score:.4f};{decision}\n")
        return {"matching": matching.pk, "breach": found.pk, **counts}

    def do_purge(self, *, id: int | None, due: bool, **_options: Any) -> None:  # noqa: A002
        if due:
            self.stdout.write(_("%(n)s matching(s) purged.") % {"n": services.purge_due()})
            return
        if id is None:
            raise CommandError(_("Give the number of the matching, or --due."))
        matching = LeakMatching.objects.select_related("breach__organisation").filter(pk=id).first()
        if matching is None:
            raise CommandError(_("No matching no. %(pk)s.") % {"pk": id})
        purged = services.purge_matching(matching, by=None)
        self.stdout.write(_("Data of %(n)s pair(s) erased.") % {"n": purged})


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
