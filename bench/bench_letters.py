# ruff: noqa: S603, S607  (benchmarks start the project's own commands and psql)
"""Letters benchmark: render a campaign's letters (1,000 per PDF, typst) with 2 worker processes.

    python bench/bench_letters.py --persons 500000 [--database postgres://…/vigie_letters]

Every person has an address and no e-mail, so every one gets a letter. Prints letters per second (first to
last batch recorded), the projected time for 500,000 letters (target ≤ 15 min on 2 cores) and the peak RSS
of the workers.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_dispatch import PYTHON, ROOT, VIGIE, database_env, machine, prepare_campaign, status, vigie

SPAN = r"""
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from django.db.models import Max, Min, Sum
from vigie.campaigns.models import LetterBatch
span = LetterBatch.objects.filter(campaign_id={campaign}).aggregate(a=Min("created_at"), b=Max("rendered_at"), n=Sum("size"))
print((span["b"] - span["a"]).total_seconds(), span["n"])
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="PostgreSQL URL of a throw-away database (default: SQLite)")
    args = parser.parse_args()
    print(f"Machine: {machine()}; {args.persons} letters, {args.workers} workers; {args.database or 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="vigie-letters-") as tmp:
        folder = Path(tmp)
        env = database_env(args.database, folder)
        campaign = prepare_campaign(env, folder, args.persons, email=False)
        env["VIGIE_CAMPAIGN_SENDERS"] = str(args.workers)
        started = time.monotonic()
        vigie(env, "campaign", "start", str(campaign))
        workers = [
            subprocess.Popen(
                [VIGIE, "worker", "--until-idle", "--interval", "0.2"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for _ in range(args.workers)
        ]
        for worker in workers:
            worker.wait()
        wall = time.monotonic() - started
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out = subprocess.run([PYTHON, "-c", SPAN.replace("{campaign}", str(campaign))], env=env, check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout.split()  # fmt: skip
        span, letters = float(out[0]), int(out[1])
        counts = status(env, campaign)
        rate = letters / span
        print(f"{letters} letters in {span:.0f} s ({wall:.0f} s wall): {rate:.0f} letters/s; "
              f"500,000 letters ≈ {500_000 / rate / 60:.1f} min (target ≤ 15); peak RSS of a worker {rss:.0f} MB")  # fmt: skip
        print(f"status: {counts}; files: {sum(1 for _ in (folder / 'media').rglob('*.pdf.enc'))} PDFs")
        print(f"Machine after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
