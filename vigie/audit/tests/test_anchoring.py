"""Whoever can write the database cannot re-hash an edit nor cut the tail: the chain is keyed, and its head is
anchored in signed checkpoints outside the database."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from vigie.audit.models import GENESIS, KEYED, PLAIN, AuditEvent, ChainHead
from vigie.audit.services import record, verify_chain, write_checkpoint


@pytest.fixture
def entries(org, owner):
    return [record("register.view", actor=owner, organisation=org, detail={"n": n}) for n in range(1, 6)]


def rewrite(from_seq: int, *, version: int, key: bytes | None = None, **change: object) -> None:
    """What an attacker with the database does: change entry ``from_seq``, then recompute every hash after it
    (plain SHA-256, or an HMAC under a key of their own) and move the chain head."""
    previous = AuditEvent.objects.filter(seq=from_seq - 1).values_list("hash", flat=True).first() or GENESIS
    for event in AuditEvent.objects.filter(seq__gte=from_seq).order_by("seq"):
        if event.seq == from_seq:
            for name, value in change.items():
                setattr(event, name, value)
        event.prev_hash, event.chain_version = previous, version
        event.hash = event.compute_hash(key)
        AuditEvent.objects.filter(pk=event.pk).update(
            prev_hash=event.prev_hash, chain_version=version, hash=event.hash, detail=event.detail
        )
        previous = event.hash
    ChainHead.objects.filter(pk=1).update(last_hash=previous)


def test_new_entries_are_keyed_with_hmac(entries) -> None:
    assert all(entry.chain_version == KEYED for entry in entries)
    assert verify_chain() == []


def test_an_edit_re_hashed_with_plain_sha256_is_detected(entries) -> None:
    rewrite(3, version=PLAIN, detail={"n": 0})
    assert "entry #3 is not keyed, after keyed entries" in verify_chain()


def test_an_edit_re_hashed_with_another_key_is_detected(entries) -> None:
    rewrite(3, version=KEYED, key=b"guessed" * 4, detail={"n": 0})
    assert verify_chain() == [f"entry #{n} was altered" for n in (3, 4, 5)]


def test_a_whole_chain_recomputed_with_plain_sha256_is_detected_by_the_checkpoint(entries) -> None:
    checkpoint, problems = write_checkpoint()
    assert problems == [] and checkpoint is not None and checkpoint.length == 5 and checkpoint.keyed_from == 1
    rewrite(1, version=PLAIN, detail={"n": 0})  # every entry plain, the chain consistent within the database
    problems = verify_chain()
    assert "entry #5 is not the one the checkpoint of" in " ".join(problems)
    assert "entries from #1 must be keyed, as the checkpoints say, and are not" in problems


def test_a_cut_tail_with_its_head_moved_is_detected_by_the_checkpoint(entries) -> None:
    write_checkpoint()
    AuditEvent.objects.filter(seq__gte=4).delete()
    ChainHead.objects.filter(pk=1).update(last_hash=AuditEvent.objects.get(seq=3).hash, length=3)
    problems = verify_chain()
    assert len(problems) == 1
    assert problems[0].startswith("the log ends at #3 but the checkpoint of") and "saw #5" in problems[0]


def test_a_forged_or_edited_checkpoint_is_refused(entries, checkpoint_file) -> None:
    write_checkpoint()
    line = json.loads(checkpoint_file.read_text())
    line["length"] = 3  # hide the last two entries, to cut them unseen
    with checkpoint_file.open("a") as file:
        file.write(json.dumps(line) + "\n")
    assert verify_chain() == ["checkpoint line 2 is not signed with this installation's audit key"]


def test_a_tampered_chain_is_never_anchored(entries, checkpoint_file) -> None:
    AuditEvent.objects.filter(seq=2).update(action="forged")
    checkpoint, problems = write_checkpoint()
    assert checkpoint is None and problems == ["entry #2 was altered"]
    assert not checkpoint_file.exists()


def test_entries_from_before_the_key_verify_as_before_then_the_chain_is_keyed(org, owner) -> None:
    # Two entries as migration 0002 leaves them: written by the previous version, plain SHA-256.
    old = [record("register.view", actor=owner, organisation=org) for _ in range(2)]
    rewrite(1, version=PLAIN)
    new = record("register.export", actor=owner, organisation=org)
    assert new.prev_hash == AuditEvent.objects.get(seq=2).hash and new.chain_version == KEYED
    assert [e.chain_version for e in AuditEvent.objects.order_by("seq")] == [PLAIN, PLAIN, KEYED]
    assert len(old) == 2 and verify_chain() == []
    checkpoint, _ = write_checkpoint()
    assert checkpoint is not None and checkpoint.keyed_from == 3 and checkpoint.length == 3
    rewrite(3, version=PLAIN, detail={"rows": 0})  # the keyed entry turned plain: caught twice
    problems = verify_chain()
    assert "entries from #3 must be keyed, as the checkpoints say, and are not" in problems


def test_the_commands_write_a_checkpoint_and_verify_against_it(entries, capsys) -> None:
    call_command("audit", "verify")
    assert "Aucun point d'ancrage" in capsys.readouterr().out
    call_command("audit", "checkpoint")
    assert "5 entrées" in capsys.readouterr().out
    call_command("audit", "verify")
    assert "Conforme au dernier point d'ancrage" in capsys.readouterr().out
    AuditEvent.objects.filter(seq=5).delete()
    ChainHead.objects.filter(pk=1).update(last_hash=AuditEvent.objects.get(seq=4).hash, length=4)
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert "entries were removed" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_the_workers_write_a_checkpoint_as_they_start_then_hourly(entries, checkpoint_file, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("worker", "--until-idle", "--interval", "0", stdout=None)
    [line] = checkpoint_file.read_text().splitlines()
    assert json.loads(line)["length"] == 5
    waiting = DBTaskResult.objects.filter(status="READY", task_path="vigie.audit.tasks.audit_checkpoint")
    assert waiting.count() == 1 and waiting.get().run_after is not None  # the next one, an hour later
