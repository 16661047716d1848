"""Time reading + validation + de-duplication of a patient list (vigie.campaigns.importing), no storage.

    python bench/generate_patients.py --rows 500000 --output var/patients.csv
    python bench/bench_import_read.py var/patients.csv --runs 3

Prints the median wall time over the runs, rows per second, the report's counts and the peak RSS of the
process (``resource.getrusage``, which is a high-water mark: it includes the largest run). CPU time is
printed too: on a shared 2-core machine the wall time depends on the other processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vigie.campaigns.importing import Importer  # noqa: E402


def once(path: Path, chunk_size: int) -> tuple[float, float, Importer]:
    started, cpu = time.perf_counter(), time.process_time()
    importer = Importer(path, chunk_size=chunk_size)
    for _chunk in importer:
        pass
    return time.perf_counter() - started, time.process_time() - cpu, importer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-size", type=int, default=5000)
    args = parser.parse_args(argv)
    times, cpus = [], []
    importer = None
    for run in range(args.runs):
        elapsed, cpu, importer = once(args.path, args.chunk_size)
        times.append(elapsed)
        cpus.append(cpu)
        print(f"run {run + 1}: {elapsed:.2f} s wall, {cpu:.2f} s CPU; load average {os.getloadavg()[0]:.2f}")
    assert importer is not None
    report = importer.report
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"file: {args.path} ({args.path.stat().st_size / 2**20:.1f} MB, {report.format}, {report.encoding})")
    print(
        f"rows {report.rows}: valid {report.valid}, invalid {report.invalid}, duplicates {report.duplicates}; "
        f"errors {len(report.errors)}, warnings {len(report.warnings)}, amendments {len(report.amendments)}"
    )
    cpu = statistics.median(cpus)
    print(
        f"median {median:.2f} s wall over {args.runs} runs → {report.rows / median:,.0f} rows/s; peak RSS {peak:.0f} MB"
    )
    print(f"median {cpu:.2f} s CPU → {report.rows / cpu:,.0f} rows/s of CPU (what a quiet machine would give)")
    assert report.rows == report.valid + report.invalid + report.duplicates
    return 0


if __name__ == "__main__":
    sys.exit(main())
