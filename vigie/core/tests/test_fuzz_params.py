"""No query parameter makes any page answer HTTP 500: every organisation URL, and every page without parameters,
is requested with hostile values in every parameter the views read (« ² » passed ``isdigit()`` and crashed
``int()``). The figures of a run are in docs/security.md."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from vigie.accounts.models import Role
from vigie.accounts.tests.test_isolation import ROUTE_GROUPS, _fill, _group, _org_pks, _populate, _walk

PACKAGE = Path(__file__).resolve().parents[2]  # vigie/
HOSTILE = [
    "²", "٣", "-1", "0", "9" * 30, "9" * 5000, "1e9", "1.5", "nan", "", " ", "\x00", "'\"<script>", "%",
    "../../etc/passwd", "🙂", "a" * 10_000, "[]", "{}", "true",
]  # fmt: skip
# The names the views read, found in the source (so that a parameter added later is fuzzed too), and the
# register's filters, read through a form.
EXTRA_NAMES = {"q", "year", "origin", "status", "notified", "late", "page", "format", "fmt"}


def parameter_names() -> set[str]:
    found = set(EXTRA_NAMES)
    pattern = re.compile(r"""(?:GET|params|filters|query)\.get(?:list)?\(\s*["']([A-Za-z_]+)["']""")
    for source in PACKAGE.rglob("*.py"):
        if "tests" not in source.parts:
            found.update(pattern.findall(source.read_text(encoding="utf-8")))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("group", ROUTE_GROUPS)  # by URL namespace, so that the parallel workers share the walk
def test_no_query_parameter_makes_a_page_fail(client: Client, make_org, make_member, signed_in, group: str) -> None:
    org = make_org("Cabinet Alpha")
    user = make_member(org, Role.OWNER)
    _populate(org, pk_base=None, marker="Alpha", user=user)
    client.raise_request_exception = False  # a 500 is counted, not raised, so that one run lists them all
    signed_in(client, user)
    pks = sorted(_org_pks(org) | {org.pk})
    names = sorted(parameter_names())
    assert {"partie", "onglet", "paire", "version", "activite", "page", "q"} <= set(names)

    # Each route with the ids that make it answer, found by trying its own organisation's ids.
    targets: list[str] = []
    for route in _walk(get_resolver().url_patterns):
        if _group(route) != group:
            continue
        if "org_id" not in route.converters:
            if not route.converters and "logout" not in route.name:
                targets.append(_fill(route.regex, {}))
            continue
        params = [key for key in route.converters if key != "org_id"]
        pools = [pks if route.converters[key] == "int" else ["csv", "pdf", "letter", "notify_cnil"] for key in params]
        chosen = None
        for combo in itertools.islice(itertools.product(*pools), 60):
            url = _fill(route.regex, {"org_id": org.pk, **dict(zip(params, combo, strict=True))})
            if client.get(url).status_code == 200:
                chosen = url
                break
        targets.append(chosen or _fill(route.regex, {"org_id": org.pk, **dict.fromkeys(params, pks[0])}))

    failures: list[str] = []
    tried = 0
    for url in targets:
        queries = [{name: value for name in names} for value in HOSTILE]  # every parameter at once
        queries += [{name: "²"} for name in names]  # each alone, with the value that crashed``int()``
        for query in queries:
            response = client.get(url, query)
            tried += 1
            if response.status_code >= 500:
                failures.append(
                    f"GET {url}?{sorted(query)[:3]}={next(iter(query.values()))[:12]!r} → {response.status_code}"
                )
    sys.stdout.write(
        f"\n{group}: fuzzed {len(targets)} URLs × {len(names)} parameters: {tried} requests, {len(failures)} 5xx\n"
    )
    assert not failures, "\n".join(failures[:50])
