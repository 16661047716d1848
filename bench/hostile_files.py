"""The hostile corpus, each file read in a fresh interpreter: outcome, reason and peak memory (a table).

    python bench/hostile_files.py

The same corpus and probe as the suite's ``test_hostile_files.py`` (vigie/campaigns/tests/hostile); the
table is the one in docs/security.md, "Hostile files".
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vigie.campaigns.tests.hostile.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
