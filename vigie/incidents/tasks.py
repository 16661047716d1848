"""Background work of incidents (Django's Tasks API; ``vigie worker`` runs them from the database queue)."""

from __future__ import annotations

from django_tasks import task

from . import uploads


@task()
def split_upload(upload_id: int) -> str:
    """Split the leaked file uploaded from the processor's pages (``uploads.run_split``; idempotent)."""
    return str(uploads.run_split(upload_id).status)
