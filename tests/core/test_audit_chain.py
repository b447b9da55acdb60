"""The audit log proves itself: `shuangbai audit verify` names every entry edited, deleted or inserted with
raw SQL, and passes an untouched log."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from shuangbai.core.audit import audit_record, audit_verify
from shuangbai.core.models import AuditAction, AuditEntry


def _entries(world, n=6):
    return [
        audit_record(actor=world.county, action=AuditAction.VIEW, obj=world.beneficiary_a, changes={"n": i})
        for i in range(n)
    ]


def _verify() -> str:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error)
    return out.getvalue()


def test_an_untouched_log_verifies(world):
    _entries(world)
    count, problems = audit_verify()
    assert problems == [] and count == AuditEntry.objects.unscoped("test").count() >= 6
    assert "链完整" in _verify()


def test_an_edit_a_delete_and_an_insert_are_each_named(world):
    entries = _entries(world)
    edited, deleted = entries[1], entries[3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["改过", edited.pk])
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [deleted.pk])
        cursor.execute(
            "INSERT INTO core_auditentry (at, actor_name, action, object_type, object_id, object_repr, changes,"
            " region_code, previous_id, chain) VALUES (CURRENT_TIMESTAMP, 'ghost', 'view', '', '', '伪造', '{}',"
            " '', %s, %s)",
            [entries[-1].pk, "0" * 64],
        )
        cursor.execute("SELECT max(id) FROM core_auditentry")
        inserted = cursor.fetchone()[0]
    _, problems = audit_verify()
    report = "\n".join(problems)
    assert f"第{edited.pk}条的内容与校验链不符" in report
    assert f"第{deleted.pk}条已被删除" in report
    assert f"第{inserted}条的内容与校验链不符" in report
    # nothing else is named: the entries around them still verify
    for entry in entries:
        if entry.pk not in (edited.pk, deleted.pk):
            assert f"第{entry.pk}条的内容" not in report
    with pytest.raises(CommandError, match="审计日志校验未通过"):
        call_command("audit", "verify", stdout=io.StringIO())


def test_deleting_the_newest_entry_is_found(world):
    entries = _entries(world, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    _, problems = audit_verify()
    assert problems == [f"第{entries[-1].pk}条（最新一条）已被删除。"]
