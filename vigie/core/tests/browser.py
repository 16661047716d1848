"""Browser-test helpers: screenshots of each step go to ``docs/screenshots/``.

The ``browser`` and ``page`` fixtures (Playwright driving Debian's Chromium, no browser download, against
pytest-django's live server) are in ``vigie/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, email: str, password: str, device, *, org_id: int, screenshots: str = "") -> None:
    """Sign in as a person would: e-mail and password, then the current code of the authenticator app.

    With ``screenshots`` (a name prefix), each of the two steps is saved for the README.
    """
    import re

    from django_otp.oath import totp

    page.goto(f"{base}/connexion/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    if screenshots:
        shoot(page, f"{screenshots}1-sign-in")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/connexion/second-facteur/"))
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    if screenshots:
        shoot(page, f"{screenshots}2-second-factor")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(rf"/organisations/{org_id}/"))
