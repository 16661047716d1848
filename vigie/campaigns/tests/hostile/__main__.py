"""Make the corpus in a temporary folder, read each file in a fresh interpreter, print a Markdown table.

.venv/bin/python -m vigie.campaigns.tests.hostile        # the figures of docs/security.md
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .corpus import CORPUS


def probe(reader: str, path: Path) -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "vigie.campaigns.tests.hostile.probe", reader, str(path)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    if done.returncode:
        return {"outcome": f"died ({done.returncode})", "reason": done.stderr[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    print("| file | size | reader | outcome | reason | peak RSS | time |")
    print("|---|---:|---|---|---|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for hostile in CORPUS:
            path = Path(folder) / hostile.name
            hostile.make(path)
            size = path.stat().st_size
            result = probe(hostile.reader, path)
            path.unlink()
            reason = str(result.get("reason") or f"{result.get('rows')} rows read").replace("|", "/")
            print(
                f"| `{hostile.name}` ({hostile.what}) | {size / 2**20:,.1f} MB | {hostile.reader} | {result['outcome']} "
                f"| {reason} | {result.get('peak_mb')} MB | {result.get('seconds')} s |",
                flush=True,
            )


if __name__ == "__main__":
    main()
