"""The e-mail transport of campaigns: one Django e-mail connection, reused, and what its errors mean.

Any Django e-mail backend works (``VIGIE_CAMPAIGN_EMAIL_BACKEND``, by default ``EMAIL_BACKEND``; the Anymail
backends of French providers by configuration). For Django's SMTP backend we use a subclass that keeps the
server's answer to DATA (``250 2.0.0 Ok: queued as …``): it is the proof of delivery to the relay.

Errors are sorted into two kinds (RFC 5321 §4.2.1): temporary (4xx answers, time-outs, lost connections) are
retried later with a back-off; permanent (5xx answers, addresses refused) are final.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"


class _RecordingSMTP(smtplib.SMTP):
    last_response: str = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, answer = super().data(msg)
        self.last_response = f"{code} {answer.decode(errors='replace')}"
        return code, answer


class _RecordingSMTPSSL(smtplib.SMTP_SSL):
    last_response: str = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, answer = super().data(msg)
        self.last_response = f"{code} {answer.decode(errors='replace')}"
        return code, answer


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend, remembering the server's answer to the last message."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _RecordingSMTPSSL if self.use_ssl else _RecordingSMTP

    @property
    def last_response(self) -> str:
        return getattr(self.connection, "last_response", "") if self.connection is not None else ""


@dataclass
class Outcome:
    """What became of one message: sent (with the server's answer), or failed temporarily or for good."""

    sent: bool
    temporary: bool = False
    response: str = ""
    reconnect: bool = False


def _code_text(code: int, text: bytes | str) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()[:500]


def classify(error: BaseException) -> Outcome:
    """The meaning of an exception raised while sending one message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (550, b"refused"))
        return Outcome(False, temporary=400 <= code < 500, response=_code_text(code, text))
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Outcome(False, temporary=True, response=f"connexion perdue : {error}"[:500], reconnect=True)
    if isinstance(error, smtplib.SMTPResponseException):
        code = int(error.smtp_code)
        return Outcome(
            False, temporary=not 500 <= code < 600, response=_code_text(code, error.smtp_error), reconnect=code == 421
        )
    if isinstance(error, (TimeoutError, OSError, ssl.SSLError, smtplib.SMTPException)):
        return Outcome(False, temporary=True, response=f"{type(error).__name__} : {error}"[:500], reconnect=True)
    # Other backends (HTTP APIs): Anymail says when a recipient is refused for good; anything else is retried.
    name = type(error).__name__
    if name in {"AnymailRecipientsRefused", "AnymailInvalidAddress"}:
        return Outcome(False, temporary=False, response=f"{name} : {error}"[:500])
    return Outcome(False, temporary=True, response=f"{name} : {error}"[:500], reconnect=True)


class Sender:
    """One e-mail connection, opened on first use and reused for every message of a dispatch task."""

    def __init__(self, backend: str | None = None) -> None:
        path = backend or settings.VIGIE_CAMPAIGN_EMAIL_BACKEND
        if path == DJANGO_SMTP:
            path = "vigie.campaigns.mail.SMTPBackend"
        self.backend_path = path
        self.connection: Any = None

    def _connection(self) -> Any:
        if self.connection is None:
            self.connection = get_connection(self.backend_path, fail_silently=False)
            self.connection.open()
        return self.connection

    def send(self, message: EmailMessage) -> Outcome:
        try:
            connection = self._connection()
            message.connection = connection
            if connection.send_messages([message]) != 1:
                return Outcome(False, temporary=True, response="message non accepté par le serveur")
        except Exception as error:  # sorted by classify(); never swallowed without a record
            outcome = classify(error)
            if outcome.reconnect:
                self.close()
            return outcome
        return Outcome(True, response=self._response(connection, message))

    @staticmethod
    def _response(connection: Any, message: EmailMessage) -> str:
        answer = getattr(connection, "last_response", "")
        if answer:
            return str(answer)[:500]
        status = getattr(message, "anymail_status", None)  # Anymail: the provider's id and status
        if status is not None:
            return f"{getattr(status, 'status', '')} {getattr(status, 'message_id', '')}".strip()[:500]
        return f"accepté ({connection.__class__.__name__})"

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection: nothing to do about it
                self.connection.close()
            self.connection = None
