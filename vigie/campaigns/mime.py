"""The bytes of a campaign's e-mails, made fast: :class:`MessageBytes` serialises a Django ``EmailMessage`` as Django
does (``message().as_bytes(linesep="\r\n")``) without rebuilding the MIME tree for each message, and
:class:`MessageTemplate` serialises each variant of a campaign's message once and splices each person into it
(:class:`Prepared`). ``vigie.campaigns.mail`` hands the result to the SMTP connection (see its docstring)."""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.policy import compat32
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers, sanitize_address
from django.core.mail.utils import DNS_NAME

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
