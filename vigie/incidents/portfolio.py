"""The portfolio of a member of several organisations (a DPO firm, a group): every open obligation of every one
of them, the most urgent first, each with its deadline and a link to its breach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach, ObligationState


@dataclass(frozen=True)
class OpenObligation:
    organisation: Organisation
    breach: Breach
    obligation: str  # the core's stable id, or "" for the prudent CNIL deadline of a breach not yet assessed
    title: str
    due: datetime | None

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and now > self.due


def open_obligations(user: User, *, now: datetime | None = None) -> list[OpenObligation]:
    """Every open obligation of every open breach of the user's organisations, sorted by deadline (those without
    one last). A breach not yet assessed shows the 72 hours of the CNIL notification: they run anyway."""
    now = now or timezone.now()
    orgs = Organisation.objects.filter(memberships__user=user)
    breaches = (
        Breach.objects.open()
        .filter(organisation__in=orgs)
        .select_related("organisation")
        .prefetch_related(Prefetch("obligation_states", queryset=ObligationState.objects.all()))
    )
    rows: list[OpenObligation] = []
    for breach in breaches:
        if not breach.assessment:
            rows.append(OpenObligation(breach.organisation, breach, "", _("Notification to the CNIL, if required"),
                                       breach.cnil_deadline))  # fmt: skip
            continue
        for row in breach.obligation_rows():
            if row.is_open:
                rows.append(OpenObligation(breach.organisation, breach, row.id, row.title, row.due))
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(rows, key=lambda row: (row.due is None, row.due or far, row.organisation.name, row.breach.pk))
