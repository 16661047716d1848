"""Marking an obligation done or not done; what the decision still requires."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Role, User
from vigie.audit.services import record

from .. import journal as j
from ..models import Breach, EventKind, ObligationRow, ObligationState
from .assessment import _require_role
from .events import _event
from .reminders import schedule_reminders

# --- Obligations ----------------------------------------------------------------------------------------------


def _row(breach: Breach, obligation_id: str) -> ObligationRow:
    row = breach.obligation(obligation_id)
    if row is None:
        raise ValidationError(_("Unknown obligation."))
    return row


def mark_obligation_done(
    breach: Breach,
    obligation_id: str,
    *,
    by: User,
    done_at: datetime,
    reference: str = "",
    note: str = "",
    delay_reasons: str = "",
) -> ObligationState:
    """Record that an obligation was done: when, by whom, its reference (e.g. the CNIL receipt number).

    A CNIL notification made after the 72 hours must give the reasons for the delay (GDPR art. 33(1)).
    """
    _require_role(breach, by, Role.DPO)
    row = _row(breach, obligation_id)
    if done_at > timezone.now():
        raise ValidationError({"done_at": _("This moment is in the future.")})
    deadline = breach.cnil_deadline
    late = obligation_id == "notify_cnil" and deadline is not None and done_at > deadline
    if late and not delay_reasons.strip():
        raise ValidationError(
            {
                "delay_reasons": _(
                    "The notification comes more than 72 hours after you became aware: give the reasons for the delay."
                )
            }
        )
    with transaction.atomic():
        state, _created = ObligationState.objects.select_for_update().get_or_create(
            breach=breach, obligation=obligation_id
        )
        state.done_at, state.done_by = done_at, by
        state.reference, state.note, state.delay_reasons = reference.strip(), note.strip(), delay_reasons.strip()
        state.save()
        summary = j.pieces(
            j.say(
                gettext_noop("“%(title)s” done on %(moment)s."), title=j.obligation(row.id), moment=j.moment(done_at)
            ),
            j.say(gettext_noop("Reference: %(ref)s."), ref=state.reference) if state.reference else None,
            j.say(gettext_noop("Reasons for the delay: %(why)s"), why=state.delay_reasons) if late else None,
        )
        _event(
            breach,
            EventKind.OBLIGATION_DONE,
            summary,
            by=by,
            data={"obligation": obligation_id, "done_at": done_at.isoformat(), "reference": state.reference},
        )
        record("breach.obligation_done", actor=by, organisation=breach.organisation, obj=breach,
               detail={"obligation": obligation_id})  # fmt: skip
    return state


def reopen_obligation(breach: Breach, obligation_id: str, *, by: User, reason: str = "") -> ObligationState:
    """Undo "done" on an obligation (a mistake, a rejected notification); the journal keeps both entries."""
    _require_role(breach, by, Role.DPO)
    row = _row(breach, obligation_id)
    with transaction.atomic():
        state, _created = ObligationState.objects.select_for_update().get_or_create(
            breach=breach, obligation=obligation_id
        )
        state.done_at = state.done_by = None
        state.reference = state.note = state.delay_reasons = ""
        state.save()
        summary = j.pieces(
            j.say(gettext_noop("“%(title)s” marked as not done."), title=j.obligation(row.id)),
            j.typed(reason.strip()) if reason.strip() else None,
        )
        _event(breach, EventKind.OBLIGATION_REOPENED, summary, by=by, data={"obligation": obligation_id})
        record("breach.obligation_reopened", actor=by, organisation=breach.organisation, obj=breach,
               detail={"obligation": obligation_id})  # fmt: skip
        schedule_reminders(breach)
    return state


# Entering the breach in the register (art. 33(5)) is what Vigie's register does for every breach, closed or not.
_KEPT_BY_VIGIE = {"register"}


def open_required(breach: Breach) -> list[ObligationRow]:
    """The obligations that the decision as it stands requires and that are not done yet."""
    return [
        row
        for row in breach.obligation_rows()
        if row.status == "required" and not row.done and row.id not in _KEPT_BY_VIGIE
    ]
