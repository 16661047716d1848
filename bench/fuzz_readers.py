"""The readers' property tests at length: the suite runs 25 examples of each, this runs thousands.

    python bench/fuzz_readers.py                 # 2,000 examples per property (a few minutes)
    python bench/fuzz_readers.py --examples 20000

Runs ``vigie/campaigns/tests/test_fuzz_readers.py`` (the importer on any bytes, CSV, XLSX and FHIR; the facts
reader; the dossier reader) with ``VIGIE_FUZZ_EXAMPLES``; a failure prints the shrunk example that breaks a
reader. Prints the examples run and the time taken, for docs/security.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own test file
        [sys.executable, "-m", "pytest", "vigie/campaigns/tests/test_fuzz_readers.py", "-q", "-p", "no:randomly",
         "--hypothesis-show-statistics"],
        cwd=ROOT, env={**os.environ, "VIGIE_FUZZ_EXAMPLES": str(args.examples)}, check=False,
    )  # fmt: skip
    print(f"{args.examples} examples per property, {time.perf_counter() - started:.0f} s, exit {done.returncode}")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
