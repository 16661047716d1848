"""The e-mail transport of campaigns: one Django e-mail connection, reused, and what its errors mean.

Any Django e-mail backend works (``VIGIE_CAMPAIGN_EMAIL_BACKEND``, by default ``EMAIL_BACKEND``; the Anymail
backends of French providers by configuration). For Django's SMTP backend we use a subclass that keeps the
server's answer to DATA (``250 2.0.0 Ok: queued as …``): it is the proof of delivery to the relay.

With that SMTP backend, the message is handed to ``smtplib`` on the backend's open connection (opened by Django:
TLS, login, time-outs as configured) as bytes made by :class:`MessageBytes`: the bytes Django would make,
without rebuilding the MIME tree and re-encoding the campaign-wide headers (subject, sender) for each message
(about 0.03 ms instead of 0.65 ms per message, which was more than half of a sender's CPU time). Other
backends (Anymail, console, locmem, subclasses such as the tests' crashing one) get the ``EmailMessage``.

Errors are sorted into two kinds (RFC 5321 §4.2.1): temporary (4xx answers, time-outs, lost connections) are
retried later with a back-off; permanent (5xx answers, addresses refused) are final.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
import smtplib
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass
from email.policy import compat32
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"


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
        code, answer = super().data(msg)  # type: ignore[misc]
        self.last_response = f"{code} {answer.decode(errors='replace')}"
        return code, answer

    def _command(self, verb: str, prefix: str, address: str, options: Any) -> tuple[int, bytes] | None:
        smtp: Any = self
        if any(option.lower() == "smtputf8" for option in options):
            return None  # smtplib's own way
        quoted = f"<{address}>" if _PLAIN_ADDRESS.match(address) else _quoted(address)  # as quoteaddr() makes it
        extra = " " + " ".join(options) if options and smtp.does_esmtp else ""
        smtp.putcmd(verb, f"{prefix}:{quoted}{extra}")
        return smtp.getreply()  # type: ignore[no-any-return]

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


# The policy Django's ``as_bytes(linesep="\r\n")`` folds headers with.
_POLICY = compat32.clone(linesep="\r\n")
# A value that folding leaves as it is: printable ASCII words separated by single spaces.
_PLAIN_VALUE = re.compile(r"[!-~]+(?: [!-~]+)*\Z")
# An address that ``sanitize_address`` returns unchanged: ASCII dot-atom local part, ASCII domain labels.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})*\Z")
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))
_SAMPLE_BOUNDARY = "=" * 15 + "0" * _BOUNDARY_DIGITS + "=="  # folded once; each boundary has the same shape
_ADDRESS_EXCLUDED = {"from", "to", "cc", "reply-to"}


class MessageBytes:
    """Serialises Django ``EmailMessage`` objects as Django does (``message().as_bytes(linesep="\r\n")``), fast.

    A campaign sends thousands of messages whose headers are mostly the same (subject, sender, reply-to): their
    encoded, folded form is computed once and kept (a small cache). Per-message headers that folding leaves
    unchanged (address, date, Message-ID in plain ASCII) are written as they are; anything else goes through
    the same Django and ``email`` functions as Django's own path. A message of another shape (attachments,
    non-text alternatives, long lines that need quoted-printable, another charset, a subclass) is serialised by
    Django itself. Only the MIME boundary and the Date differ from Django's output.
    """

    def __init__(self) -> None:
        self.headers: dict[tuple[str, str], bytes] = {}
        self.addresses: dict[str, str] = {}

    def __call__(self, message: EmailMessage) -> bytes:
        fast = self._fast(message)
        if fast is not None:
            return fast
        return bytes(message.message().as_bytes(linesep="\r\n"))

    def envelope(self, message: EmailMessage) -> tuple[str, list[str]]:
        """SMTP's MAIL FROM and RCPT TO, as Django's SMTP backend computes them (``sanitize_address``)."""
        encoding = message.encoding or settings.DEFAULT_CHARSET
        return self._address(message.from_email, encoding), [
            self._address(address, encoding) for address in message.recipients()
        ]

    def _address(self, address: Any, encoding: str) -> str:
        if isinstance(address, str) and _PLAIN_ADDRESS.match(address):
            return address
        key = f"{encoding}\0{address}"
        known = self.addresses.get(key)
        if known is None:
            known = sanitize_address(address, encoding)
            if len(self.addresses) > 64:
                self.addresses.clear()
            self.addresses[key] = known
        return known

    def _header(self, name: str, value: Any, encoding: str) -> bytes:
        value = str(value)
        line = self.headers.get((name, value))
        if line is not None:
            return line
        if name.lower() != "subject" and len(name) + len(value) <= 76 and _PLAIN_VALUE.match(value):
            return f"{name}: {value}\r\n".encode("ascii")  # per message (address, date, id): not kept
        _name, encoded = forbid_multi_line_headers(name, value, encoding)  # raises BadHeaderError on newlines
        line = _POLICY.fold_binary(name, encoded)
        if len(self.headers) > 256:
            self.headers.clear()
        self.headers[(name, value)] = line
        return line

    @staticmethod
    def _text_part(content: Any, subtype: str) -> tuple[bytes, bytes] | None:
        """(headers, body) of a UTF-8 text part, or None when Django would encode it in quoted-printable."""
        if not isinstance(content, str):
            return None
        body = content.encode("utf-8")
        limit = RFC5322_EMAIL_LINE_LENGTH_LIMIT
        # Cheap test first: no run of more than 998 bytes between "\n" means no line longer than RFC 5322 allows
        # (``str.splitlines`` cuts at more characters); otherwise Django's exact test.
        if (
            len(body) > limit
            and max(map(len, body.split(b"\n"))) > limit
            and any(len(line.encode(errors="surrogateescape")) > limit for line in content.splitlines())
        ):
            return None
        transfer = "7bit" if content.isascii() else "8bit"
        head = f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
        head += f"Content-Transfer-Encoding: {transfer}\r\n"
        body = _NEWLINE.sub(b"\r\n", body) if b"\r" in body else body.replace(b"\n", b"\r\n")
        return head.encode("ascii"), body

    def _fast(self, message: EmailMessage) -> bytes | None:
        if type(message) not in (EmailMessage, EmailMultiAlternatives) or message.attachments or not message.body:
            return None
        encoding = message.encoding or settings.DEFAULT_CHARSET
        if str(encoding).lower() != "utf-8":
            return None
        main = self._text_part(message.body, message.content_subtype)
        if main is None:
            return None
        alternatives = []
        for content, mimetype in getattr(message, "alternatives", ()):
            basetype, _slash, subtype = str(mimetype).partition("/")
            part = self._text_part(content, subtype) if basetype == "text" and subtype else None
            if part is None:
                return None
            alternatives.append(part)
        extra = message.extra_headers
        lowered = {name.lower() for name in extra}
        headers = [("Subject", message.subject), ("From", extra.get("From", message.from_email))]
        for name, values in (("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to)):
            if name in extra:
                headers.append((name, extra[name]))
            elif values:
                headers.append((name, ", ".join(str(value) for value in values)))
        if "date" not in lowered:
            headers.append(("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
        if "message-id" not in lowered:
            headers.append(("Message-ID", make_msgid(domain=DNS_NAME)))
        headers.extend((name, value) for name, value in extra.items() if name.lower() not in _ADDRESS_EXCLUDED)
        common = b"".join(self._header(name, value, encoding) for name, value in headers)
        if not alternatives:
            return main[0] + common + b"\r\n" + main[1]
        parts = [main, *alternatives]
        boundary = self._boundary(parts)
        content_type = f'multipart/{message.alternative_subtype}; boundary="{_SAMPLE_BOUNDARY}"'
        head = self._header("Content-Type", content_type, encoding).replace(
            _SAMPLE_BOUNDARY.encode("ascii"), boundary.encode("ascii")
        )
        separator = b"\r\n--" + boundary.encode("ascii") + b"\r\n"
        out = [head, b"MIME-Version: 1.0\r\n", common, b"\r\n", separator[2:]]
        out.append(separator.join(part_head + b"\r\n" + body for part_head, body in parts))
        out.append(b"\r\n--" + boundary.encode("ascii") + b"--\r\n")
        return b"".join(out)

    @staticmethod
    def _boundary(parts: list[tuple[bytes, bytes]]) -> str:
        while True:  # as the ``email`` generator: random, and never a line of the parts
            token = random.randrange(sys.maxsize)  # noqa: S311 (not a secret)
            boundary = f"==============={token:0{_BOUNDARY_DIGITS}d}=="
            if not any(boundary.encode("ascii") in body for _head, body in parts):
                return boundary


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
        self.to_bytes = MessageBytes()

    def _connection(self) -> Any:
        if self.connection is None:
            self.connection = get_connection(self.backend_path, fail_silently=False)
            self.connection.open()
        return self.connection

    def send(self, message: EmailMessage, *, before_data: Callable[[], None] | None = None) -> Outcome:
        """Send one message; ``before_data`` is called before the message itself is handed over.

        With the SMTP backend it is called once the server has accepted the sender and the recipients and
        before the DATA command: the caller can wait for something (the record of the previous message) while
        those round trips run, and still be sure that nothing is delivered before it returns. If it raises, the
        SMTP transaction is reset (RSET) and its exception propagates: it is not a failure of the message. With
        other backends it is called just before the message is given to the backend.
        """
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
                sender, recipients = self.to_bytes.envelope(message)
                if not recipients:
                    return Outcome(False, temporary=True, response="message non accepté par le serveur")
                smtp = connection.connection
                smtp.before_data = guarded
                try:
                    smtp.sendmail(sender, recipients, self.to_bytes(message))
                finally:
                    smtp.before_data = None
                return Outcome(True, response=self._response(connection, message))
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
