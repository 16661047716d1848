"""``vigie worker``: run the background tasks (reminders, campaigns…) queued in the database.

``--processes N`` starts N worker processes that share the queue, and stops them together (Ctrl+C, SIGTERM).
Sending e-mails is mostly waiting for the mail server's answers, so a campaign goes faster with more senders
than cores (docs/benchmarks.md: 3 per core on 2 cores). They are processes, not threads, on purpose: each
sender holds one SMTP connection, and the crash guarantee (at most one message in doubt) is per connection,
so a killed process must only ever take one connection with it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from argparse import SUPPRESS, ArgumentParser
from types import FrameType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Exécute les tâches en arrière-plan de Vigie (rappels d'échéance, envois…), enregistrées dans la base."
    # The system checks load every URL and view (about a third of a second per process, which a campaign's
    # senders pay each time they start); the web server and ``vigie check --deploy`` run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Exécuter les tâches en attente puis s'arrêter (utile dans une tâche planifiée ou un test).",
        )
        parser.add_argument("--queue-name", default="default", help="Files à traiter, séparées par des virgules.")
        parser.add_argument("--interval", type=float, default=1, help="Secondes d'attente quand la file est vide.")
        parser.add_argument("--max-tasks", type=int, default=None, help="S'arrêter après ce nombre de tâches.")
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            help="Nombre d'exécuteurs à lancer ensemble (par exemple 3 par cœur pendant l'envoi d'une campagne).",
        )
        parser.add_argument("--skip-recovery", action="store_true", help=SUPPRESS)  # the children of --processes

    def handle(
        self,
        *,
        until_idle: bool,
        queue_name: str,
        interval: float,
        max_tasks: int | None,
        processes: int,
        skip_recovery: bool,
        **options: Any,
    ) -> None:
        backend = settings.TASKS["default"]["BACKEND"]
        if backend != "django_tasks_db.DatabaseBackend":
            # With the immediate backend (tests, VIGIE_TASKS_IMMEDIATE) tasks run as they are enqueued.
            self.stdout.write(_("No worker needed: tasks run at once (%(backend)s).") % {"backend": backend})
            return
        if processes < 1:
            raise CommandError(_("--processes: at least 1."))
        if not skip_recovery:
            # A task killed with its worker (kill -9) never finishes in the queue: re-enqueue the campaigns' senders.
            from vigie.campaigns.services import recover_campaigns

            recover_campaigns()
            # Reminders are deferred tasks; one lost with a dead worker, or due while no worker ran, is caught here.
            from vigie.breaches.services import send_due_reminders

            send_due_reminders()
            # Any app may have work to start with the workers (the webhook clock): its AppConfig.worker_started().
            for config in apps.get_app_configs():
                started = getattr(config, "worker_started", None)
                if callable(started):
                    started()
        if processes > 1:
            arguments = ["--queue-name", queue_name, "--interval", str(interval), "--skip-recovery"]
            arguments += ["--until-idle"] if until_idle else []
            arguments += ["--max-tasks", str(max_tasks)] if max_tasks is not None else []
            arguments += ["--verbosity", str(options["verbosity"])]
            self.stdout.write(_("Vigie: %(n)s task workers started.") % {"n": processes})
            failed = run_together(processes, arguments, restart=not until_idle)
            if failed:
                raise CommandError(
                    _("%(failed)s worker(s) of %(n)s stopped on an error.") % {"failed": failed, "n": processes}
                )
            return
        mode = _("until the queue is empty") if until_idle else _("Ctrl+C to stop")
        self.stdout.write(
            _("Vigie: task worker started (queue “%(queue)s”, %(mode)s).") % {"queue": queue_name, "mode": mode}
        )
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


def run_together(count: int, arguments: list[str], *, restart: bool) -> int:
    """Run ``count`` ``vigie worker`` processes with ``arguments`` until they all stop; return how many failed.

    SIGTERM and SIGINT are passed on to every one of them (each finishes its current task, as a lone worker).
    With ``restart`` (a long-running worker), one that dies otherwise (killed, out of memory) is replaced, and
    the new one first re-enqueues the campaign work that died with it, as any worker does when it starts.
    """
    command = [sys.executable, "-m", "vigie.cli", "worker", *arguments]
    recovering = [argument for argument in command if argument != "--skip-recovery"]
    running = [subprocess.Popen(command) for _number in range(count)]  # noqa: S603 (our own command, no shell)
    stopping = False

    def forward(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for child in running:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGTERM, signal.SIGINT)}
    failed = 0
    try:
        while running:
            time.sleep(0.2)
            for child in list(running):
                code = child.poll()
                if code is None:
                    continue
                running.remove(child)
                if code == 0 or (stopping and code in (-signal.SIGTERM, -signal.SIGINT)):
                    continue  # stopped as asked (one still starting up had no handler for the signal yet)
                if restart and not stopping:
                    running.append(subprocess.Popen(recovering))  # noqa: S603 (our own command, no shell)
                else:
                    failed += 1
        return failed
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
