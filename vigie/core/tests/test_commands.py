"""The operational commands: ``breach list``, ``demo``, ``worker``, ``serve``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from vigie.accounts.models import Membership, Organisation, User
from vigie.breaches.models import Breach, ObligationState, TimelineEvent
from vigie.breaches.tests.test_register import add_breach, paris
from vigie.compliance import documents
from vigie.compliance.services import profile_for
from vigie.compliance.tests.test_record import pdf_text
from vigie.conftest import sign_in
from vigie.core.management.commands import demo, serve
from vigie.core.tasks import ping
from vigie.incidents import demo as incident_demo
from vigie.incidents.models import Incident


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- breach list ---------------------------------------------------------------------------------------------


def test_breach_list_json_gives_the_fields_scripts_rely_on(org: Organisation) -> None:
    aware = paris(2024, 3, 4, 9, 5)
    breach = add_breach(org, title="Rançongiciel", aware=aware, notified_at=aware + timedelta(hours=5), receipt="R")
    (item,) = json.loads(run("breach", "list", "--json"))
    assert item == {
        "id": breach.pk,
        "organisation": org.pk,
        "reference": breach.reference,
        "title": "Rançongiciel",
        "became_aware_at": "2024-03-04T09:05:00+01:00",
        "status": "assessed",
        "risk": "high",
        "notify_authority": True,
        "cnil_notified_at": "2024-03-04T14:05:00+01:00",
    }


def test_breach_list_filters_by_organisation(org: Organisation, make_org: Any) -> None:
    other = make_org("Laboratoire")
    add_breach(org, title="Ici")
    add_breach(other, title="Ailleurs", risk=None)
    assert [item["title"] for item in json.loads(run("breach", "list", "--org", str(other.pk), "--json"))] == [
        "Ailleurs"
    ]
    with pytest.raises(CommandError, match="Aucune organisation"):
        run("breach", "list", "--org", "999999")


def test_breach_list_prints_an_aligned_table(org: Organisation) -> None:
    add_breach(org, title="Premier", reference="2024-001", aware=paris(2024, 1, 1, 8, 0))
    add_breach(org, title="Second", reference="2024-0002", aware=paris(2024, 2, 1, 8, 0))
    header, *lines = run("breach", "list").splitlines()
    assert "Référence" in header and "Titre" in header
    assert {line.index("Second" if "Second" in line else "Premier") for line in lines} == {header.index("Titre")}


def test_breach_list_without_breaches_says_so(db: None) -> None:
    assert run("breach", "list").strip() == "Aucune violation."
    assert json.loads(run("breach", "list", "--json")) == []


# --- demo ----------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    # The demo's incident splits a leaked file: its encrypted parts go to the test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (User, Organisation, Membership, Breach, ObligationState, TimelineEvent, TOTPDevice, StaticToken)
    )


def test_demo_refuses_to_run_in_production(db: None, settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="VIGIE_ENV=production"):
        run("demo")
    with pytest.raises(CommandError, match="VIGIE_ENV=production"):
        run("demo", "--code")
    assert not User.objects.filter(email=demo.EMAIL).exists()


def test_demo_is_idempotent(db: None) -> None:
    first = run("demo")
    after_first = counts()
    second = run("demo")
    assert counts() == after_first
    assert "demo@vigie.test" in first and demo.PASSWORD in first and "http://127.0.0.1:8000/" in first
    assert "rien n'a été ajouté" in second
    assert "Un incident chez l'éditeur" in first and "incident" not in second


def test_demo_seeds_a_practice_and_a_lab_with_breaches_over_two_years(db: None) -> None:
    run("demo")
    lab = Organisation.objects.get(name=demo.LAB)
    gp = Organisation.objects.get(name=demo.GP)
    assert (lab.kind, lab.city, lab.cyber_insurance) == ("laboratoire", "Vannes", True)
    assert (gp.kind, gp.profession, gp.city) == ("cabinet_medical", "medecins", "Lyon")
    user = User.objects.get(email=demo.EMAIL)
    assert user.check_password(demo.PASSWORD)
    # Owner of the practice, the lab and its software vendor; DPO of the vendor's two other lab clients.
    roles = dict(Membership.objects.filter(user=user).values_list("organisation__name", "role"))
    assert {name: role for name, role in roles.items() if role == "owner"}.keys() == {
        demo.GP,
        demo.LAB,
        incident_demo.VENDOR,
    }
    assert sorted(name for name, role in roles.items() if role == "dpo") == sorted(
        name for name, _code, _city in incident_demo.LABS[1:]
    )
    # The stories, and one breach per lab of the vendor's incident (the demo's own lab included).
    breaches = list(Breach.objects.exclude(incident_link__isnull=False))
    assert len(breaches) == len(demo.STORIES) >= 7
    incident = Incident.objects.get(title=incident_demo.TITLE)
    assert incident.processor.name == incident_demo.VENDOR
    assert sorted(incident.controllers.values_list("code", flat=True)) == ["ARMOR", "EMERAUDE", "REMPARTS"]
    assert incident.controllers.get(code="ARMOR").organisation == lab
    assert all(b.assessment for b in breaches)  # every story has the minimum facts
    running = Breach.objects.get(title="Rançongiciel sur le poste du secrétariat")
    assert running.cnil_deadline > running.became_aware_at and not running.obligation_states.exists()
    late = ObligationState.objects.get(breach__title="Accès non autorisé au portail patients", obligation="notify_cnil")
    assert late.delay_reasons and late.done_at > late.breach.cnil_deadline
    ransom = ObligationState.objects.get(
        breach__title__startswith="Rançongiciel sur le serveur", obligation="notify_cnil"
    )
    assert ransom.reference and ransom.done_at <= ransom.breach.cnil_deadline
    # Each step is journalled at the moment it happened, not when the demo ran.
    declared = TimelineEvent.objects.get(breach=ransom.breach, kind="declared")
    assert declared.at == ransom.breach.became_aware_at + timedelta(minutes=45)


def test_demo_poster_shows_the_practices_purposes_legal_bases_and_retention_periods(db: None, client: Any) -> None:
    run("demo")
    gp = Organisation.objects.get(name=demo.GP)
    sign_in(client, User.objects.get(email=demo.EMAIL))
    page = client.get(f"/organisations/{gp.pk}/conformite/affiche/").content.decode()
    assert "Dossier médical et suivi des patients" in page
    assert "Base légale" in page and "art. R.4127-45 CSP" in page
    assert "20 ans après la dernière consultation" in page
    assert "pas encore rempli" not in page
    poster = pdf_text(documents.poster_pdf(documents.build_notice(gp, profile_for(gp))))
    assert "20 ans" in poster
    lab = Organisation.objects.get(name=demo.LAB)
    assert lab.processing_activities.filter(template_key="dossier-biologie").exists()
    run("demo")  # a second run adds no activity twice
    assert gp.processing_activities.count() == len(gp.processing_activities.values("template_key").distinct())


def test_demo_names_every_organisation_of_the_demo_user_with_the_role_held(db: None) -> None:
    out = run("demo")
    listed = out.split("Organisations :\n", 1)[1].splitlines()
    memberships = Membership.objects.filter(user__email=demo.EMAIL).select_related("organisation")
    assert len(listed) == memberships.count() >= 3
    for membership in memberships:
        role = {"owner": "Propriétaire", "dpo": "DPO"}[membership.role]
        assert f"  - {membership.organisation.name} ({role})" in listed


@override_settings(SERVE_HOST="0.0.0.0", SERVE_PORT=9123)  # noqa: S104 - what `VIGIE_HOST=0.0.0.0 PORT=9123` sets
def test_demo_prints_the_address_serve_listens_on(db: None) -> None:
    assert "Adresse : http://127.0.0.1:9123/" in run("demo")


def test_demo_code_prints_the_current_second_factor_code(db: None) -> None:
    with pytest.raises(CommandError):
        run("demo", "--code")
    run("demo")
    device = TOTPDevice.objects.get(user__email=demo.EMAIL)
    code = run("demo", "--code").strip()
    # The current code, or the previous one if a 30-second step ended between the two lines.
    assert code in {f"{totp(device.bin_key, drift=drift):06d}" for drift in (0, -1)}


# --- worker and serve ----------------------------------------------------------------------------------------


# A real transaction: the worker checks its connection between tasks (``close_old_connections``), and would
# close one left inside the test's transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_worker_until_idle_runs_the_queued_tasks() -> None:
    result = ping.enqueue()
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    out = run("worker", "--until-idle", "--interval", "0")
    assert "exécuteur de tâches démarré" in out
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == "SUCCESSFUL" and task.return_value == "pong"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_worker_start_sends_the_reminders_that_fell_due_while_no_worker_ran(mailoutbox) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from vigie.accounts.models import Membership, Organisation, Role, User
    from vigie.breaches.models import ReminderSent
    from vigie.breaches.tests.helpers import declare_ransomware

    org = Organisation.objects.create(name="Cabinet", kind="cabinet_medical", dpo_email="dpo@cabinet.fr")
    owner = User.objects.create_user("owner@cabinet.fr", "x" * 16)
    Membership.objects.create(user=owner, organisation=org, role=Role.OWNER)
    breach = declare_ransomware(org, owner, aware=timezone.now() - timedelta(hours=50))  # 22 h left: T-24 h is due
    DBTaskResult.objects.all().delete()  # the deferred reminder tasks were lost (a dead worker, a restored backup)
    assert not ReminderSent.objects.exists()
    run("worker", "--until-idle", "--interval", "0")
    assert ReminderSent.objects.filter(breach=breach, obligation="notify_cnil", hours_before=24).exists()
    assert [message.subject for message in mailoutbox] == [
        f"[Vigie] Violation {breach.reference} : échéance dans moins de 24 heures"
    ]


def test_worker_is_not_needed_when_tasks_run_immediately(db: None) -> None:
    assert "immédiatement" in run("worker", "--until-idle")


class FakeWorker:
    def __init__(self) -> None:
        self.terminated = False

    def terminate(self) -> None:
        self.terminated = True

    def wait(self, timeout: float | None = None) -> int:
        return 0


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_serve_runs_a_worker_beside_the_server_and_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = FakeWorker()
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serve, "start_worker", lambda: worker)

    def runserver(name: str, addrport: str, **options: Any) -> None:
        calls.append((name, addrport, options["use_reloader"]))
        assert not worker.terminated  # the worker runs while the server does
        raise KeyboardInterrupt

    monkeypatch.setattr(serve, "call_command", runserver)
    out = run("serve", "--port", "8123")
    assert "Vigie est prêt : http://127.0.0.1:8123/" in out
    assert calls == [("runserver", "127.0.0.1:8123", False)]
    assert worker.terminated


@override_settings(SERVE_PORT=9124)
def test_serve_listens_on_the_port_of_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    addresses: list[str] = []

    def runserver(name: str, addrport: str, **options: Any) -> None:
        addresses.append(addrport)

    monkeypatch.setattr(serve, "call_command", runserver)
    out = run("serve", "--no-worker")
    assert addresses == ["127.0.0.1:9124"]
    assert "http://127.0.0.1:9124/" in out


def test_serve_starts_the_worker_with_the_vigie_command(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda args: started.append(args))
    serve.start_worker()
    assert started[0][1:] == ["-m", "vigie.cli", "worker"]


ENQUEUE_PINGS = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from vigie.core.tasks import ping
for _ in range(6):
    ping.enqueue()
"""

COUNT_DONE = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
django.setup()
from django_tasks_db.models import DBTaskResult
pings = DBTaskResult.objects.filter(task_path="vigie.core.tasks.ping")  # workers queue periodic tasks of their own
print(pings.filter(status="SUCCESSFUL", return_value="pong").count(), pings.count())
"""


VIGIE = [sys.executable, "-m", "vigie.cli"]


@pytest.fixture
def own_database(tmp_path: Path) -> dict[str, str]:
    """The environment of real worker processes on a migrated database of their own (the test database is not
    visible to other processes)."""
    env = {
        **os.environ,
        "VIGIE_ENV": "development",
        "DEBUG": "false",
        "VIGIE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
    }
    subprocess.run([*VIGIE, "migrate", "-v", "0"], env=env, check=True, timeout=120)  # noqa: S603
    return env


def test_worker_processes_run_together_on_one_queue_and_stop_when_idle(own_database: dict[str, str]) -> None:
    env = own_database
    subprocess.run([sys.executable, "-c", ENQUEUE_PINGS], env=env, check=True, timeout=60)
    worker = subprocess.run(
        [*VIGIE, "worker", "--processes", "2", "--until-idle", "--interval", "0"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert worker.returncode == 0, worker.stderr
    assert "2 exécuteurs de tâches démarrés" in worker.stdout
    assert worker.stdout.count("exécuteur de tâches démarré (file") == 2  # each child announces itself
    done = subprocess.run([sys.executable, "-c", COUNT_DONE], env=env, check=True, capture_output=True, text=True)
    assert done.stdout.split() == ["6", "6"]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_worker_processes_must_be_at_least_one(db: None) -> None:
    with pytest.raises(CommandError, match="au moins 1"):
        run("worker", "--processes", "0", "--until-idle")


def _children(pid: int) -> set[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _wait_for(condition: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_worker_process_that_dies_is_replaced_until_the_workers_are_stopped(own_database: dict[str, str]) -> None:
    env = own_database
    parent = subprocess.Popen([*VIGIE, "worker", "--processes", "2", "--interval", "0.2"], env=env)  # noqa: S603
    try:

        def two_children(without: int = 0) -> set[int] | None:
            found = _children(parent.pid)
            return found if len(found) == 2 and without not in found else None

        first = _wait_for(two_children)
        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        again = _wait_for(lambda: two_children(without=killed))
        assert len(again - first) == 1  # one new process in place of the killed one
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=60) == 0
        assert not _children(parent.pid)
    finally:
        if parent.poll() is None:
            parent.kill()
