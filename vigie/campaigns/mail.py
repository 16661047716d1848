"""The e-mail transport of campaigns: one Django e-mail connection, reused, and what its errors mean.

Any Django e-mail backend works (``VIGIE_CAMPAIGN_EMAIL_BACKEND``, by default ``EMAIL_BACKEND``; the Anymail
backends of French providers by configuration). For Django's SMTP backend we use a subclass that keeps the
server's answer to DATA (``250 2.0.0 Ok: queued as …``): it is the proof of delivery to the relay.

With that SMTP backend, the message is handed to ``smtplib`` on the backend's open connection (opened by Django:
TLS, login, time-outs as configured) as bytes made by :class:`MessageBytes`: the bytes Django would make,
without rebuilding the MIME tree and re-encoding the campaign-wide headers (subject, sender) for each message
(about 0.03 ms instead of 0.65 ms per message, which was more than half of a sender's CPU time). A campaign's
e-mails go further: :class:`MessageTemplate` serialises each variant once and splices each person into it, and
the sender passes the result (:class:`Prepared`) as it is. Other backends (Anymail, console, locmem, subclasses
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
import random
import re
import smtplib
import ssl
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.policy import compat32
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils.module_loading import import_string

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
_last_date: list[Any] = [None, ""]


def _date() -> str:
    """``formatdate()`` as Django dates a message (to the second), computed once per second."""
    now = time.time()
    key = (int(now), settings.EMAIL_USE_LOCALTIME)
    if _last_date[0] != key:
        _last_date[:] = [key, formatdate(now, localtime=key[1])]
    return str(_last_date[1])


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
        return bytes(message.message().as_bytes(linesep="\r\n"))  # type: ignore[call-arg]

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
        parts = self._parts(message)
        if parts is None:
            return None
        encoding = message.encoding or settings.DEFAULT_CHARSET
        common = b"".join(self._header(name, value, encoding) for name, value in self._headers(message))
        return self._assemble(message, common, parts)

    def _parts(self, message: EmailMessage) -> list[tuple[bytes, bytes]] | None:
        """(headers, body) of each text part, or None for a message of another shape (Django serialises it)."""
        if type(message) not in (EmailMessage, EmailMultiAlternatives) or message.attachments or not message.body:
            return None
        encoding = message.encoding or settings.DEFAULT_CHARSET
        if str(encoding).lower() != "utf-8":
            return None
        main = self._text_part(message.body, message.content_subtype)
        if main is None:
            return None
        parts = [main]
        for content, mimetype in getattr(message, "alternatives", ()):
            basetype, _slash, subtype = str(mimetype).partition("/")
            part = self._text_part(content, subtype) if basetype == "text" and subtype else None
            if part is None:
                return None
            parts.append(part)
        return parts

    @staticmethod
    def _headers(message: EmailMessage) -> list[tuple[str, Any]]:
        """The message's own headers, in Django's order (the MIME ones aside)."""
        extra = message.extra_headers
        lowered = {name.lower() for name in extra}
        headers = [("Subject", message.subject), ("From", extra.get("From", message.from_email))]
        for name, values in (("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to)):
            if name in extra:
                headers.append((name, extra[name]))
            elif values:
                headers.append((name, ", ".join(str(value) for value in values)))
        if "date" not in lowered:
            headers.append(("Date", _date()))
        if "message-id" not in lowered:
            headers.append(("Message-ID", make_msgid(domain=DNS_NAME)))
        headers.extend((name, value) for name, value in extra.items() if name.lower() not in _ADDRESS_EXCLUDED)
        return headers

    def _assemble(
        self, message: EmailMessage, common: bytes, parts: list[tuple[bytes, bytes]], boundary: str = ""
    ) -> bytes:
        """The whole message from its encoded headers and parts (a fresh boundary unless one is given)."""
        if len(parts) == 1:
            return parts[0][0] + common + b"\r\n" + parts[0][1]
        boundary = boundary or self._boundary(parts)
        content_type = f'multipart/{message.alternative_subtype}; boundary="{_SAMPLE_BOUNDARY}"'  # type: ignore[attr-defined]
        head = self._header("Content-Type", content_type, message.encoding or settings.DEFAULT_CHARSET).replace(
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


class MessageTemplate:
    """Messages that differ from one sample only by their recipient, Message-ID and date and by a few marked words
    of their text parts: each is serialised by splicing those into the sample's encoded headers and parts.

    The bytes are those :class:`MessageBytes` makes of the whole message (tested), for a fraction of the cost: a
    campaign's e-mails are one text per set of data categories with the person's name in two places. Values that
    could change how a part is encoded (a line break, more than ``MAX_VALUE`` characters) or that do not encode
    make :meth:`prepared` leave the bytes out: the message is then built and serialised whole.
    """

    MAX_VALUE = 100  # characters; lines holding marks are checked to stay within RFC 5322 with values this long

    def __init__(self, encoder: MessageBytes, sample: EmailMessage, marks: Sequence[str]) -> None:
        self.encoder = encoder
        self.sample = sample
        self.encoding = sample.encoding or settings.DEFAULT_CHARSET
        extra = {name.lower() for name in sample.extra_headers}
        parts = encoder._parts(sample)
        self.usable = (
            parts is not None
            and len(sample.to) == 1
            and not sample.cc
            and not sample.bcc
            and "message-id" in extra
            and not extra & {"to", "date"}
        )
        # The encoded headers, and where the message's own recipient, date and Message-ID go.
        self.headers: list[bytes] = []
        self.own_headers: list[tuple[int, str]] = []
        # Per part: its headers as made for an ASCII body and for another, its body in pieces, and where each
        # mark's value goes among them: (position, index of the mark).
        self.parts: list[tuple[bytes, bytes, list[bytes], list[tuple[int, int]]]] = []
        self.boundary = ""
        if not self.usable or parts is None:
            return
        self.sender = encoder._address(sample.from_email, self.encoding)
        for name, value in encoder._headers(sample):
            if name.lower() in {"to", "date", "message-id"}:
                self.own_headers.append((len(self.headers), name))
            self.headers.append(encoder._header(name, value, self.encoding))
        encoded_marks = [mark.encode("ascii") for mark in marks]
        pattern = re.compile(b"(" + b"|".join(map(re.escape, encoded_marks)) + b")")
        limit = RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for head, body in parts:
            pieces = pattern.split(body)
            slots = [(n, encoded_marks.index(piece)) for n, piece in enumerate(pieces) if n % 2]
            other = head.replace(b"Transfer-Encoding: 7bit", b"Transfer-Encoding: 8bit")
            self.parts.append((head, other, pieces, slots))
            for line in body.split(b"\r\n"):
                found = len(pattern.findall(line))
                if found and len(pattern.sub(b"", line)) + found * 4 * self.MAX_VALUE > limit:
                    self.usable = False  # a long value could push this line over the limit: serialise whole
        self.boundary = encoder._boundary(parts) if len(parts) > 1 else ""  # checked again against each message

    def prepared(
        self, to: str, message_id: str, values: Sequence[Sequence[str]], build: Callable[[], EmailMessage]
    ) -> Prepared:
        """The message to ``to`` with ``values[p][m]`` in place of mark ``m`` in part ``p``."""
        prepared = Prepared(message_id, build)
        if not self.usable:
            return prepared
        try:
            parts = []
            for (head, other, pieces, slots), part_values in zip(self.parts, values, strict=True):
                ascii_values = True
                for value in part_values:
                    if len(value) > self.MAX_VALUE or "\r" in value or "\n" in value:
                        return prepared
                    ascii_values = ascii_values and value.isascii()
                encoded = [value.encode("utf-8") for value in part_values]
                pieces = pieces.copy()
                for position, mark in slots:
                    pieces[position] = encoded[mark]
                parts.append((head if ascii_values else other, b"".join(pieces)))
            own = {"to": to, "date": _date(), "message-id": message_id}
            headers = self.headers.copy()
            for position, name in self.own_headers:
                headers[position] = self.encoder._header(name, own[name.lower()], self.encoding)
            prepared.recipients = [self.encoder._address(to, self.encoding)]
        except ValueError:  # an address or a value that does not encode: the whole message path reports it
            return prepared
        boundary = self.boundary
        if boundary and any(boundary.encode("ascii") in body for _head, body in parts):
            boundary = ""  # a value made it appear: a fresh one
        prepared.sender = self.sender
        prepared.data = self.encoder._assemble(self.sample, b"".join(headers), parts, boundary)
        return prepared


@dataclass
class Prepared:
    """One e-mail ready to go: its SMTP envelope and bytes when a template could make them, and how to build the
    Django message (for other backends, or when the bytes are left out)."""

    message_id: str
    build: Callable[[], EmailMessage]
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    data: bytes | None = None


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
