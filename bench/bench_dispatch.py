# ruff: noqa: S603, S607  (benchmarks start the project's own commands and psql)
"""Dispatch benchmark: Vigie's e-mail throughput against the ceiling of the machine, same sink, same run.

    python bench/bench_dispatch.py --persons 500000 [--database postgres://postgres@127.0.0.1:5432/vigie_bench]

1. An aiosmtpd sink runs in its own process on 127.0.0.1 and counts the messages it accepts.
2. Vigie: a campaign of as many persons (every one with an e-mail) is imported into a fresh database,
   started, and 2 ``vigie worker --until-idle`` processes send it (rate limit off). The rate is measured
   from the first to the last message recorded.
3. Ceiling: plain ``smtplib`` sends the same messages (built beforehand by Django from the campaign, same
   bytes and sizes as Vigie's), over 2 processes, one reused connection each, to a fresh sink. It is measured
   just before and just after Vigie's run and averaged, because the machine's load drifts. With
   ``--workers N`` other than 2, the ceiling is also measured with N processes, for comparison.
Prints both rates, the ratio (target: Vigie ≥ 80 % of the ceiling) and the CPU time per message of each
side (the processes started here: senders and sink; not the PostgreSQL server). Helpers here are reused by
``bench_faults.py`` and ``bench_letters.py``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VIGIE = str(ROOT / ".venv" / "bin" / "vigie")

SINK_CODE = r"""
import asyncio, signal, sys
from aiosmtpd.controller import Controller
from email.parser import BytesHeaderParser

out = open(sys.argv[2], "w", buffering=1 << 16)
parser = BytesHeaderParser()

class Handler:
    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\r\n\r\n", 1)[0]
        mid = ""
        for line in head.split(b"\r\n"):
            if line[:11].lower() == b"message-id:":
                mid = line[11:].strip().decode()
                break
        out.write(mid + "\n")
        return "250 2.0.0 Ok: queued"

controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
def stop(*_):
    controller.stop(); out.flush(); out.close(); sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.pause()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SinkProcess:
    """The aiosmtpd sink in a subprocess; ``message_ids()`` after ``stop()``."""

    def __init__(self) -> None:
        self.port = free_port()
        self.log = Path(tempfile.mkstemp(prefix="vigie-sink-", suffix=".txt")[1])
        self.process = subprocess.Popen([PYTHON, "-c", SINK_CODE, str(self.port), str(self.log)])
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the sink did not start")

    def stop(self) -> list[str]:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        return self.message_ids()

    def message_ids(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if line]


def _synthetic_messages(count: int) -> list[tuple[str, bytes]]:
    messages = []
    for n in range(count):
        message = EmailMessage()
        message["From"] = "Cabinet <vigie@example.fr>"
        message["To"] = f"patient{n}@exemple-patient.fr"
        message["Subject"] = "Information importante concernant vos données personnelles"
        message["Message-ID"] = f"<ceiling.{os.getpid()}.{n}@example.fr>"
        message.set_content("Madame, Monsieur,\n\n" + "Nous vous informons d'une violation de données. " * 30)
        message.add_alternative(
            "<p>" + "Nous vous informons d'une violation de données. " * 30 + "</p>", subtype="html"
        )
        messages.append((message["To"], message.as_bytes(policy=message.policy.clone(linesep="\r\n"))))
    return messages


def _read_messages(path: Path, part: int, parts: int) -> list[tuple[str, bytes]]:
    """Every ``parts``-th message of a file written by ``dump_messages`` (to, bytes), from ``part``."""
    messages = []
    with path.open("rb") as file:
        for n, line in enumerate(file):
            if n % parts == part:
                to, size = line.split(b" ")
                messages.append((to.decode(), file.read(int(size))))
            else:
                file.seek(int(line.split(b" ")[1]), os.SEEK_CUR)
    return messages


def _ceiling_worker(port: int, count: int, ready: Any, source: Path | None, part: int, parts: int) -> None:
    messages = _read_messages(source, part, parts) if source else _synthetic_messages(count)
    ready.wait()  # every process has its messages: the clock starts
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for to, data in messages:
            smtp.sendmail("vigie@example.fr", [to], data)


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_ceiling(count: int, processes: int = 2, source: Path | None = None) -> tuple[float, float]:
    """(messages per second, CPU seconds of senders and sink) of plain smtplib: pre-built messages (those of
    ``source``, else synthetic ones), ``processes`` connections, to a fresh sink."""
    cpu = cpu_of_children()
    sink = SinkProcess()
    # Timed from the moment every process has its messages ready (building them is not part of the ceiling).
    ready = multiprocessing.Barrier(processes + 1)
    workers = [
        multiprocessing.Process(target=_ceiling_worker, args=(sink.port, count // processes, ready, source, n, processes))
        for n in range(processes)
    ]  # fmt: skip
    for worker in workers:
        worker.start()
    ready.wait()
    start = time.time()
    for worker in workers:
        worker.join()
    elapsed = time.time() - start
    received = len(sink.stop())
    return received / elapsed, cpu_of_children() - cpu


DUMP = r"""
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from vigie.campaigns import crypto
from vigie.campaigns.messages import Composer
from vigie.campaigns.models import Campaign, Recipient
campaign = Campaign.objects.select_related("breach__organisation").get(pk=int(sys.argv[1]))
composer, ring = Composer(campaign), crypto.keyring()
with open(sys.argv[2], "wb") as out:
    rows = Recipient.objects.filter(campaign=campaign, has_email=True).values_list("pk", "payload")
    for pk, payload in rows.iterator(chunk_size=2000):
        message = composer.email(pk, crypto.decrypt(payload, campaign_id=campaign.pk, ring=ring))
        data = message.message().as_bytes(linesep="\r\n")  # Django's own serialisation
        out.write(f"{message.to[0]} {len(data)}\n".encode() + data)
"""


def dump_messages(env: dict[str, str], campaign: int, path: Path) -> Path:
    """The campaign's messages, built by Django, to ``path``: the ceiling sends exactly these."""
    subprocess.run([PYTHON, "-c", DUMP, str(campaign), str(path)], env=env, check=True, cwd=ROOT)
    return path


def database_env(url: str | None, folder: Path) -> dict[str, str]:
    """Environment of a fresh benchmark database (SQLite file in ``folder``, or the PostgreSQL ``url``)."""
    env = dict(os.environ)
    env.update(
        VIGIE_ENV="development",
        VIGIE_DATA_DIR=str(folder),
        VIGIE_DATA_KEY="YmVuY2gta2V5LXZpZ2llLTAwMDAwMDAwMDAwMDAwMDA=",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        DATABASE_URL=url or f"sqlite:///{folder}/bench.sqlite3",
    )
    if url:
        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    subprocess.run([VIGIE, "migrate", "-v", "0"], env=env, check=True)
    return env


SETUP_CODE = r"""
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from django.utils import timezone
from vigie.accounts.models import Organisation, User, Membership
from vigie.breaches.models import Breach
org = Organisation.objects.create(name="Laboratoire de biologie médicale", dpo_email="dpo@labo-exemple.fr",
                                  email="contact@labo-exemple.fr", city="Lyon", postcode="69003", address="1 rue de la Part-Dieu")
user = User.objects.create_user("dpo@labo-exemple.fr", "x" * 20)
Membership.objects.create(user=user, organisation=org, role="owner")
breach = Breach.objects.create(organisation=org, reference="2026-001", title="Fuite", became_aware_at=timezone.now(),
                               breach_types=["confidentiality"], data_categories=["identity", "health"],
                               description="Un rançongiciel a copié des résultats d'analyses.")
print(breach.pk)
"""


def make_breach(env: dict[str, str]) -> int:
    out = subprocess.run([PYTHON, "-c", SETUP_CODE], env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stdout.strip().splitlines()[-1])


def write_list(path: Path, persons: int, *, email: bool = True, address: bool = True) -> Path:
    """A clean list (no defect): dispatch and letters are measured, not validation."""
    with path.open("w", encoding="utf-8") as file:
        file.write("Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville\n")
        for n in range(persons):
            year, day = 1930 + n % 80, 1 + n % 28
            mail = f"patient{n}@exemple-patient.fr" if email else ""
            street = f"{1 + n % 200} rue des Lilas;69003;Lyon" if address else ";;"
            file.write(f"Nom{n:07d};Prénom{n % 5000};{'FM'[n % 2]};{day:02d}/{1 + n % 12:02d}/{year};{mail};{street}\n")
    return path


def vigie(env: dict[str, str], *args: str) -> str:
    return subprocess.run([VIGIE, *args], env=env, check=True, capture_output=True, text=True, cwd=ROOT).stdout


def status(env: dict[str, str], campaign: int) -> dict[str, int]:
    return json.loads(vigie(env, "campaign", "status", str(campaign), "--json"))  # type: ignore[no-any-return]


def prepare_campaign(env: dict[str, str], folder: Path, persons: int, **kinds: bool) -> int:
    breach = make_breach(env)
    path = write_list(folder / "list.csv", persons, **kinds)
    result = json.loads(vigie(env, "campaign", "import", str(breach), str(path), "--json"))
    return int(result["campaign"])


SENT_SPAN = r"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from django.db.models import Max, Min
from vigie.campaigns.models import Recipient
span = Recipient.objects.filter(campaign_id={campaign}, sent_at__isnull=False).aggregate(a=Min("sent_at"), b=Max("sent_at"))
print((span["b"] - span["a"]).total_seconds())
"""


def run_dispatch(env: dict[str, str], campaign: int, workers: int = 2) -> tuple[float, float]:
    """Start the campaign and run ``workers`` worker processes until idle; (wall seconds, first→last sent)."""
    env = {**env, "VIGIE_CAMPAIGN_RATE": "0", "VIGIE_CAMPAIGN_SENDERS": str(workers)}
    started = time.monotonic()
    vigie(env, "campaign", "start", str(campaign))
    processes = [
        subprocess.Popen(
            [VIGIE, "worker", "--until-idle", "--interval", "0.2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL
        )  # fmt: skip
        for _ in range(workers)
    ]
    for process in processes:
        process.wait()
    wall = time.monotonic() - started
    out = subprocess.run([PYTHON, "-c", SENT_SPAN.replace("{campaign}", str(campaign))], env=env, check=True,
                         capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    return wall, float(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    load = os.getloadavg()
    return f"{os.cpu_count()} CPU, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--database", help="PostgreSQL URL of a throw-away database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="vigie worker processes (the ceiling always has 2)")
    args = parser.parse_args()
    print(f"Machine: {machine()}; {args.persons} persons; {args.workers} workers; {args.database or 'SQLite'}")
    ceilings, rates, ratios, sames = [], [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="vigie-bench-") as tmp:
            folder = Path(tmp)
            env = database_env(args.database, folder)
            campaign = prepare_campaign(env, folder, args.persons)
            source = dump_messages(env, campaign, folder / "messages.bin")
            before, before_cpu = measure_ceiling(args.persons, source=source)
            sink = SinkProcess()
            env.update(VIGIE_CAMPAIGN_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                       EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port))  # fmt: skip
            cpu = cpu_of_children()
            load = os.getloadavg()[0]
            wall, span = run_dispatch(env, campaign, args.workers)
            ids = sink.stop()
            vigie_cpu = cpu_of_children() - cpu
            after, after_cpu = measure_ceiling(args.persons, source=source)
            if args.workers != 2:  # the same parallelism as Vigie's, for comparison (the target uses 2)
                same, _ = measure_ceiling(args.persons, processes=args.workers, source=source)
                sames.append(same)
            counts = status(env, campaign)
            ceiling, rate = (before + after) / 2, counts["sent"] / span if span else 0.0
            ceilings.append(ceiling)
            rates.append(rate)
            ratios.append(rate / ceiling)
            n = args.persons
            print(f"run {run + 1} (load {load:.2f} → {os.getloadavg()[0]:.2f}): ceiling {before:.0f} before, "
                  f"{after:.0f} after ({1000 * (before_cpu + after_cpu) / 2 / n:.2f} ms CPU/msg, senders + sink); "
                  f"Vigie {rate:.0f} msg/s (first→last record; {wall:.0f} s wall with start-up; "
                  f"{1000 * vigie_cpu / n:.2f} ms CPU/msg, workers + sink) = {100 * rate / ceiling:.0f} %; "
                  f"sent {counts['sent']}, received {len(ids)}, distinct {len(set(ids))}, pending {counts['pending']}")  # fmt: skip
    ceiling, rate = statistics.median(ceilings), statistics.median(rates)
    print(f"Median: ceiling {ceiling:.0f} msg/s, Vigie {rate:.0f} msg/s; median ratio "
          f"{100 * statistics.median(ratios):.0f} % (target ≥ 80 %)")  # fmt: skip
    if sames:
        same = statistics.median(sames)
        print(f"Ceiling with {args.workers} processes like Vigie's (median): {same:.0f} msg/s; "
              f"Vigie = {100 * rate / same:.0f} % of it")  # fmt: skip
    print(f"Machine after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
