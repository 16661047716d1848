"""Background work of campaigns (Django's Tasks API; ``vigie worker`` runs them from the database queue).

One task per sender, not per person: the database queue runs a few hundred tasks per second, so each
``dispatch_campaign`` claims chunks of recipients until none is left, and per-person state lives in Vigie's
own table. Every task is idempotent: run twice, or after a crash, it picks up exactly what is left.
"""

from __future__ import annotations

from django_tasks import task

from . import dispatch, letters, services
from .models import Campaign


@task()
def import_campaign(campaign_id: int) -> int:
    """Read, validate and store an uploaded list (restarts from scratch if interrupted)."""
    campaign = Campaign.objects.get(pk=campaign_id)
    report = services.run_import(campaign)
    return int(report.valid)


@task()
def dispatch_campaign(campaign_id: int) -> int:
    """One sender: claims chunks of e-mails (and SMS) and sends them over one connection until none is left."""
    stats = dispatch.dispatch(campaign_id)
    services.after_dispatch(campaign_id)
    return stats.sent


@task()
def render_campaign_letters(campaign_id: int) -> int:
    """Render letter batches (1,000 letters per PDF) until no letter is left to produce."""
    done = letters.render_letters(campaign_id)
    services.finish_if_complete(campaign_id)
    return done


@task()
def purge_due_campaigns() -> int:
    """Purge the persons' data of campaigns past their retention."""
    return services.purge_due()
