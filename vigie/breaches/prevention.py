"""What a breach reads of the organisation's prevention work — its record of processing and its last security
self-assessment — without importing the app that keeps them.

``vigie.compliance`` sits above the breaches (it lists a breach's data categories on the poster, links the
register); so the breaches declare here what they need, and the compliance app plugs its answer in when it
loads (``ComplianceConfig.ready``). Without it, a breach simply has no record to pre-fill from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from vigie.accounts.models import Organisation


@dataclass(frozen=True)
class Activity:
    """A processing activity of the record, as the intake offers it."""

    pk: int
    name: str


class Prevention(Protocol):
    def activities(self, org: Organisation, ids: Iterable[int] | None = None) -> list[Activity]:
        """The organisation's activities in the record's order; only those of ``ids`` when given."""

    def categories(self, org: Organisation, ids: Iterable[int]) -> tuple[list[str], int | None]:
        """The data categories (the core's vocabulary) of those activities, and an estimate of the persons."""

    def last_assessment(self, org: Organisation) -> Any | None:
        """The organisation's latest completed self-assessment, for a link from the breach's decision."""


class _NoPrevention:
    def activities(self, org: Organisation, ids: Iterable[int] | None = None) -> list[Activity]:
        return []

    def categories(self, org: Organisation, ids: Iterable[int]) -> tuple[list[str], int | None]:
        return [], None

    def last_assessment(self, org: Organisation) -> Any | None:
        return None


_source: Prevention = _NoPrevention()


def plug(source: Prevention) -> None:
    """Called once by the app that keeps the record of processing, when Django loads it."""
    global _source  # noqa: PLW0603 - one provider for the process, set at start-up
    _source = source


def prevention() -> Prevention:
    return _source
