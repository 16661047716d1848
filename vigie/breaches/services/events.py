"""What every verb of the package shares: journalling an entry (its French text is the record) and the
French of the records and e-mails."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation

from vigie.accounts.models import User

from .. import journal as j
from ..models import Breach, TimelineEvent


def _event(
    breach: Breach, kind: str, message: j.Piece | list[j.Piece], *, by: User | None, data: dict[str, Any] | None = None
) -> TimelineEvent:
    """Journal ``message`` (``journal`` pieces): its French text is the entry's ``summary``."""
    message = [message] if isinstance(message, dict) else message
    return TimelineEvent.write(message, breach=breach, kind=kind, author=by, data=data or {})


def _french() -> translation.override:
    # The journal and the e-mails are records kept in French, whatever the language of the screen.
    return translation.override(settings.LANGUAGE_CODE)


def _titled(obligation_id: str, due: datetime) -> j.Piece:
    """« Notifier la violation à la CNIL (jeudi 16 janvier 2026 à 08 h 40) »."""
    return j.say("%(title)s (%(moment)s)", title=j.obligation(obligation_id), moment=j.moment(due))
