"""``vigie audit verify``: recompute the hash chain of the access log and report any tampering."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vigie.audit.models import AuditEvent
from vigie.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the tamper-evident access log."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute every hash of the chain")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The access log has been tampered with ({len(problems)} problem(s)).", returncode=1)
        self.stdout.write(f"Journal d'accès intact : {AuditEvent.objects.count()} entrées vérifiées.")
