"""``vigie serve``: the web server and, beside it, a task worker — everything Vigie needs on one machine."""

from __future__ import annotations

import signal
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

WORKER_STOP_TIMEOUT = 10  # seconds a worker gets to finish its task before it is killed


def local_url(host: str, port: int) -> str:
    """The address a browser on this machine opens to reach ``vigie serve --host HOST --port PORT``."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - every interface: this machine reaches it on the loopback
        host = "127.0.0.1"
    display_host = f"[{host}]" if ":" in host else host
    return f"http://{display_host}:{port}/"


def start_worker() -> subprocess.Popen[bytes]:
    """``vigie worker`` in a child process, with this interpreter and this environment (settings, database)."""
    return subprocess.Popen([sys.executable, "-m", "vigie.cli", "worker"])  # noqa: S603 - fixed arguments


class Command(BaseCommand):
    help = (
        "Lance Vigie sur cette machine : le serveur web (celui de Django, qui sert aussi les fichiers statiques) "
        "et un exécuteur de tâches à côté. Pour la production, préférez gunicorn et « vigie worker »."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host", default=settings.SERVE_HOST, help="Adresse d'écoute (défaut : VIGIE_HOST ou %(default)s)."
        )
        parser.add_argument(
            "--port", type=int, default=settings.SERVE_PORT, help="Port d'écoute (défaut : PORT ou %(default)s)."
        )
        parser.add_argument("--no-worker", action="store_true", help="Ne pas lancer d'exécuteur de tâches.")

    def handle(self, *, host: str, port: int, no_worker: bool, **options: Any) -> None:
        immediate = settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend"
        # Stopped by a service manager (SIGTERM), leave through ``finally`` too, so that the worker is stopped.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        worker = None if no_worker or immediate else start_worker()
        display_host = f"[{host}]" if ":" in host else host
        self.stdout.write(self.style.SUCCESS(_("Vigie is ready: %(url)s") % {"url": local_url(host, port)}))
        if immediate:
            self.stdout.write(_("Tasks run at once, without a separate worker."))
        try:
            # No reloader: it would run this command twice, and so start two workers.
            call_command(
                "runserver", f"{display_host}:{port}", use_ipv6=":" in host, use_reloader=False, use_threading=True
            )
        except KeyboardInterrupt:
            self.stdout.write("\n" + _("Vigie stopped."))
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=WORKER_STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
