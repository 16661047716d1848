"""The record of processing and the self-assessment, as a breach reads them (``vigie.breaches.prevention``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vigie.accounts.models import Organisation
from vigie.breaches.prevention import Activity

from .models import ProcessingActivity
from .services import categories_for_activities, last_assessment


class RecordOfProcessing:
    def activities(self, org: Organisation, ids: Iterable[int] | None = None) -> list[Activity]:
        rows = ProcessingActivity.objects.for_org(org).order_by("position", "pk")
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        return [Activity(pk=row.pk, name=row.name) for row in rows]

    def categories(self, org: Organisation, ids: Iterable[int]) -> tuple[list[str], int | None]:
        return categories_for_activities(org, ids)

    def last_assessment(self, org: Organisation) -> Any | None:
        return last_assessment(org)
