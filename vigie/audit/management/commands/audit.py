"""``vigie audit verify``: recompute the hash chain of the access log, compare it with the checkpoints kept outside
the database, and report any tampering. ``vigie audit checkpoint``: anchor the chain's head in a new checkpoint."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                _("Checkpoint written to %(file)s: %(n)s entries, last %(hash)s.")
                % {"file": checkpoints.path(), "n": checkpoint.length, "hash": checkpoint.hash}
            )
            return
        self._fail_on(verify_chain())
        self.stdout.write(_("Access log intact: %(n)s entries checked.") % {"n": AuditEvent.objects.count()})
        last = last_checkpoint()
        if last is None:
            self.stdout.write(
                _("No checkpoint in %(file)s: run “vigie audit checkpoint” (the workers write one every hour).")
                % {"file": checkpoints.path()}
            )
        else:
            self.stdout.write(
                _("Matches the last checkpoint (%(at)s, %(n)s entries).")
                % {"at": f"{last.at:%Y-%m-%d %H:%M}", "n": last.length}
            )

    def _fail_on(self, problems: list[str]) -> None:
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                _("The access log has been tampered with (%(n)s problem(s)).") % {"n": len(problems)}, returncode=1
            )
