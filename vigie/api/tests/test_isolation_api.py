"""Tenant isolation of the API, on every operation — including operations added after this test was written.

The API has no organisation in its paths: the token names it. So a token of organisation A calls every operation
of the schema with organisation B's object ids, with a valid body (so that the lookup, not the validation, is
what refuses), and must get 403 or 404, with nothing of B in any answer; the operations without an object id
must show nothing of B either. The schema's operations and the URL patterns are checked to be the same set, so
a route cannot escape the schema, and every operation must have a body below when it takes one.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from vigie.accounts.models import Role
from vigie.accounts.tests.test_isolation import B_MARKER, B_PK, two_tenants  # noqa: F401 (the fixture)
from vigie.api.models import Scope
from vigie.api.tokens import create_token
from vigie.api.v1 import api

from .conftest import patients_csv

B_IDS = {"breach_id": B_PK + 1, "campaign_id": B_PK + 60}
NUMBERS = {"number": 1}  # a letter batch's number within its campaign (B's campaign has batch 1)
STRINGS = {"obligation_id": "notify_cnil", "kind": "letter"}
NOT_OPERATIONS = {"docs", "openapi-json", "not_found", "api-root"}  # api-root: shadowed by the index

# A valid body for each operation that takes one (by operation id): the refusal must come from the lookup.
BODIES: dict[str, Any] = {
    "vigie_api_v1_breaches_create_breach": {"title": "x", "became_aware_at": "2025-01-01T10:00:00+01:00"},
    "vigie_api_v1_breaches_update_breach": {"persons_count": 1},
    "vigie_api_v1_breaches_prefill": {"activity_ids": [B_PK + 81]},
    "vigie_api_v1_breaches_overrule": {
        "notify_authority": True,
        "notify_data_subjects": True,
        "justification": "Une justification assez longue.",
    },  # fmt: skip
    "vigie_api_v1_breaches_obligation_done": {"done_at": "2025-01-02T10:00:00+01:00", "reference": "R"},
    "vigie_api_v1_breaches_obligation_reopen": {"reason": ""},
    "vigie_api_v1_breaches_add_note": {"text": "Note"},
    "vigie_api_v1_breaches_close": {"note": ""},
    "vigie_api_v1_breaches_reopen": {"note": ""},
    "vigie_api_v1_documents_save_template": {"body": "Madame, Monsieur,"},
    "vigie_api_v1_campaigns_upload": "multipart",
    "vigie_api_v1_documents_save_logo": "multipart",
    "vigie_api_v1_campaigns_start_import": {},
    "vigie_api_v1_campaigns_rules": {"order": ["letter"], "rate": 0},
    "vigie_api_v1_campaigns_start": None,
    "vigie_api_v1_campaigns_pause": None,
    "vigie_api_v1_campaigns_resume": None,
    "vigie_api_v1_campaigns_purge": None,
}


def _schema_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def _url_names() -> set[str]:
    (resolver,) = [entry for entry in get_resolver().url_patterns if getattr(entry, "namespace", None) == "api-v1"]
    return {entry.name for entry in resolver.url_patterns if isinstance(entry, URLPattern)} - NOT_OPERATIONS


def _call(client: Client, method: str, url: str, operation_id: str, raw: str) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    body = BODIES.get(operation_id)
    if method == "get":
        return client.get(url, **headers)
    if body == "multipart":
        return client.post(url, {"file": SimpleUploadedFile("liste.csv", patients_csv(2))}, **headers)
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def test_every_route_is_an_operation_of_the_schema() -> None:
    names = _url_names()
    assert len(names) >= 20
    assert len({(path, method) for path, method, _op in _schema_operations()}) >= len(names)
    operation_paths = {re.sub(r"\{(\w+)\}", r"<\1>", path) for path, _method, _op in _schema_operations()}
    (resolver,) = [entry for entry in get_resolver().url_patterns if getattr(entry, "namespace", None) == "api-v1"]
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern) and entry.name not in NOT_OPERATIONS:
            route = "/api/v1/" + re.sub(r"<\w+:(\w+)>", r"<\1>", str(entry.pattern))
            assert route in operation_paths, f"{route} is served but not in the schema"


def test_every_operation_with_another_tenants_ids_is_refused_and_shows_nothing_of_it(two_tenants) -> None:  # noqa: F811
    org_a, user_a, org_b = two_tenants
    _token, raw = create_token(org_a, user=user_a, by=None, name="A", scope=Scope.WRITE, expires_at=None)
    client = Client()
    failures: list[str] = []
    tried = 0
    for path, method, operation in _schema_operations():
        operation_id = operation["operationId"]
        has_body = "requestBody" in operation
        assert not has_body or operation_id in BODIES, f"give {operation_id} a valid body in BODIES"
        params = re.findall(r"\{(\w+)\}", path)
        url = path
        for name in params:
            url = url.replace("{" + name + "}", str(B_IDS.get(name, NUMBERS.get(name, STRINGS.get(name)))))
        answer = _call(client, method, url, operation_id, raw)
        body = b"" if getattr(answer, "streaming", False) else answer.content
        tried += 1
        if any(name in B_IDS for name in params) and answer.status_code not in (403, 404):
            failures.append(f"{method.upper()} {url} → {answer.status_code}")
        if B_MARKER.lower().encode() in body.lower():
            failures.append(f"{method.upper()} {url} shows data of organisation B")
    assert tried == len(_schema_operations()) >= 30
    assert not failures, "Organisation B reachable with A's token:\n" + "\n".join(failures)
    # A's token never wrote anything into B.
    assert not org_b.breaches.exclude(pk__gte=B_PK).exists()
    assert org_b.breaches.get(pk=B_PK + 1).events.count() == 1


def test_a_token_of_a_reader_sees_its_own_organisation_only(two_tenants) -> None:  # noqa: F811
    org_a, user_a, org_b = two_tenants
    _token, raw = create_token(org_a, user=user_a, by=None, name="A", scope=Scope.READ,
                               expires_at=timezone.now() + timedelta(days=1))  # fmt: skip
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = Client().get("/api/v1/breaches/", **headers).json()["items"]
    assert listed and {item["id"] for item in listed}.isdisjoint({B_PK + 1})
    assert Role.OWNER  # the member of A is an owner: the refusals above are not a matter of role
