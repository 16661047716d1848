"""The workers anchor the access log's head outside the database every ``VIGIE_AUDIT_CHECKPOINT_SECONDS``.

Each run writes one checkpoint (when the chain checks out) and enqueues the next, unless one already waits, so that
the workers that start together keep a single chain of runs.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .services import write_checkpoint

log = logging.getLogger(__name__)


def _waiting() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY", task_path=f"{__name__}.audit_checkpoint").count()


@task()
def audit_checkpoint() -> int:
    """Write a checkpoint of the chain; return its length (0 when the chain did not check out)."""
    checkpoint, problems = write_checkpoint()
    if problems:
        # No personal data here: the problems name entry numbers only.
        log.error("Access log NOT anchored, it does not check out: %s", "; ".join(problems[:10]))
    if audit_checkpoint.get_backend().supports_defer and not _waiting():
        run_after = timezone.now() + timedelta(seconds=settings.VIGIE_AUDIT_CHECKPOINT_SECONDS)
        audit_checkpoint.using(run_after=run_after).enqueue()
    return checkpoint.length if checkpoint is not None else 0


def ensure_checkpointing() -> bool:
    """Start the chain of checkpoints if none waits (``vigie worker`` calls it as it starts)."""
    if not audit_checkpoint.get_backend().supports_defer or _waiting():
        return False
    audit_checkpoint.enqueue()
    return True
