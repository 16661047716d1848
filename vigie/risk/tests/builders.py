"""A small factory for breach-facts dicts: a plausible base, deep-merged with what a test cares about."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "became_aware_at": "2025-01-13T08:40:00+01:00",
    "controller": {"kind": "cabinet_medical"},
    "nature": {"types": ["confidentiality"], "origin": "hacking", "malicious": True},
    "data": {"categories": ["identity", "health"], "protection": "none", "identifiability": "direct"},
    "persons": {"count": 1200, "categories": ["patients"]},
}


def facts_dict(**parts: Any) -> dict[str, Any]:
    """``BASE`` with each keyword (a top-level key) replacing or deep-merging its part; ``None`` removes it."""
    out = copy.deepcopy(BASE)
    for key, value in parts.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
