"""No message shown to a person names a Python exception class (« TimeoutError : … » means nothing to a DPO)."""

from __future__ import annotations

import re
import smtplib
import ssl
from pathlib import Path

from vigie.campaigns.mail import classify

ROOT = Path(__file__).resolve().parents[2]
# A programming error raised at import time, for the developer who adds a fact: no person using Vigie reads it.
FOR_DEVELOPERS = {"api/v1/schemas.py"}
CLASS_NAME = re.compile(r"\{type\(\w+\)\.__name__|\{(?:e|exc|error|failure|err)!r\}|__class__\.__name__\}")


def test_no_source_file_puts_an_exception_class_name_in_a_message() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("*.py"))
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and str(path.relative_to(ROOT)) not in FOR_DEVELOPERS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if CLASS_NAME.search(line)
    ]
    assert found == []


def test_a_network_failure_is_said_in_words_in_the_ledger() -> None:
    for error in (TimeoutError("timed out"), ssl.SSLError("bad record"), OSError("unreachable"),
                  smtplib.SMTPException("boom"), RuntimeError("provider down")):  # fmt: skip
        response = classify(error).response
        assert type(error).__name__ not in response, response
        assert str(error) in response
