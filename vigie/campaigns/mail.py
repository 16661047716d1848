"""The e-mail transport of campaigns: one Django e-mail connection, reused, and what its errors mean.

Any Django e-mail backend works (``VIGIE_CAMPAIGN_EMAIL_BACKEND``, by default ``EMAIL_BACKEND``; the Anymail
backends of French providers by configuration). For Django's SMTP backend we use a subclass that keeps the
server's answer to DATA (``250 2.0.0 Ok: queued as …``): it is the proof of delivery to the relay.

With that SMTP backend, the message is handed to ``smtplib`` on the backend's open connection (opened by Django:
TLS, login, time-outs as configured) as bytes made by ``mime.MessageBytes``: the bytes Django would make,
without rebuilding the MIME tree and re-encoding the campaign-wide headers (subject, sender) for each message
(about 0.03 ms instead of 0.65 ms per message, which was more than half of a sender's CPU time). A campaign's
e-mails go further: ``mime.MessageTemplate`` serialises each variant once and splices each person into it, and
the sender passes the result (``mime.Prepared``) as it is. Other backends (Anymail, console, locmem, subclasses
such as the tests' crashing one) get the ``EmailMessage``.

Errors are sorted by whom they concern (RFC 5321 §4.2.1, §3.8). **The server** (``Outcome.server``): the
connection refused or timed out, a server that hangs (``VIGIE_CAMPAIGN_SMTP_TIMEOUT`` bounds every socket
operation), authentication refused, the sender refused at MAIL FROM (530, 554…), 421 "service not available" at
any stage, a permanent answer to DATA about the message rather than its recipient (5.7.x policy, 5.6.x content,
554 "transaction failed": every person would get it). Nothing is wrong with the recipient: the campaign pauses,
the organisation is alerted and the recipients stay pending (``dispatch``). **The recipient**: an answer to
RCPT TO (but relaying or authentication refused), or to DATA about the mailbox (X.1.x, X.2.x, 550-553), temporary (4xx, retried later with a back-off) or
permanent (5xx, final). A connection lost without a time-out is tried again once
on a fresh connection (the server may have closed an idle one); lost again, it is the server's failure.
"""

from __future__ import annotations

import contextlib
import functools
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.utils.module_loading import import_string

from .mime import _PLAIN_ADDRESS, MessageBytes, Prepared

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
# Django's backends that deliver nothing: a message "sent" through them reached no mail server.
NOT_DELIVERING = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
)


def campaign_backend() -> str:
    """The dotted path of the campaigns' e-mail backend."""
    return str(settings.VIGIE_CAMPAIGN_EMAIL_BACKEND)


def delivers(backend: str | None = None) -> bool:
    """Whether ``backend`` (default: the campaigns' one) hands messages to a mail server or a provider.

    The console, in-memory, file and dummy backends (and their subclasses) do not: a campaign on one of them
    can only be a rehearsal. Any other backend (SMTP, Anymail) is taken as delivering.
    """
    cls = import_string(backend or campaign_backend())
    return not any(issubclass(cls, import_string(path)) for path in NOT_DELIVERING)


@functools.lru_cache(maxsize=64)
def _quoted(address: str) -> str:
    """``smtplib.quoteaddr`` (a full address parse), once per address: the sender is the same for a campaign."""
    return smtplib.quoteaddr(address)


class _Recording:
    """Keeps the answer to DATA; quotes plain addresses without ``smtplib.quoteaddr``, the others once each."""

    last_response: str = ""
    before_data: Any = None  # called once the recipients are accepted, before DATA (see ``Sender.send``)

    def data(self, msg: Any) -> tuple[int, bytes]:
        if self.before_data is not None:
            try:
                self.before_data()
            except BaseException:
                with contextlib.suppress(Exception):  # the transaction is abandoned: nothing was handed over
                    self.rset()  # type: ignore[attr-defined]
                raise
        code, answer = self._data(msg)
        self.last_response = f"{code} {answer.decode(errors='replace')}"
        return code, answer

    def _data(self, msg: Any) -> tuple[int, bytes]:
        """``smtplib.SMTP.data``, its dots doubled (RFC 5321 §4.5.2) by ``bytes.replace`` rather than a regular
        expression tried at every byte of the message: the same bytes (tested), a quarter of the time."""
        if not isinstance(msg, bytes):
            return super().data(msg)  # type: ignore[misc]
        smtp: Any = self
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        quoted = (b"." + msg if msg[:1] == b"." else msg).replace(b"\n.", b"\n..")
        if quoted[-2:] != b"\r\n":
            quoted += b"\r\n"
        smtp.send(quoted + b".\r\n")
        return smtp.getreply()

    def _command(self, verb: str, prefix: str, address: str, options: Any) -> tuple[int, bytes] | None:
        smtp: Any = self
        if any(option.lower() == "smtputf8" for option in options):
            return None  # smtplib's own way
        quoted = f"<{address}>" if _PLAIN_ADDRESS.match(address) else _quoted(address)  # as quoteaddr() makes it
        extra = " " + " ".join(options) if options and smtp.does_esmtp else ""
        smtp.putcmd(verb, f"{prefix}:{quoted}{extra}")
        return smtp.getreply()

    def mail(self, sender: str, options: Any = ()) -> tuple[int, bytes]:
        return self._command("mail", "FROM", sender, options) or super().mail(sender, options)  # type: ignore[misc]

    def rcpt(self, recip: str, options: Any = ()) -> tuple[int, bytes]:
        return self._command("rcpt", "TO", recip, options) or super().rcpt(recip, options)  # type: ignore[misc]


class _RecordingSMTP(_Recording, smtplib.SMTP):
    pass


class _RecordingSMTPSSL(_Recording, smtplib.SMTP_SSL):
    pass


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
    """What became of one message: sent (with the server's answer), or failed temporarily or for good, or not
    tried because the server itself failed (``server``: not the recipient's failure, see the module docstring)."""

    sent: bool
    temporary: bool = False
    response: str = ""
    reconnect: bool = False
    server: bool = False
    lost: bool = False  # the connection was lost (not timed out): worth one more try on a fresh one


def _timed_out(error: BaseException) -> bool:
    """A time-out, possibly wrapped (smtplib turns one while reading an answer into ``SMTPServerDisconnected``)."""
    for _depth in range(10):
        if error is None:
            return False
        if isinstance(error, TimeoutError):
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


_ENHANCED = re.compile(r"\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b")


def _about_the_recipient(response: str) -> bool:
    """A permanent answer to DATA that concerns the recipient (RFC 3463: X.1.x addressing, X.2.x mailbox; without
    an enhanced code, RFC 5321's 550-553 "mailbox unavailable"…), not the message or the sender (5.7.x policy,
    5.6.x content, 5.3.x mail system, 554 "transaction failed"): those would refuse everyone alike."""
    enhanced = _ENHANCED.match(response)
    if enhanced and enhanced.group(2) != "0":
        return enhanced.group(2) in {"1", "2"}
    return response[:3] in {"550", "551", "552", "553"}


def _refused_for_the_sender(response: str) -> bool:
    """A permanent answer to RCPT TO that refuses us rather than the address, and would refuse every address:
    relaying denied (Postfix "554 5.7.1 Relay access denied", Exim "550 relay not permitted"), authentication
    required (530). An answer about the mailbox (X.1.x, X.2.x: "User unknown in relay recipient table") is not."""
    enhanced = _ENHANCED.match(response)
    if enhanced and enhanced.group(2) in {"1", "2"}:
        return False
    lowered = response.lower()
    return response[:3] in {"530", "554"} or "relay" in lowered or "authentica" in lowered


def _server_failure(response: str) -> Outcome:
    return Outcome(False, temporary=True, response=response[:500], reconnect=True, server=True)


def _code_text(code: int, text: bytes | str) -> str:
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()[:500]


def classify(error: BaseException) -> Outcome:
    """The meaning of an exception raised while sending one message (see the module docstring)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()), (550, b"refused"))
        response = _code_text(code, text)
        # 421: smtplib closed the connection, the service is going down; or relaying refused to us, not this address
        if code == 421 or (500 <= code < 600 and _refused_for_the_sender(response)):
            return _server_failure(response)
        return Outcome(False, temporary=400 <= code < 500, response=response)
    if isinstance(error, (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused, smtplib.SMTPConnectError)):
        return _server_failure(_code_text(int(error.smtp_code), error.smtp_error))
    if _timed_out(error):
        return _server_failure(f"délai dépassé : le serveur ne répond pas ({error})")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return Outcome(False, temporary=True, response=f"connexion perdue : {error}"[:500], reconnect=True, lost=True)
    if isinstance(error, smtplib.SMTPResponseException):  # an answer to DATA (or to RSET, NOOP)
        code, response = int(error.smtp_code), _code_text(int(error.smtp_code), error.smtp_error)
        if code == 421 or (500 <= code < 600 and not _about_the_recipient(response)):
            return _server_failure(response)  # e.g. "554 5.7.1 rejected as spam": the same for every person
        return Outcome(False, temporary=not 500 <= code < 600, response=response)
    if isinstance(error, (OSError, ssl.SSLError, smtplib.SMTPException)):  # refused, unreachable, TLS, no AUTH
        return _server_failure(_said(_network_trouble(error), error))
    # Other backends (HTTP APIs): Anymail says when a recipient is refused for good; anything else is retried.
    if type(error).__name__ in {"AnymailRecipientsRefused", "AnymailInvalidAddress"}:
        return Outcome(False, temporary=False, response=_said("adresse refusée par le prestataire d'envoi", error))
    return Outcome(False, temporary=True, response=_said("échec chez le prestataire d'envoi", error), reconnect=True)


def _network_trouble(error: BaseException) -> str:
    # Said in words: an exception's class name means nothing to the person reading the ledger.
    if isinstance(error, TimeoutError):
        return "le serveur de messagerie ne répond pas (délai dépassé)"
    if isinstance(error, ssl.SSLError):
        return "échec de la connexion chiffrée (TLS)"
    if isinstance(error, smtplib.SMTPException):
        return "erreur du protocole SMTP"
    return "erreur réseau"


def _said(what: str, error: BaseException) -> str:
    detail = str(error).strip()
    return (f"{what} : {detail}" if detail else what)[:500]


class Sender:
    """One e-mail connection, opened on first use and reused for every message of a dispatch task."""

    def __init__(self, backend: str | None = None) -> None:
        path = backend or settings.VIGIE_CAMPAIGN_EMAIL_BACKEND
        if path == DJANGO_SMTP:
            path = "vigie.campaigns.mail.SMTPBackend"
        self.backend_path = path
        self.connection: Any = None
        self.to_bytes = MessageBytes()

    def _connection(self) -> Any:
        if self.connection is None:
            smtp = issubclass(import_string(self.backend_path), DjangoSMTPBackend)
            options = {"timeout": settings.VIGIE_CAMPAIGN_SMTP_TIMEOUT} if smtp else {}
            self.connection = get_connection(self.backend_path, fail_silently=False, **options)
            self.connection.open()
        return self.connection

    def send(self, message: EmailMessage | Prepared, *, before_data: Callable[[], None] | None = None) -> Outcome:
        """Send one message; ``before_data`` is called before the message itself is handed over.

        With the SMTP backend it is called once the server has accepted the sender and the recipients and
        before the DATA command: the caller can wait for something (the record of the previous message) while
        those round trips run, and still be sure that nothing is delivered before it returns. If it raises, the
        SMTP transaction is reset (RSET) and its exception propagates: it is not a failure of the message. With
        other backends it is called just before the message is given to the backend.

        A connection lost (not timed out) is tried once more on a fresh connection; lost again, the server failed.
        """
        outcome = self._send(message, before_data=before_data)
        if not outcome.lost:
            return outcome
        again = self._send(message, before_data=before_data)
        return _server_failure(again.response) if again.lost else again

    def _send(self, message: EmailMessage | Prepared, *, before_data: Callable[[], None] | None = None) -> Outcome:
        hook_failed = False

        def guarded() -> None:
            nonlocal hook_failed
            if before_data is not None:
                try:
                    before_data()
                except BaseException:
                    hook_failed = True
                    raise

        try:
            connection = self._connection()
            if type(connection) is SMTPBackend:
                # Straight to smtplib on Django's open connection (see the module docstring).
                if isinstance(message, Prepared) and message.data is not None:
                    sender, recipients, data = message.sender, message.recipients, message.data
                else:
                    message = message.build() if isinstance(message, Prepared) else message
                    sender, recipients = self.to_bytes.envelope(message)
                    data = self.to_bytes(message) if recipients else b""
                if not recipients:
                    return Outcome(False, temporary=True, response="message non accepté par le serveur")
                smtp = connection.connection
                smtp.before_data = guarded  # type: ignore[union-attr]
                try:
                    smtp.sendmail(sender, recipients, data)  # type: ignore[union-attr]
                finally:
                    smtp.before_data = None  # type: ignore[union-attr]
                return Outcome(True, response=self._response(connection, message))
            message = message.build() if isinstance(message, Prepared) else message
            guarded()
            message.connection = connection
            if connection.send_messages([message]) != 1:
                return Outcome(False, temporary=True, response="message non accepté par le serveur")
        except Exception as error:  # sorted by classify(); never swallowed without a record
            if hook_failed:
                raise
            outcome = classify(error)
            if outcome.reconnect:
                self.close()
            return outcome
        return Outcome(True, response=self._response(connection, message))

    @staticmethod
    def _response(connection: Any, message: Any) -> str:
        answer = getattr(connection, "last_response", "")
        if answer:
            return str(answer)[:500]
        status = getattr(message, "anymail_status", None)  # Anymail: the provider's id and status
        if status is not None:
            return f"{getattr(status, 'status', '')} {getattr(status, 'message_id', '')}".strip()[:500]
        if not delivers(f"{type(connection).__module__}.{type(connection).__qualname__}"):
            return "répétition : rien n'a été envoyé"
        return "accepté (sans réponse du serveur à citer)"

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection: nothing to do about it
                self.connection.close()
            self.connection = None
