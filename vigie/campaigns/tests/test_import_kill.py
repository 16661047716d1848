"""A worker killed with SIGKILL in the middle of an import leaves no patient in clear on disk (issue 20.1).

Real processes on a database of their own (the test database is not visible to other processes): one imports an
uploaded list and is held, deterministically, after its first chunk is stored; it is then killed with SIGKILL,
every file it could have written is searched for the patients' names, and a worker started afterwards takes the
import up again and clears what an older version left in the temporary folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from vigie.campaigns.tests.conftest import HEADER, person_line

VIGIE = [sys.executable, "-m", "vigie.cli"]

# The import of an uploaded list, held after its first stored chunk until it is killed.
IMPORT_AND_HOLD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
import django
django.setup()
from django.utils import timezone
from vigie.accounts.models import Organisation
from vigie.breaches.models import Breach
from vigie.campaigns import services
from vigie.campaigns.services import imports

org = Organisation.objects.create(name="Cabinet", dpo_email="dpo@example.fr")
breach = Breach.objects.create(organisation=org, reference="2026-001", title="Vol", became_aware_at=timezone.now())
campaign = services.new_campaign(breach, by=None, name="patients.csv", data=sys.stdin.buffer.read())
real_store = imports.store_persons

def store_then_hold(campaign, chunks):
    first = next(iter(chunks))
    real_store(campaign, [first])
    print("HELD", flush=True)
    time.sleep(600)

imports.store_persons = store_then_hold
services.request_import(campaign, by=None)  # VIGIE_TASKS_IMMEDIATE: the import runs here
"""

STATUS = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
import django
django.setup()
from vigie.campaigns.models import Campaign
campaign = Campaign.objects.get()
print(campaign.status, campaign.recipients.count())
"""


def _files_holding(root: Path, secret: bytes) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file() and secret in path.read_bytes()]


def test_a_worker_killed_mid_import_leaves_no_plaintext_and_the_next_worker_finishes_the_import(
    tmp_path: Path,
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {
        **os.environ,
        "VIGIE_ENV": "development",
        "DEBUG": "false",
        "VIGIE_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
        "TMPDIR": str(temporary),  # where a plaintext copy would go
        "VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS": "0",
    }
    (tmp_path / "var").mkdir()
    subprocess.run([*VIGIE, "migrate", "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
    lines = [person_line(n) for n in range(1, 2500)]  # more than one chunk
    data = ("\n".join([HEADER, *lines]) + "\n").encode()
    importing = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, "-c", IMPORT_AND_HOLD],
        env={**env, "VIGIE_TASKS_IMMEDIATE": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=False,
    )
    try:
        assert importing.stdin is not None and importing.stdout is not None
        importing.stdin.write(data)
        importing.stdin.close()
        assert importing.stdout.readline().strip() == b"HELD"
        secrets = [b"Nom00001x", b"NOM00001X", b"patient2400@"]
        assert not [path for secret in secrets for path in _files_holding(temporary, secret)]
        os.kill(importing.pid, signal.SIGKILL)
        importing.wait(timeout=30)
    finally:
        if importing.poll() is None:
            importing.kill()
    assert importing.returncode == -signal.SIGKILL
    for secret in (b"Nom00001x", b"NOM00001X", b"patient2400@", b"rue des Lilas"):
        assert not _files_holding(tmp_path, secret), secret

    # What an older version left: removed by the next worker, which also takes the import up again.
    leftover = temporary / "vigie-import-abc123"
    leftover.mkdir()
    (leftover / "patients.csv").write_bytes(data)
    command = [*VIGIE, "worker", "--until-idle", "--interval", "0"]
    worker = subprocess.run(command, env=env, capture_output=True, timeout=120)  # noqa: S603
    assert worker.returncode == 0, worker.stderr
    assert not leftover.exists()
    command = [sys.executable, "-c", STATUS]
    status = subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert status.stdout.split() == ["ready", str(len(lines))]
