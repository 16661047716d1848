"""The interactive documentation in a real browser, under the strict Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_without_a_csp_violation(page) -> None:
    page.goto(page.base_url + "/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/breaches/" in [path.replace("\u200b", "") for path in paths]
    assert page.locator(".info .title").inner_text().startswith("Vigie")
    page.screenshot(path="docs/screenshots/api-docs.png")
    assert page.console_errors == []  # a script or style refused by the CSP would be reported here
