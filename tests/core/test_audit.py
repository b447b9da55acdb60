from datetime import date

import pytest
from django.test import Client

from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.staff.services import staff_move
from shuangbai.stations.services import station_retire, station_update


def test_create_change_and_retire_are_audited_with_the_fields(world):
    station_update(
        actor=world.county, station=world.station_a, version=1, phone="0766-3800001", name="素龙站"
    )
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(world.station_a.pk)).get()
    assert entry.actor == world.county
    assert entry.changes == {"phone": ["", "0766-3800001"], "name": ["素龙街道社工站", "素龙站"]}
    assert entry.region_code == "445381002000"
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="stations.station").count() == 5


def test_retirement_is_audited(world):
    station = world.station_d
    station.points.update(retired_on=date(2022, 1, 1))
    station.staff.update(status="left", left_on=date(2022, 1, 1))
    station_retire(
        actor=world.province,
        station=station,
        version=station.version,
        on_date=date(2022, 1, 2),
        reason="合并",
    )
    entry = AuditEntry.objects.get(action=AuditAction.RETIRE)
    assert entry.changes["retired_reason"] == ["", "合并"]


def test_viewing_a_personal_data_page_is_audited(world):
    client = Client()
    client.force_login(world.county)
    client.get(f"/staff/{world.staff_a.pk}/", REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.actor, entry.object_id, entry.ip) == (world.county, str(world.staff_a.pk), "10.1.2.3")


def test_audit_entries_cannot_be_changed_or_deleted(world):
    entry = AuditEntry.objects.first()
    entry.object_repr = "tampered"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="tampered")


def test_the_audit_page_searches_by_user_object_and_date(world):
    staff_move(
        actor=world.county,
        staff=world.staff_a,
        version=world.staff_a.version,
        station=world.station_b,
        point=None,
        position="worker",
        on_date=date(2023, 3, 1),
    )
    client = Client()
    client.force_login(world.county)
    page = client.get("/audit/", {"user": "county", "object": "社工A"}).content.decode()
    assert "社工A" in page and "修改" in page
    today = date.today().isoformat()
    assert "社工A" in client.get("/audit/", {"date_from": today, "date_to": today}).content.decode()
    assert "没有符合条件的记录" in client.get("/audit/", {"date_to": "2000-01-01"}).content.decode()
    bad = client.get("/audit/", {"date_from": "2024-02-01", "date_to": "2024-01-01"}).content.decode()
    assert "起始日期不能晚于截止日期" in bad


def test_a_county_sees_only_its_own_entries(world):
    station_update(actor=world.city, station=world.station_c, version=1, phone="0766-1")
    client = Client()
    client.force_login(world.county)
    page = client.get("/audit/", {"action": "change"}).content.decode()
    assert "高峰街道社工站" not in page
    client.force_login(world.city)
    assert "高峰街道社工站" in client.get("/audit/", {"action": "change"}).content.decode()
