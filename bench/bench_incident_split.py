# ruff: noqa: S603, S607  (benchmarks start the project's own commands)
"""Incident benchmark: one leaked file of 500,000 rows split by a key column into 30 controllers' campaigns.

    python bench/generate_patients.py --rows 500000 --output var/patients.csv
    python bench/bench_incident_split.py var/patients.csv [--controllers 30] [--database postgres://…] [--runs 1]

The patient list gets a first column « Code labo » (LAB01…LAB30, and one row in 500 with a code of no
controller); then, in a fresh database, ``vigie incident create`` declares the incident to 30 labs and
``vigie incident import INCIDENT FILE --key "Code labo" --json`` is timed: read once, split, each lab's rows
validated, de-duplicated, encrypted and stored in its campaign (target: ≤ 60 s on 2 cores). Prints the median
wall time and the peak RSS of the import process.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_dispatch import PYTHON, ROOT, VIGIE, database_env, machine

SETUP_CODE = r"""
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from vigie.accounts.models import Organisation
vendor = Organisation.objects.create(name="Éditeur du logiciel", kind="other")
labs = [Organisation.objects.create(name=f"Laboratoire {n:02d}", kind="laboratoire", dpo_email=f"dpo@lab{n}.example")
        for n in range(1, int(sys.argv[1]) + 1)]
print(vendor.pk, *[lab.pk for lab in labs])
"""

FACTS = {
    "breach_types": ["confidentiality"],
    "origin": "hacking",
    "data_categories": ["identity", "health"],
    "person_categories": ["patients"],
    "persons_count": 500000,
    "exfiltration": "confirmed",
}


def with_key_column(source: Path, target: Path, controllers: int) -> int:
    """The list with « Code labo » first: rows spread over the labs, one in 500 of no lab. Returns the rows."""
    rows = 0
    with source.open(encoding="cp1252", newline="") as inp, target.open("w", encoding="cp1252", newline="") as out:
        reader = csv.reader(inp, delimiter=";")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Code labo", *next(reader)])
        for row in reader:
            rows += 1
            code = "LAB99" if rows % 500 == 0 else f"LAB{(rows * 7919) % controllers + 1:02d}"
            writer.writerow([code, *row])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("file", type=Path, help="a list from bench/generate_patients.py (cp1252, ';')")
    parser.add_argument("--controllers", type=int, default=30)
    parser.add_argument("--database", help="PostgreSQL URL of a throw-away database (default: SQLite)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="run the import under cProfile, its statistics written here")
    args = parser.parse_args()
    print(f"Machine: {machine()}; {args.file}; {args.controllers} controllers; {args.database or 'SQLite'}")
    times, peaks, cpus = [], [], []
    with tempfile.TemporaryDirectory(prefix="vigie-split-file-") as keep:
        leaked = Path(keep) / "fuite.csv"
        rows = with_key_column(args.file, leaked, args.controllers)
        print(f"{rows} rows, {leaked.stat().st_size / 1e6:.0f} MB with the key column")
        for run in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="vigie-split-") as tmp:
                env = database_env(args.database, Path(tmp))
                env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
                out = subprocess.run([PYTHON, "-c", SETUP_CODE, str(args.controllers)], env=env, cwd=ROOT, check=True,
                                     capture_output=True, text=True)  # fmt: skip
                vendor, *labs = out.stdout.split()
                facts = Path(tmp) / "facts.json"
                facts.write_text(json.dumps(FACTS))
                command = [
                    VIGIE,
                    "incident",
                    "create",
                    "--processor",
                    vendor,
                    "--facts",
                    str(facts),
                    "--title",
                    "Faille",
                ]
                for number, lab in enumerate(labs, start=1):
                    command += ["--controller", f"{lab}:LAB{number:02d}"]
                created = json.loads(subprocess.run([*command, "--json"], env=env, cwd=ROOT, check=True,
                                                    capture_output=True, text=True).stdout)  # fmt: skip
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
                started = time.monotonic()
                profiled = [PYTHON, "-m", "cProfile", "-o", str(args.profile), VIGIE] if args.profile else [VIGIE]
                result = subprocess.run(
                    [*profiled, "incident", "import", str(created["incident"]), str(leaked), "--key", "Code labo", "--json"],
                    env=env, cwd=ROOT, check=True, capture_output=True, text=True,
                )  # fmt: skip
                elapsed = time.monotonic() - started
                usage = resource.getrusage(resource.RUSAGE_CHILDREN)
                peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
                cpus.append(cpu)
                data = json.loads(result.stdout)
                peaks.append(max(peak, before) / 1024)
                times.append(elapsed)
                print(f"run {run + 1}: {elapsed:.1f} s (CPU {cpu:.1f} s), peak RSS ≤ {peaks[-1]:.0f} MB; assigned "
                      f"{sum(data['assigned'].values())} to {len(data['campaigns'])} campaigns, stored "
                      f"{sum(data['stored'].values())}, unassigned {data['unassigned']}, errors {len(data['errors'])}")  # fmt: skip
    print(f"Median {statistics.median(times):.1f} s (target ≤ 60 s), CPU {statistics.median(cpus):.1f} s; "
          f"peak RSS {max(peaks):.0f} MB")  # fmt: skip
    print(f"Machine after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
