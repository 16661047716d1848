"""Background work of leak matchings (Django's Tasks API; ``vigie worker`` runs it from the database queue)."""

from __future__ import annotations

from django_tasks import task

from . import services
from .models import LeakMatching


@task()
def match_leak(matching_id: int) -> int:
    """Read both files, match, store the pairs (starts again from scratch if interrupted)."""
    matching = LeakMatching.objects.select_related("breach__organisation", "source_campaign").get(pk=matching_id)
    counts = services.run_matching(matching)
    return int(counts["match"])
