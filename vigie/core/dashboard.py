"""What the dashboard shows of an organisation's open breaches: each with the next thing due and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Organisation
from vigie.breaches.models import Breach


@dataclass(frozen=True)
class OpenBreach:
    breach: Breach
    deadline: datetime | None
    due: str  # what is due at the deadline, in French

    @property
    def overdue(self) -> bool:
        """The deadline has passed and what was due is still not done."""
        return self.deadline is not None and self.deadline < timezone.now()


def next_deadline(breach: Breach) -> tuple[datetime, str] | None:
    """The earliest deadline among the obligations still to do (the DPO's overruling applied).

    Before the breach is assessed, the 72 hours of the CNIL notification run anyway (GDPR art. 33(1)): they are
    the prudent deadline to show.
    """
    if not breach.assessment:
        deadline = breach.cnil_deadline
        return (deadline, _("Notification to the CNIL, if required")) if deadline else None
    pending = [(row.due, row.title) for row in breach.obligation_rows() if row.is_open and row.due is not None]
    return min(pending, key=lambda pair: pair[0]) if pending else None


def open_breaches(org: Organisation) -> list[OpenBreach]:
    """The organisation's open breaches, the most urgent first (those without a deadline last)."""
    rows = []
    for breach in org.breaches.open().prefetch_related("obligation_states"):
        found = next_deadline(breach)
        rows.append(OpenBreach(breach, *(found or (None, ""))))
    return sorted(rows, key=lambda row: (row.deadline is None, row.deadline or row.breach.became_aware_at))
