"""The webhook clock: started by the workers, one chain of ticks, each tick scheduling the next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from django_tasks import default_task_backend

from vigie.api.models import WebhookEndpoint
from vigie.api.tasks import ensure_ticking, webhook_tick


@pytest.fixture
def dummy(settings):
    """A backend that keeps what is enqueued, and can defer (as the database backend of the workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return settings


def _an_endpoint(org) -> None:
    WebhookEndpoint.objects.create(organisation=org, url="https://siem.example.org/", events=["breach.created"],
                                   secret_encrypted=b"x")  # fmt: skip


def test_without_webhooks_there_is_no_clock(db, dummy) -> None:
    apps.get_app_config("api").worker_started()
    webhook_tick.call()
    assert default_task_backend.results == []


def test_the_workers_start_the_clock_through_the_app_config(db, dummy, org) -> None:
    _an_endpoint(org)
    apps.get_app_config("api").worker_started()
    (queued,) = default_task_backend.results
    assert queued.task.name == "webhook_tick" and queued.task.run_after is None


def test_a_tick_schedules_the_next_one_a_minute_later(db, dummy, org) -> None:
    _an_endpoint(org)
    dummy.VIGIE_WEBHOOK_TICK_SECONDS = 60
    before = timezone.now()
    webhook_tick.call()
    (queued,) = default_task_backend.results
    assert queued.task.name == "webhook_tick"
    assert before + timedelta(seconds=59) <= queued.task.run_after <= timezone.now() + timedelta(seconds=61)


def test_no_second_chain_when_a_tick_is_already_waiting(db, dummy, org) -> None:
    _an_endpoint(org)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        status="READY", task_path="vigie.api.tasks.webhook_tick", args_kwargs={"args": [], "kwargs": {}},
        queue_name="default", backend_name="default", run_after=timezone.now() + timedelta(seconds=30),
    )  # fmt: skip
    default_task_backend.clear()
    assert ensure_ticking() is False
    webhook_tick.call()
    assert default_task_backend.results == []


def test_adding_an_endpoint_starts_the_clock(
    db, dummy, org, owner, settings, django_capture_on_commit_callbacks
) -> None:
    from vigie.api.webhooks import create_endpoint

    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with django_capture_on_commit_callbacks(execute=True):
        create_endpoint(org, by=owner, url="http://127.0.0.1:9/hook", events=["breach.created"])
    assert [result.task.name for result in default_task_backend.results] == ["webhook_tick"]


def test_an_immediate_backend_does_not_tick(db, org) -> None:
    _an_endpoint(org)
    assert ensure_ticking() is False
