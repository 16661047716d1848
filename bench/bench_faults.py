# ruff: noqa: S603, S607  (benchmarks start the project's own commands and psql)
"""Fault benchmark: ``kill -9`` the worker at random instants during a campaign, then let it finish.

    python bench/bench_faults.py --persons 50000 --kills 20 [--database postgres://…/vigie_faults]

A ``vigie worker`` subprocess sends the campaign to an aiosmtpd sink (its own process, which outlives every
kill). It is killed with SIGKILL at a random instant ``--kills`` times, restarted each time, then runs until
the campaign is done. The sink's log is the judge: every person's Message-ID received (missing = 0), at most
one repeat per kill, and each repeat carries the original Message-ID (the ledger's ``resent_after_crash``).
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_dispatch import PYTHON, ROOT, VIGIE, SinkProcess, database_env, machine, prepare_campaign, status, vigie

LEDGER = r"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from vigie.campaigns.models import DeliveryEvent, Recipient
for mid in Recipient.objects.filter(campaign_id={campaign}).values_list("message_id", flat=True):
    print("R", mid)
for mid in DeliveryEvent.objects.filter(campaign_id={campaign}, kind="resent_after_crash").values_list("recipient__message_id", flat=True):
    print("E", mid)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--database", help="PostgreSQL URL of a throw-away database (default: SQLite)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"Machine: {machine()}; {args.persons} persons, {args.kills} kills; {args.database or 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="vigie-faults-") as tmp:
        folder = Path(tmp)
        env = database_env(args.database, folder)
        campaign = prepare_campaign(env, folder, args.persons)
        sink = SinkProcess()
        env.update(
            VIGIE_CAMPAIGN_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(sink.port),
            VIGIE_CAMPAIGN_RATE="0",
            VIGIE_CAMPAIGN_SENDERS="1",
            VIGIE_CAMPAIGN_LEASE_SECONDS="3",  # a killed sender's chunk is reclaimed 3 s later
        )
        vigie(env, "campaign", "start", str(campaign))
        started = time.monotonic()
        kills = 0
        while kills < args.kills:
            worker = subprocess.Popen([VIGIE, "worker", "--until-idle", "--interval", "0.2"], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            try:
                worker.wait(timeout=rng.uniform(1.0, 6.0))
                print("the worker finished before its kill: campaign done early")
                break
            except subprocess.TimeoutExpired:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                kills += 1
                print(f"kill -9 n° {kills}: {status(env, campaign)['sent']} sent so far")
        subprocess.run([VIGIE, "worker", "--until-idle", "--interval", "0.2"], env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        elapsed = time.monotonic() - started
        received = sink.stop()
        counts = status(env, campaign)
        out = subprocess.run([PYTHON, "-c", LEDGER.replace("{campaign}", str(campaign))], env=env, check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.splitlines()  # fmt: skip
        expected = {line[2:] for line in out if line.startswith("R ")}
        resent = [line[2:] for line in out if line.startswith("E ")]
        seen = Counter(received)
        missing = expected - set(seen)
        repeats = {mid: n - 1 for mid, n in seen.items() if n > 1}
        unexplained = set(repeats) - set(resent)
        print(f"status: {counts}")
        print(
            f"{elapsed:.0f} s; kills {kills}; received {len(received)}, distinct {len(seen)}, expected {len(expected)}"
        )
        print(f"missing {len(missing)}; repeats {sum(repeats.values())} (≤ {kills} allowed), all with the original "
              f"Message-ID; repeats not in the ledger as resent_after_crash: {len(unexplained)}; "
              f"resent_after_crash entries {len(resent)}")  # fmt: skip
        ok = not missing and sum(repeats.values()) <= kills and not unexplained and counts["pending"] == 0
        print("RESULT:", "OK" if ok else "FAILED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
