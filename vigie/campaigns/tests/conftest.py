"""Fixtures of the campaign tests: a breach, small patient lists, and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach
from vigie.campaigns import services
from vigie.campaigns.models import Campaign

HEADER = "Nom;Prénom;Sexe;Date de naissance;Courriel;Adresse;Code postal;Ville;Données"


def person_line(n: int, *, email: bool = True, address: bool = True) -> str:
    mail = f"patient{n}@exemple-patient.fr" if email else ""
    street, postcode, city = (f"{n} rue des Lilas", "75011", "Paris") if address else ("", "", "")
    return f"Nom{n:05d}x;Prénom{n};F;12/03/1970;{mail};{street};{postcode};{city};santé"


@pytest.fixture
def write_list(tmp_path: Path) -> Callable[..., Path]:
    """A CSV list of ``n`` persons (every one with an e-mail and an address unless told otherwise)."""

    def write(n: int = 5, *, lines: list[str] | None = None, name: str = "patients.csv", **kinds: Any) -> Path:
        rows = lines if lines is not None else [person_line(i, **kinds) for i in range(1, n + 1)]
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def breach(org: Organisation, owner: User) -> Breach:
    return Breach.objects.create(
        organisation=org,
        reference="2026-001",
        title="Rançongiciel du laboratoire",
        became_aware_at=timezone.now() - timedelta(days=2),
        breach_types=["confidentiality"],
        origin="ransomware",
        data_categories=["identity", "health"],
        persons_count=5,
        description="Un rançongiciel a chiffré le serveur et copié des résultats d'analyses.",
        created_by=owner,
    )


@pytest.fixture
def imported(breach: Breach, write_list: Callable[..., Path]) -> Callable[..., Campaign]:
    def make(n: int = 5, **kinds: Any) -> Campaign:
        campaign, _report = services.import_path(breach, write_list(n, **kinds))
        return campaign

    return make


@dataclass
class Sink:
    """What the SMTP server received, and how it should answer (a list of codes, consumed in order)."""

    host: str
    port: int
    messages: list[Any] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # e.g. ["451 4.3.0 Try later"]; empty = 250
    log: list[tuple[str, str]] = field(default_factory=list)  # ("RCPT", address), ("DATA", address), ("RSET", "")

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]

    def recipients(self) -> list[str]:
        return [message["To"] for message in self.messages]


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        envelope.rcpt_tos.append(address)
        self.sink.log.append(("RCPT", address))
        return "250 OK"

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.sink.log.append(("RSET", ""))
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.sink.answers:
            answer = self.sink.answers.pop(0)
            if not answer.startswith("2"):
                return answer
        self.sink.messages.append(message_from_bytes(envelope.content))
        self.sink.log.append(("DATA", envelope.rcpt_tos[0]))
        return "250 2.0.0 Ok: queued as TEST"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Sink]:
    """A real SMTP server (aiosmtpd) on a free loopback port; campaigns send to it through Django's SMTP backend."""
    port = _free_port()
    sink = Sink("127.0.0.1", port)
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=port)
    controller.start()
    settings.VIGIE_CAMPAIGN_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.VIGIE_CAMPAIGN_RATE = 0
    settings.VIGIE_CAMPAIGN_RETRY_SECONDS = 0
    settings.VIGIE_CAMPAIGN_SENDERS = 1
    yield sink
    controller.stop()
