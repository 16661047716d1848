"""Every change to a breach, one named function each. Each owns its transaction and writes its journal entry
(``TimelineEvent``) in that same transaction, so that nothing happens to a breach without a trace.

Other apps (demo data, register, documents) call these verbs from here (``from vigie.breaches.services import
declare_breach``); their signatures are part of the app's interface. The modules of the package are its concepts:

- ``declaring``: ``declare_breach(org, *, by, title, became_aware_at, awareness_note="", **facts) -> Breach``,
  ``update_facts(breach, *, by, changes, intake_step=None) -> list[str]``, ``answer_intake_step``,
  ``prefill_from_record(breach, *, by, activity_ids) -> list[str]``
- ``assessment``: ``assess_breach(breach, *, by=None, now=None) -> Outcome``, ``decision_summary``,
  ``overrule_decision(breach, *, by, notify_authority, notify_data_subjects, justification)``
- ``obligations``: ``mark_obligation_done(breach, obligation_id, *, by, done_at, reference="", note="",
  delay_reasons="")``, ``reopen_obligation(breach, obligation_id, *, by, reason="")``, ``open_required``
- ``closing``: ``add_note(breach, *, by, text) -> TimelineEvent``, ``close_breach(breach, *, by, note="",
  justification="")``, ``reopen_breach(breach, *, by, note="")``, ``record_document_generated(breach, *, by, kind,
  title, data=None) -> TimelineEvent``, ``record_details_saved``
- ``reminders``: ``schedule_reminders``, ``send_due_reminders(*, now=None, breach_id=None) -> int``,
  ``send_overdue_reminders(*, now=None, breach_id=None) -> int``, ``alert_recipients(org)``
- ``events``: the journal entry every verb writes.
"""

from .assessment import Outcome, assess_breach, decision_message, decision_summary, overrule_decision
from .closing import (
    DOCUMENT_REPEAT_WINDOW,
    add_note,
    close_breach,
    record_details_saved,
    record_document_generated,
    reopen_breach,
)
from .declaring import answer_intake_step, declare_breach, prefill_from_record, update_facts
from .obligations import mark_obligation_done, open_required, reopen_obligation
from .reminders import (
    OVERDUE_CHECK,
    REMINDER_HOURS,
    alert_recipients,
    schedule_reminders,
    send_due_reminders,
    send_overdue_reminders,
)

__all__ = [
    "DOCUMENT_REPEAT_WINDOW",
    "OVERDUE_CHECK",
    "REMINDER_HOURS",
    "Outcome",
    "add_note",
    "alert_recipients",
    "answer_intake_step",
    "assess_breach",
    "close_breach",
    "decision_message",
    "decision_summary",
    "declare_breach",
    "mark_obligation_done",
    "open_required",
    "overrule_decision",
    "prefill_from_record",
    "record_details_saved",
    "record_document_generated",
    "reopen_breach",
    "reopen_obligation",
    "schedule_reminders",
    "send_due_reminders",
    "send_overdue_reminders",
    "update_facts",
]
