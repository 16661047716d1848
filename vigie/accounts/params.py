"""Reading numbers from query strings and forms without a crash.

``str.isdigit()`` is true for « ² » or « ٣ », which ``int()`` then refuses or reads as another number, and a string
of 5,000 digits passes it too, then overflows the database's integer: each was an HTTP 500. A number from a request
is plain ASCII digits, of a size the database holds, or it is not a number.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest integer SQLite and PostgreSQL's bigint hold


def int_or_none(value: str | None, *, maximum: int = MAX_ID) -> int | None:
    """``value`` as a non-negative integer, or ``None`` if it is anything else (empty, « ² », « -1 », too large)."""
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= maximum else None


def ints(values: list[str], *, maximum: int = MAX_ID) -> list[int]:
    """The values of a repeated parameter that are numbers (see :func:`int_or_none`); the others are ignored."""
    return [number for value in values if (number := int_or_none(value, maximum=maximum)) is not None]
