"""The OpenAPI 3.1 schema: committed, identical to the code's, served; the documentation page under the CSP."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from vigie.api.management.commands.api import SCHEMA_PATH, schema_text


def test_the_committed_schema_is_the_codes() -> None:
    # A change of the API changes the schema: run « vigie api schema --write » and commit docs/api/openapi.json.
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()


def test_the_check_command_fails_on_a_difference(tmp_path, monkeypatch) -> None:
    from vigie.api.management.commands import api as command

    stale = tmp_path / "openapi.json"
    stale.write_text(schema_text().replace('"title": "Vigie"', '"title": "Old"'), encoding="utf-8")
    monkeypatch.setattr(command, "SCHEMA_PATH", stale)
    with pytest.raises(CommandError, match="diffère du code"):
        call_command("api", "schema", "--check")
    call_command("api", "schema", "--write", stdout=StringIO())
    call_command("api", "schema", "--check", stdout=StringIO())


def test_the_schema_is_openapi_3_1_and_served(client: Client) -> None:
    served = client.get("/api/v1/schema/")
    assert served.status_code == 200
    schema = served.json()
    assert schema == json.loads(schema_text())
    assert schema["openapi"] == "3.1.0"
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert all(op.get("security") == [{"TokenAuth": []}] for op in operations)
    not_found = schema["paths"]["/api/v1/breaches/{breach_id}/"]["get"]["responses"]["404"]["content"]
    assert list(not_found) == ["application/problem+json"]
    for resource in ("/api/v1/breaches/", "/api/v1/obligations/", "/api/v1/register/",
                     "/api/v1/breaches/{breach_id}/documents/{kind}/", "/api/v1/campaigns/{campaign_id}/persons/",
                     "/api/v1/campaigns/{campaign_id}/ledger/", "/api/v1/breaches/{breach_id}/campaigns/"):  # fmt: skip
        assert resource in schema["paths"]


def test_the_documentation_page_needs_no_inline_script_and_nothing_from_elsewhere(client: Client) -> None:
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/static/' in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    for asset in ("/static/ninja/swagger-ui-bundle.js", "/static/api/docs.js", "/static/ninja/swagger-ui.css"):
        assert asset in html
