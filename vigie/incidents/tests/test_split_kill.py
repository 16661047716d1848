"""A worker killed with SIGKILL in the middle of a split: its forked processes die with it, and the next worker
resumes the split to exactly the expected rows per controller, none twice (issue 16: nobody missed after a crash).

Real processes on a database of their own (the test database is not visible to other processes), as in
``vigie/campaigns/tests/test_import_kill.py``: one splits an uploaded file in forked processes and is held,
deterministically, once the first controller's list is stored; it is killed; ``vigie worker --until-idle`` then
takes the split up again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

VIGIE = [sys.executable, "-m", "vigie.cli"]

HEADER = "Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville"
ROWS = 3000
CODES = ("LAB1", "LAB2", "LAB3", "AILLEURS")

SPLIT_AND_HOLD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
import django
django.setup()
from vigie.accounts.models import Organisation
from vigie.incidents import splitting, uploads
from vigie.incidents.services import create_incident

vendor = Organisation.objects.create(name="Éditeur", kind="other")
labs = [Organisation.objects.create(name=f"Labo {n}", kind="laboratoire", dpo_email=f"dpo@lab{n}.example")
        for n in (1, 2, 3)]
facts = {"breach_types": ["confidentiality"], "origin": "hacking", "data_categories": ["identity"],
         "person_categories": ["patients"], "persons_count": 3000}
incident = create_incident(vendor, controllers=[(lab, f"LAB{n}") for n, lab in enumerate(labs, start=1)],
                           facts=facts, title="Faille", by=None)
upload = uploads.upload_leaked_file(incident, name="fuite.csv", data=sys.stdin.buffer.read(), by=None)
uploads.choose_key_column(upload, key_column="Code labo", by=None)  # VIGIE_TASKS_IMMEDIATE: counted here
real_close = splitting._close_part

def close_then_hold(*args, **kwargs):
    done = real_close(*args, **kwargs)
    print("HELD", flush=True)
    time.sleep(600)

splitting._close_part = close_then_hold
uploads.request_split(upload, by=None)  # the split runs here, its parts built in forked processes
"""

STATUS = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
import django
django.setup()
from django.db.models import Count
from vigie.campaigns.models import Campaign, Recipient
from vigie.incidents.models import SplitPart, SplitUpload
upload = SplitUpload.objects.get()
per_lab = {}
for link in upload.incident.controllers.all():
    campaigns = Campaign.objects.filter(breach=link.breach)
    rows = Recipient.objects.filter(campaign__in=campaigns)
    twice = rows.values("line").annotate(n=Count("pk")).filter(n__gt=1).count()
    per_lab[link.code] = [campaigns.count(), [c.status for c in campaigns], rows.count(), twice]
print(json.dumps({"status": upload.status, "parts": SplitPart.objects.count(), "labs": per_lab,
                  "finished": bool(upload.split and upload.split.finished_at)}))
"""


def leaked() -> bytes:
    rows = [f"{CODES[i % 4]};Nom{i};Anne;F;0{1 + i % 9}/03/19{10 + i % 80};p{i}@exemple-patient.fr;56000;Vannes"
            for i in range(ROWS)]  # fmt: skip
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_worker_killed_mid_split_takes_its_processes_with_it_and_the_next_worker_completes_it(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "VIGIE_ENV": "development",
        "DEBUG": "false",
        "VIGIE_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS": "0",
        "VIGIE_SPLIT_PARALLEL_ROWS": "0",
        "VIGIE_SPLIT_PROCESSES": "2",
    }
    (tmp_path / "var").mkdir()
    subprocess.run([*VIGIE, "migrate", "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
    splitting = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, "-c", SPLIT_AND_HOLD],
        env={**env, "VIGIE_TASKS_IMMEDIATE": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert splitting.stdin is not None and splitting.stdout is not None
        splitting.stdin.write(leaked())
        splitting.stdin.close()
        assert splitting.stdout.readline().strip() == b"HELD"
        forked = _children(splitting.pid)
        assert len(forked) == 2  # the pool's two processes
        os.kill(splitting.pid, signal.SIGKILL)
        splitting.wait(timeout=30)
    finally:
        if splitting.poll() is None:
            splitting.kill()
    assert splitting.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in forked) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in forked)  # no orphan left computing
    command = [sys.executable, "-c", STATUS]
    before = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)  # noqa: S603
    assert before["status"] == "splitting" and not before["finished"] and before["parts"] == 3

    worker = subprocess.run([*VIGIE, "worker", "--until-idle", "--interval", "0"], env=env, capture_output=True,  # noqa: S603
                            timeout=180)  # fmt: skip
    assert worker.returncode == 0, worker.stderr
    after = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)  # noqa: S603
    assert after["status"] == "done" and after["finished"] and after["parts"] == 3
    assert after["labs"] == {code: [1, ["ready"], ROWS // 4, 0] for code in ("LAB1", "LAB2", "LAB3")}
