"""Entries written at the same moment by several connections still form one chain, numbered one after the other.

Each request of a real server has its own database connection. On PostgreSQL the chain head is locked
(``SELECT … FOR UPDATE``); on SQLite, which ignores that clause, every transaction begins ``IMMEDIATE`` and
so takes the write lock before it reads the head. The SQLite test database lives in memory and is shared
by every thread of the test process, which is not how Vigie runs: on SQLite the writers here are threads
of a separate process, on a database file, as in an installation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from vigie.audit.models import AuditEvent
from vigie.audit.services import record, verify_chain

WRITERS = 4
EACH = 25

# Several threads of one process, each with its own connection to a fresh SQLite file.
_SQLITE_WRITERS = """
import json, sys, threading
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", "audit", verbosity=0)
from vigie.audit.models import AuditEvent
from vigie.audit.services import record, verify_chain
writers, each = int(sys.argv[1]), int(sys.argv[2])
start, errors = threading.Barrier(writers), []
def write(n):
    start.wait()
    try:
        for i in range(each):
            record("register.view", detail={"writer": n, "i": i})
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
for t in threads: t.start()
for t in threads: t.join()
seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
print(json.dumps({"errors": errors, "seqs": seqs, "problems": verify_chain()}))
"""


def _write_at_once_in_threads() -> list[str]:
    start, errors = threading.Barrier(WRITERS), []

    def write(n: int) -> None:
        start.wait()
        try:
            for i in range(EACH):
                record("register.view", detail={"writer": n, "i": i})
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_number_their_entries_one_after_the_other(tmp_path: Path) -> None:
    if connection.vendor == "sqlite":
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'vigie.sqlite3'}",
            "VIGIE_ENV": "development",
            "VIGIE_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
            "DJANGO_SETTINGS_MODULE": "vigie.settings",
        }
        run = subprocess.run(
            [sys.executable, "-c", _SQLITE_WRITERS, str(WRITERS), str(EACH)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        outcome = json.loads(run.stdout.strip().splitlines()[-1])
        errors, seqs, problems = outcome["errors"], outcome["seqs"], outcome["problems"]
    else:
        errors = _write_at_once_in_threads()
        seqs = sorted(AuditEvent.objects.values_list("seq", flat=True))
        problems = verify_chain()
    assert errors == []
    assert seqs == list(range(1, WRITERS * EACH + 1))
    assert problems == []
