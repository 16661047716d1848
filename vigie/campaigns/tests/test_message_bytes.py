"""The fast message encoder gives the same bytes as Django's, so that speed never changes what people receive.

Only the MIME boundary and the Date (random and time-dependent in Django's output) may differ, and the
Message-ID when none was set.
"""

from __future__ import annotations

import random
import re

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import sanitize_address

from vigie.campaigns.mail import MessageBytes

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
