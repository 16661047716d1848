"""Browser-test helpers: screenshots of each step go to ``docs/screenshots/``.

The ``browser`` and ``page`` fixtures (Playwright driving Debian's Chromium, no browser download, against
pytest-django's live server) are in ``vigie/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
