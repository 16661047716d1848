"""``vigie audit verify``: recompute the hash chain of the access log, compare it with the checkpoints kept outside
the database, and report any tampering. ``vigie audit checkpoint``: anchor the chain's head in a new checkpoint."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigie.audit import checkpoints
from vigie.audit.models import AuditEvent
from vigie.audit.services import last_checkpoint, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = "Check the tamper-evident access log, or anchor its head outside the database."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every hash of the chain and compare it with the checkpoints")
        sub.add_parser("checkpoint", help="write a signed checkpoint of the chain's head (after verifying it)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "checkpoint":
            checkpoint, problems = write_checkpoint()
            self._fail_on(problems)
            assert checkpoint is not None
            self.stdout.write(
                f"Point d'ancrage écrit dans {checkpoints.path()} : {checkpoint.length} entrées, "
                f"dernière {checkpoint.hash}."
            )
            return
        self._fail_on(verify_chain())
        self.stdout.write(f"Journal d'accès intact : {AuditEvent.objects.count()} entrées vérifiées.")
        last = last_checkpoint()
        if last is None:
            self.stdout.write(
                f"Aucun point d'ancrage dans {checkpoints.path()} : lancez « vigie audit checkpoint » "
                "(les workers en écrivent un chaque heure)."
            )
        else:
            self.stdout.write(f"Conforme au dernier point d'ancrage ({last.at:%Y-%m-%d %H:%M}, {last.length} entrées).")

    def _fail_on(self, problems: list[str]) -> None:
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The access log has been tampered with ({len(problems)} problem(s)).", returncode=1)
