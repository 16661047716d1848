# ruff: noqa: S603, S607  (benchmarks start the project's own commands)
"""Mail-server fault benchmark: what a campaign does when the relay fails as a whole, and what it costs.

    python bench/bench_smtp_faults.py [--persons 1000] [--timeout 2]

For each fault, a scripted aiosmtpd server in its own process answers as a failing relay does (530 or 554 at
MAIL FROM, 421, relaying refused at RCPT TO, a message refused for its content at DATA, a refused login, a
server that never answers, no server at all); a control run refuses one person in ten at RCPT TO (550 user
unknown). A fresh campaign of ``--persons`` persons (each with an e-mail and an address) is started with the
tasks run inline. Printed per fault: the campaign's status, recipients failed / switched to letters / still
pending, the SMTP transactions the server saw, and the wall time of ``vigie campaign start`` (Django's start
included). Expected: every server fault pauses with 0 failed, 0 letters, everyone pending, after one
transaction; the control fails exactly its refused tenth.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_dispatch import PYTHON, ROOT, VIGIE, database_env, free_port, machine, make_breach, status, vigie, write_list

ANOTHER_BREACH = r"""
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from vigie.breaches.models import Breach
breach = Breach.objects.get(pk=int(sys.argv[1]))
breach.pk, breach.reference = None, f"2026-{Breach.objects.count() + 1:03d}"
breach.save()
print(breach.pk)
"""

SCRIPTED_SINK = r"""
import asyncio, signal, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, log, fault = int(sys.argv[1]), open(sys.argv[2], "w", buffering=1), sys.argv[3]

class Handler:
    async def handle_MAIL(self, server, session, envelope, address, options):
        log.write("MAIL\n")
        if fault == "hang":
            await asyncio.sleep(3600)
        answer = {"530": "530 5.7.0 Authentication required", "554": "554 5.7.1 Sender rejected",
                  "421": "421 4.3.2 Service shutting down"}.get(fault)
        if answer:
            return answer
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if fault == "relay":
            return "554 5.7.1 <" + address + ">: Relay access denied"
        if fault == "control" and int(address.split("@")[0][7:]) % 10 == 0:
            return "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if fault == "content":
            return "554 5.7.1 Message rejected as spam"
        log.write("DATA\n")
        return "250 2.0.0 Ok: queued"

controller = Controller(Handler(), hostname="127.0.0.1", port=port, auth_require_tls=False,
                        authenticator=lambda *args: AuthResult(success=False, handled=False))
controller.start()
signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
signal.pause()
"""

FAULTS = [
    ("530 at MAIL FROM", "530"),
    ("554 at MAIL FROM", "554"),
    ("421 at MAIL FROM", "421"),
    ("554 relay denied at RCPT TO", "relay"),
    ("554 5.7.1 content refused at DATA", "content"),
    ("login refused (535)", "login"),
    ("server never answers", "hang"),
    ("no server listening", "none"),
    ("control: 550 user unknown for 1 in 10", "control"),
]


def _serve(fault: str, folder: Path) -> tuple[subprocess.Popen[bytes] | None, int, Path]:
    port, log = free_port(), folder / f"sink-{fault}.log"
    log.write_text("")
    if fault == "none":
        return None, port, log
    process = subprocess.Popen([PYTHON, "-c", SCRIPTED_SINK, str(port), str(log), fault])
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port, log
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the scripted server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=2.0, help="VIGIE_CAMPAIGN_SMTP_TIMEOUT, seconds")
    args = parser.parse_args()
    print(f"Machine: {machine()}; {args.persons} persons per campaign; SMTP time-out {args.timeout:g} s; SQLite")
    print("| fault | status | failed | letters | pending | sent | SMTP transactions | start took | reason |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="vigie-bench-smtp-") as tmp:
        folder = Path(tmp)
        env = database_env(None, folder)
        first, persons = make_breach(env), write_list(folder / "list.csv", args.persons)
        for label, fault in FAULTS:  # a breach each: the same persons in one breach would be "already informed"
            copy = [PYTHON, "-c", ANOTHER_BREACH, str(first)]
            breach = subprocess.run(copy, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
            campaign = int(json.loads(vigie(env, "campaign", "import", breach, str(persons), "--json"))["campaign"])
            process, port, log = _serve(fault, folder)
            run_env = {
                **env,
                "VIGIE_TASKS_IMMEDIATE": "1",
                "VIGIE_CAMPAIGN_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
                "EMAIL_HOST_USER": "vigie" if fault == "login" else "",
                "EMAIL_HOST_PASSWORD": "wrong" if fault == "login" else "",
                "VIGIE_CAMPAIGN_SMTP_TIMEOUT": str(args.timeout),
                "VIGIE_CAMPAIGN_RATE": "0",
                "VIGIE_CAMPAIGN_SENDERS": "1",
                "VIGIE_CAMPAIGN_RETRY_SECONDS": "0",
            }
            started = time.monotonic()
            subprocess.run([VIGIE, "campaign", "start", str(campaign)], env=run_env, cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip
            took = time.monotonic() - started
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
            seen = log.read_text().split().count("MAIL")
            state = status(env, campaign)
            reason = str(state.get("pause_reason", ""))[:60].replace("|", "/")
            print(f"| {label} | {state['status']} | {state['failed']} | {state['letters'] + state['letters_pending']} "
                  f"| {state['pending']} | {state['sent']} | {seen} | {took:.1f} s | {reason} |")  # fmt: skip
    print(f"Machine after the run: {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
