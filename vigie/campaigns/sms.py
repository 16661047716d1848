"""The SMS channel: used only when a provider is configured (``VIGIE_SMS_BACKEND``, a dotted class path).

A provider class has ``send(phone_e164, text) -> Outcome``. Vigie ships two: :class:`ConsoleSMS` (prints, for
development) and :class:`MemorySMS` (keeps them in ``outbox``, for tests). A French provider's HTTP API fits
in a dozen lines on the same model; the sender ID must be alphanumeric, at most 11 characters (ARCEP
2018-0881), which is ``VIGIE_SMS_SENDER``.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .mail import Outcome


class SMSProvider(Protocol):
    def send(self, phone: str, text: str) -> Outcome: ...


def sms_available() -> bool:
    return bool(settings.VIGIE_SMS_BACKEND)


def sms_sender() -> SMSProvider:
    return import_string(settings.VIGIE_SMS_BACKEND)()


class ConsoleSMS:
    def send(self, phone: str, text: str) -> Outcome:
        sys.stdout.write(f"SMS {settings.VIGIE_SMS_SENDER} → {phone} : {text}\n")
        return Outcome(True, response="console")


class MemorySMS:
    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> Outcome:
        MemorySMS.outbox.append((phone, text))
        return Outcome(True, response=f"memory {len(MemorySMS.outbox)}")
