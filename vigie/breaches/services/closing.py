"""Closing and reopening a breach; notes and the documents generated, in its journal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import User
from vigie.audit.services import record

from .. import journal as j
from ..models import MIN_JUSTIFICATION, Breach, EventKind, Status, TimelineEvent
from .events import _event, _french
from .obligations import open_required
from .reminders import schedule_reminders

# --- Journal, closing, documents ------------------------------------------------------------------------------


def add_note(breach: Breach, *, by: User, text: str) -> TimelineEvent:
    """Add a free note to the breach's journal."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note before adding it.")})
    with transaction.atomic():
        event = _event(breach, EventKind.NOTE, j.typed(text), by=by)
        record("breach.note_added", actor=by, organisation=breach.organisation, obj=breach)
    return event


def close_breach(breach: Breach, *, by: User, note: str = "", justification: str = "") -> Breach:
    """Close the breach: nothing left to do. It stays in the register; reminders stop.

    A breach whose required obligations are not all done (the CNIL to notify, the persons to inform) is not
    closed silently: closing it anyway needs a written justification, which the journal keeps with the list of
    what was left undone.
    """
    caller = breach
    justification = justification.strip()
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        if not breach.is_closed:
            left = open_required(breach)
            if left and len(justification) < MIN_JUSTIFICATION:
                raise ValidationError(
                    {
                        "justification": _(
                            "Still to do: %(titles)s. Do it first, or write why the breach is closed anyway "
                            "(at least %(n)d characters)."
                        )
                        % {"titles": "; ".join(row.title for row in left), "n": MIN_JUSTIFICATION}
                    }
                )
            breach.status, breach.closed_at = Status.CLOSED, timezone.now()
            breach.save(update_fields=["status", "closed_at", "updated_at"])
            data: dict[str, Any] = {}
            summary = [j.typed(note.strip()) if note.strip() else j.say(gettext_noop("Breach closed."))]
            if left:
                summary.append(
                    j.say(
                        gettext_noop("Closed with obligations still open (%(titles)s). Justification: %(why)s"),
                        titles=j.joined((j.obligation(row.id) for row in left), "; "),
                        why=justification,
                    )
                )
                data = {"open_obligations": [row.id for row in left], "justification": justification}
            _event(breach, EventKind.CLOSED, summary, by=by, data=data)
            record("breach.closed", actor=by, organisation=breach.organisation, obj=breach)
    caller.refresh_from_db()
    return caller


def reopen_breach(breach: Breach, *, by: User, note: str = "") -> Breach:
    """Reopen a closed breach (new facts, a question from the CNIL…)."""
    caller = breach
    with transaction.atomic():
        breach = Breach.objects.select_for_update().get(pk=breach.pk)
        if breach.is_closed:
            breach.status = Status.ASSESSED if breach.assessment else Status.DRAFT
            breach.closed_at = None
            breach.save(update_fields=["status", "closed_at", "updated_at"])
            reopened = j.typed(note.strip()) if note.strip() else j.say(gettext_noop("Breach reopened."))
            _event(breach, EventKind.REOPENED, reopened, by=by)
            record("breach.reopened", actor=by, organisation=breach.organisation, obj=breach)
            schedule_reminders(breach)
    caller.refresh_from_db()
    return caller


DOCUMENT_REPEAT_WINDOW = timedelta(minutes=15)


def record_document_generated(
    breach: Breach, *, by: User | None, kind: str, title: str, data: dict[str, Any] | None = None
) -> TimelineEvent:
    """Journal that a document was generated for the breach (``kind``: e.g. ``cnil-initial``, ``letter``).

    The same document downloaded again by the same person, with nothing else journalled in between and within
    ``DOCUMENT_REPEAT_WINDOW``, is the same fact: the earlier entry is returned rather than a new one (every
    download still goes to the access log).
    """
    with transaction.atomic():
        last = breach.events.order_by("-at", "-pk").first()
        if (
            last is not None
            and last.kind == EventKind.DOCUMENT_GENERATED
            and last.author_id == (by.pk if by is not None else None)
            and last.data.get("kind") == kind
            and last.data.get("format") == (data or {}).get("format")
            and timezone.now() - last.at < DOCUMENT_REPEAT_WINDOW
        ):
            return last
        summary = j.say(gettext_noop("Document generated: %(title)s."), title=j.term(title))
        return _event(breach, EventKind.DOCUMENT_GENERATED, summary, by=by, data={"kind": kind, **(data or {})})


def record_details_saved(breach: Breach, *, by: User | None, labels: list[Any]) -> TimelineEvent:
    """Journal that the incident details kept for the complaint and the ARS report changed (which ones).

    ``labels``: the fields' names, lazy translations (shown in the reader's language) or plain texts."""
    summary = j.say(gettext_noop("Incident details recorded: %(fields)s."), fields=j.joined(map(j.term, labels)))
    with _french():
        recorded = [str(label) for label in labels]
    with transaction.atomic():
        return _event(breach, EventKind.DETAILS_RECORDED, summary, by=by, data={"fields": recorded})
