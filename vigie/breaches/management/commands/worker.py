"""``vigie worker``: run the background tasks (reminders, campaigns…) queued in the database."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exécute les tâches en arrière-plan de Vigie (rappels d'échéance, envois…), enregistrées dans la base."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Exécuter les tâches en attente puis s'arrêter (utile dans une tâche planifiée ou un test).",
        )
        parser.add_argument("--queue-name", default="default", help="Files à traiter, séparées par des virgules.")
        parser.add_argument("--interval", type=float, default=1, help="Secondes d'attente quand la file est vide.")
        parser.add_argument("--max-tasks", type=int, default=None, help="S'arrêter après ce nombre de tâches.")

    def handle(
        self, *, until_idle: bool, queue_name: str, interval: float, max_tasks: int | None, **options: Any
    ) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            # With the immediate backend (tests, VIGIE_TASKS_IMMEDIATE) tasks run as they are enqueued.
            self.stdout.write(f"Aucun exécuteur nécessaire : les tâches s'exécutent immédiatement ({backend}).")
            return
        # A task killed with its worker (kill -9) never finishes in the queue: re-enqueue the campaigns' senders.
        from vigie.campaigns.services import recover_campaigns

        recover_campaigns()
        # Reminders are deferred tasks; one lost with a dead worker, or due while no worker ran, is caught here.
        from vigie.breaches.services import send_due_reminders

        send_due_reminders()
        mode = "jusqu'à épuisement de la file" if until_idle else "Ctrl+C pour arrêter"
        self.stdout.write(f"Vigie : exécuteur de tâches démarré (file « {queue_name} », {mode}).")
        call_command(
            "db_worker",
            queue_name=queue_name,
            interval=interval,
            batch=until_idle,
            max_tasks=max_tasks,
            # The reloader restarts the worker mid-task on every code change: never for Vigie's worker.
            reload=False,
            startup_delay=not until_idle,
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
