# ruff: noqa: S603, S607  (benchmarks start the project's own commands and psql)
"""Import benchmark: read + validate + de-duplicate + encrypt + store a patient list, end to end.

    python bench/generate_patients.py --rows 500000 --output var/patients.csv
    python bench/bench_import_store.py var/patients.csv [--database postgres://…/vigie_import] [--runs 3]

Runs ``vigie campaign import BREACH FILE --json`` in a fresh database each run and reports the median wall
time and the peak RSS of the import process (targets: ≤ 60 s and ≤ 1.5 GB on 2 cores, SQLite and PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_dispatch import ROOT, VIGIE, database_env, machine, make_breach


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--database", help="PostgreSQL URL of a throw-away database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"Machine: {machine()}; {args.file} ({args.file.stat().st_size / 1e6:.0f} MB); {args.database or 'SQLite'}")
    times, peaks = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="vigie-bench-import-") as tmp:
            env = database_env(args.database, Path(tmp))
            breach = make_breach(env)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.monotonic()
            result = subprocess.run([VIGIE, "campaign", "import", str(breach), str(args.file), "--json"], env=env,
                                    cwd=ROOT, check=True, capture_output=True, text=True)  # fmt: skip
            elapsed = time.monotonic() - started
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            data = json.loads(result.stdout)
            # ru_maxrss of children is the largest child so far: meaningful when this run's import is the largest.
            peaks.append(max(peak, before) / 1024)
            times.append(elapsed)
            print(f"run {run + 1}: {elapsed:.1f} s, peak RSS ≤ {peaks[-1]:.0f} MB; rows {data['rows']}, valid "
                  f"{data['valid']}, invalid {data['invalid']}, duplicates {data['duplicates']}")  # fmt: skip
    print(f"Median {statistics.median(times):.1f} s (target ≤ 60 s); peak RSS {max(peaks):.0f} MB (target ≤ 1,536 MB)")
    print(f"Machine after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
