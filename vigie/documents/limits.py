"""The length limits of the dossier schema, for the forms that fill the dossier.

A form that accepts more than the schema lets a user save a text that no document can then be made from (a
25,000-character narrative against the schema's 20,000). So the forms take their ``max_length`` from here, read
from ``schema/dossier.schema.json`` itself, and cannot drift from it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parent / "schema" / "dossier.schema.json"


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(_schema()["$defs"][ref.removeprefix("#/$defs/")])
    return node


def dossier_max_length(*path: str) -> int:
    """The ``maxLength`` of the dossier's property at ``path`` (``"breach", "description"``; an array's items are
    passed through: ``"obligations", "note"``). ``KeyError`` if the schema has no such property or limit."""
    node = _schema()
    for name in path:
        node = _resolve(node)
        if node.get("type") == "array":
            node = _resolve(node["items"])
        node = node["properties"][name]
    return int(_resolve(node)["maxLength"])
