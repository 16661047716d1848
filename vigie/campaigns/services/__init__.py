"""Every state change of a campaign, each in one function that owns its transaction.

Life of a campaign: ``new_campaign`` (upload, mapping guessed) → ``set_mapping`` → ``run_import`` (read,
validate, de-duplicate, encrypt, store) → ``start_campaign`` (channel rules applied, senders enqueued) →
``pause_campaign`` / ``resume_campaign`` → ``finish_if_complete`` (the breach's ``inform_persons`` obligation
marked done) → ``record_bounces`` (late bounces become letters) → ``purge_campaign`` (after the retention).

Background work runs as tasks (``tasks.py``). A task killed with its worker never finishes in the database
queue, so recovery is explicit and idempotent: ``recover_campaigns`` (run when ``vigie worker`` starts, and
by start and resume) enqueues the senders of every running campaign that still has someone to inform.

The modules of the package are its concepts: ``imports`` (upload, mapping, import), ``lifecycle`` (channel rules,
start, pause, resume, the end), ``recovery`` (work lost with a worker), ``bounced`` (late bounces), ``retention``
(purge, keys), ``guards`` (the role check, no address kept). Callers import the verbs from here.
"""

from .bounced import record_bounce, record_bounces
from .imports import (
    ALLOWED_SUFFIXES,
    apply_amendments,
    check_upload,
    import_path,
    new_campaign,
    request_import,
    run_import,
    set_mapping,
    upload_path,
)
from .lifecycle import (
    CHANNEL_CONDITIONS,
    after_dispatch,
    apply_channel_rules,
    check_delivery,
    enqueue_work,
    ensure_letters,
    everyone_informed,
    finish_if_complete,
    pause_campaign,
    pause_for_server_failure,
    reopen_for_letters,
    resume_campaign,
    set_rules,
    start_campaign,
    usable_order,
)
from .recovery import (
    IMPORT_LEFTOVER_PREFIX,
    recover_campaigns,
    recover_imports,
    remove_import_leftovers,
    watch_campaigns,
)
from .retention import purge_campaign, purge_due, rotate_keys

__all__ = [
    "ALLOWED_SUFFIXES",
    "CHANNEL_CONDITIONS",
    "IMPORT_LEFTOVER_PREFIX",
    "after_dispatch",
    "apply_amendments",
    "apply_channel_rules",
    "check_delivery",
    "check_upload",
    "enqueue_work",
    "ensure_letters",
    "everyone_informed",
    "finish_if_complete",
    "import_path",
    "new_campaign",
    "pause_campaign",
    "pause_for_server_failure",
    "purge_campaign",
    "purge_due",
    "record_bounce",
    "record_bounces",
    "recover_campaigns",
    "recover_imports",
    "remove_import_leftovers",
    "reopen_for_letters",
    "request_import",
    "resume_campaign",
    "rotate_keys",
    "run_import",
    "set_mapping",
    "set_rules",
    "start_campaign",
    "upload_path",
    "usable_order",
    "watch_campaigns",
]
