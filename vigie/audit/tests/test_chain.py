"""The access log is tamper-evident: any change to a past entry, or its removal, is detected."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vigie.audit.models import AuditEvent
from vigie.audit.services import record, verify_chain


@pytest.fixture
def three_entries(org, owner):
    return [
        record("register.view", actor=owner, organisation=org),
        record("register.export", actor=owner, organisation=org, detail={"format": "csv", "rows": 12}),
        record("member.invite", actor=owner, organisation=org, detail={"email": "a@example.fr"}),
    ]


def test_entries_are_chained_in_order(three_entries) -> None:
    first, second, third = three_entries
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert verify_chain() == []


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(three_entries) -> None:
    entry = AuditEvent.objects.get(seq=2)
    entry.action = "nothing.to.see"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_an_entry_altered_in_the_database_is_detected(three_entries) -> None:
    AuditEvent.objects.filter(seq=2).update(detail={"format": "csv", "rows": 1})
    assert verify_chain() == ["entry #2 was altered"]


def test_a_removed_entry_is_detected(three_entries) -> None:
    AuditEvent.objects.filter(seq=2).delete()  # a raw queryset delete bypasses the model guard
    problems = verify_chain()
    assert "entry #2 is missing (next is #3)" in problems


def test_removing_the_last_entries_is_detected(three_entries) -> None:
    AuditEvent.objects.filter(seq=3).delete()
    assert verify_chain() == ["the last entries were removed"]


def test_a_rewritten_chain_is_detected_by_its_successor(three_entries) -> None:
    entry = AuditEvent.objects.get(seq=2)
    entry.detail = {"format": "csv", "rows": 1}
    AuditEvent.objects.filter(seq=2).update(detail=entry.detail, hash=entry.compute_hash())
    assert verify_chain() == ["entry #3 does not follow the previous entry"]


def test_deleting_the_user_leaves_the_log_intact(three_entries, owner) -> None:
    owner.delete()
    assert verify_chain() == []
    assert AuditEvent.objects.count() == 3


def test_verify_command_reports_an_intact_log_and_fails_on_tampering(three_entries, capsys) -> None:
    from django.core.management import CommandError, call_command

    call_command("audit", "verify")
    assert "3 entrées vérifiées" in capsys.readouterr().out
    AuditEvent.objects.filter(seq=1).update(action="forged")
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert "entry #1 was altered" in capsys.readouterr().err
