"""The fast message encoder gives the same bytes as Django's, so that speed never changes what people receive.

Only the MIME boundary and the Date (random and time-dependent in Django's output) may differ, and the
Message-ID when none was set.
"""

from __future__ import annotations

import random
import re
import smtplib

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from vigie.campaigns.mail import _RecordingSMTP
from vigie.campaigns.mime import MessageBytes, MessageTemplate

SUBJECTS = [
    "Information importante concernant vos données personnelles — Laboratoire de biologie médicale",
    "Hello",
    "x" * 120,
    "a  b",
    " lead",
    "Ünï " * 30,
]
RECIPIENTS = [
    "patient1@exemple-patient.fr",
    "Jean Dupont <jean@x.fr>",
    "élodie@exemple.fr",
    "a@bücher.de",
    "very.long.address.that.is.long." * 2 + "@example-very-long-domain-name.fr",
    '"quoted"@x.fr',
]
BODIES = ["Madame DUPONT,\n\nNous vous informons.", "ascii only\nline2\n", "crlf\r\nmixed\rcr\n", "x" * 1200, "é" * 600]
SENDERS = ["Laboratoire de biologie médicale <vigie@labo-exemple.fr>", "vigie@x.fr", '"Dupont, Jean" <j@x.fr>']


def _normalise(data: bytes, *, drop_message_id: bool) -> bytes:
    data = re.sub(rb"={15}\d{19}==", b"BOUNDARY", data)
    data = re.sub(rb"Date: [^\r]*\r\n", b"Date: X\r\n", data)
    if drop_message_id:
        data = re.sub(rb"Message-ID: [^\r]*\r\n", b"", data)
    return data


def _messages(count: int) -> list[tuple[EmailMessage, bool]]:
    rng = random.Random(1)
    messages = []
    for i in range(count):
        headers = {"Message-ID": f"<vigie.1.{i}.abcdef@labo-exemple.fr>", "Auto-Submitted": "auto-generated"}
        if i % 7 == 0:
            headers = {}
        if i % 11 == 0:
            headers["X-Long"] = "word " * 30
        cls = EmailMultiAlternatives if i % 3 else EmailMessage
        message = cls(
            subject=rng.choice(SUBJECTS),
            body=rng.choice(BODIES),
            from_email=rng.choice(SENDERS),
            to=[rng.choice(RECIPIENTS)],
            reply_to=["dpo@labo-exemple.fr"] if i % 2 else [],
            cc=["c@x.fr"] if i % 5 == 0 else [],
            headers=headers,
        )
        if cls is EmailMultiAlternatives and i % 4:
            message.attach_alternative("<p>" + rng.choice(BODIES) + "</p>", "text/html")
        messages.append((message, "Message-ID" not in headers))
    return messages


@pytest.mark.parametrize(("message", "no_id"), _messages(120))
def test_fast_bytes_equal_djangos(message: EmailMessage, no_id: bool) -> None:
    encoder = MessageBytes()
    ours = _normalise(encoder(message), drop_message_id=no_id)
    django = _normalise(message.message().as_bytes(linesep="\r\n"), drop_message_id=no_id)
    assert ours == django
    sender, recipients = encoder.envelope(message)
    assert sender == sanitize_address(message.from_email, "utf-8")
    assert recipients == [sanitize_address(address, "utf-8") for address in message.recipients()]


# --- Messages spliced from a template (``MessageTemplate``): the same bytes as each message serialised whole.

GREET, CLOSE = "GREETMARK", "CLOSEMARK"
NAMES = ["Jeanne DUPONT", "Madame D'ARTAGNAN-LŒUVRE", "Ünïcödé 名前", "x" * 100, "O'Brien <b>&amp;", "plain"]


def _templated(text: str, markup: str | None, to: str, mid: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=SUBJECTS[0],
        body=text,
        from_email=SENDERS[0],
        to=[to],
        reply_to=["dpo@labo-exemple.fr"],
        headers={"Message-ID": mid, "Auto-Submitted": "auto-generated"},
    )
    if markup is not None:
        message.attach_alternative(markup, "text/html")
    return message


@pytest.mark.parametrize("html_part", [True, False])
@pytest.mark.parametrize("ascii_text", [True, False])
def test_a_spliced_message_has_the_bytes_of_the_whole_message(html_part: bool, ascii_text: bool) -> None:
    text = f"{GREET},\n\nWe inform you.\n\n" if ascii_text else f"{GREET},\n\nNous vous informons, chère personne.\n"
    text += f"Veuillez agréer, {CLOSE}, nos salutations.\n" if not ascii_text else f"Regards, {CLOSE}.\n"
    markup = f"<p>{GREET},</p>\n<p>Hello {CLOSE}</p>" if html_part else None
    encoder = MessageBytes()
    template = MessageTemplate(encoder, _templated(text, markup, "sample@example.invalid", "<s@x.fr>"), (GREET, CLOSE))
    assert template.usable
    rng = random.Random(2)
    for n in range(60):
        opening, closing, to = rng.choice(NAMES), rng.choice(NAMES), rng.choice(RECIPIENTS)
        mid = f"<vigie.1.{n}.abcdef@labo-exemple.fr>"
        whole = _templated(
            text.replace(GREET, opening).replace(CLOSE, closing),
            markup.replace(GREET, opening).replace(CLOSE, closing) if markup else None,
            to,
            mid,
        )
        values = [(opening, closing)] + ([(opening, closing)] if html_part else [])
        prepared = template.prepared(to, mid, values, lambda: whole)  # noqa: B023 (used at once)
        assert prepared.data is not None, (opening, closing, to)
        expected = _normalise(whole.message().as_bytes(linesep="\r\n"), drop_message_id=False)
        assert _normalise(prepared.data, drop_message_id=False) == expected
        assert (prepared.sender, prepared.recipients) == encoder.envelope(whole)
        assert prepared.build() is whole and prepared.message_id == mid


def test_values_that_would_change_the_encoding_leave_the_message_to_be_serialised_whole() -> None:
    template = MessageTemplate(MessageBytes(), _templated(f"{GREET},\nText.\n", None, "s@x.fr", "<s@x.fr>"), (GREET,))
    for value in ["two\nlines", "carriage\rreturn", "x" * 101]:
        assert template.prepared("a@x.fr", "<m@x.fr>", [(value,)], lambda: None).data is None
    assert template.prepared("a@x.fr", "<m@x.fr>", [("x" * 100,)], lambda: None).data is not None
    long_line = MessageTemplate(
        MessageBytes(), _templated(f"{'y' * 700} {GREET}\n", None, "s@x.fr", "<s@x.fr>"), (GREET,)
    )
    assert not long_line.usable  # a 100-character value could push that line past 998 bytes
    assert long_line.prepared("a@x.fr", "<m@x.fr>", [("z",)], lambda: None).data is None


def _wire(cls: type, msg: bytes) -> bytes:
    """What ``cls.data(msg)`` writes to the socket, the server answering 354 then 250."""
    smtp = cls.__new__(cls)
    smtp.before_data = None
    smtp.debuglevel = 0
    sent: list[bytes] = []
    replies = iter([(354, b"go ahead"), (250, b"ok")])
    smtp.send = lambda data: sent.append(data if isinstance(data, bytes) else data.encode())
    smtp.getreply = lambda: next(replies)
    assert cls.data(smtp, msg) == (250, b"ok")
    return b"".join(sent)


@pytest.mark.parametrize(
    "msg",
    [b"Subject: x\r\n\r\nbody\r\n", b"no final newline", b".leading dot\r\n", b"a\r\n.dot line\r\n..\r\n", b"a\n.b"],
)
def test_data_sends_what_smtplib_sends(msg: bytes) -> None:
    assert _wire(_RecordingSMTP, msg) == _wire(smtplib.SMTP, msg)


def test_data_doubles_the_dots_as_smtplib_does_on_any_input() -> None:
    rng = random.Random(3)
    for _ in range(300):
        msg = bytes(rng.choice(b".\r\na") for _ in range(rng.randrange(0, 12)))
        assert _wire(_RecordingSMTP, msg) == _wire(smtplib.SMTP, msg), msg
