"""Tasks that belong to no particular app."""

from __future__ import annotations

from django_tasks import task


@task()
def ping() -> str:
    """Answer "pong": shows that a worker is picking up tasks (``vigie worker``), and nothing else."""
    return "pong"
