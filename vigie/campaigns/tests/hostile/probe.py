"""Read one hostile file in this interpreter and print, as JSON, what happened and the peak memory.

    python -m vigie.campaigns.tests.hostile.probe READER PATH

The peak is the resident set's high-water mark of the whole process (``ru_maxrss``): Python, Django, the
readers and calamine's Rust allocations, which ``tracemalloc`` would not see.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def read(reader: str, path: Path) -> dict[str, object]:
    from django.core.exceptions import ValidationError

    from vigie.campaigns.importing import Importer, ImportError_

    try:
        if reader in ("import", "leak"):
            importer = Importer(path)
            cells = reader == "leak"  # a leaked file is read cell by cell, a patient list validated
            rows = sum(1 for _ in importer.cells()) if cells else sum(len(chunk) for chunk in importer)
            return {"outcome": "read", "rows": rows, "errors": [e.reason for e in importer.report.errors[:3]]}
        if reader == "hds":
            from vigie.compliance import hds

            return {"outcome": "read", "rows": len(hds.parse_hosts(path.read_bytes(), path.name))}
        if reader == "logo":
            from vigie.documents.services import clean_logo

            clean_logo(path.read_bytes())
            return {"outcome": "read"}
    except ImportError_ as error:
        return {"outcome": "refused", "reason": str(error)}
    except ValidationError as error:
        return {"outcome": "refused", "reason": " ".join(error.messages)}
    except Exception as error:  # noqa: BLE001 - the hds reader's own error, or a crash worth reporting
        return {"outcome": "refused" if type(error).__name__ == "HdsFileError" else "crashed", "reason": str(error)}
    raise SystemExit(f"unknown reader {reader}")


def main() -> None:
    reader, path = sys.argv[1], Path(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    os.environ.setdefault("VIGIE_ENV", "test")
    import django

    django.setup()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    result = read(reader, path)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["baseline_mb"] = round(baseline, 1)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
