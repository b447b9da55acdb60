"""Exporting the beneficiary list: who and when on the first line, IDs and phones masked, audited."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from openpyxl import load_workbook

from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.regions.models import Region
from shuangbai.registry.exports import export_beneficiaries
from shuangbai.registry.models import Category, Status
from shuangbai.registry.selectors import BeneficiaryFilter, beneficiary_list
from shuangbai.registry.services import beneficiary_exit, beneficiary_register, household_register
from tests.conftest import id_number

LUODING = "445381000000"


def register(world, name: str, number: str = "", **head):
    household = household_register(
        actor=world.county,
        village=Region.objects.get(code="445381002201"),
        address="凤塘村8号",
        phone="13800008888",
        head={"name": name, "id_number": number, "categories": [Category.objects.get(code="dibao")]} | head,
    )
    return household


def export(world, user=None, **filters) -> tuple[bytes, list[list]]:
    user = user or world.county
    chosen = BeneficiaryFilter(**filters)
    content = export_beneficiaries(
        actor=user, people=beneficiary_list(user, chosen), description=chosen.describe()
    )
    sheet = load_workbook(io.BytesIO(content)).active
    return content, [[cell.value for cell in row] for row in sheet.iter_rows()]


def all_text(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_the_export_carries_who_and_when_masks_ids_and_phones_and_is_audited(world):
    number = id_number("445381", "19440506", "515")
    household = register(
        world,
        "周某",
        number,
        health_notes="抑郁症，按时服药",
        disability_type="mental",
        disability_grade=2,
        living_situation="alone",
        risk_level="high",
        follow_up_level=1,
        phone="13912345678",
    )
    beneficiary_register(
        actor=world.county,
        household=household,
        name="周小",
        relation="grandchild",
        no_id_reason="no_hukou",
        gender="F",
        birth_date=date(2016, 2, 7),
        categories=Category.objects.filter(code__in=["left_behind_child", "dibao"]),
    )
    world.county.display_name = "罗定民政"
    world.county.save()

    content, rows = export(world, region=Region.objects.get(code=LUODING))

    now = timezone.localtime()
    title = rows[0][0]
    assert title.startswith("导出人：罗定民政（county） 导出时间：")
    assert f"{now:%Y年%-m月%-d日}" in title and title.endswith("范围：罗定市；状态：在册")
    assert rows[1][:6] == ["姓名", "身份证号", "性别", "出生日期", "年龄", "联系电话"]
    people = {row[0]: dict(zip(rows[1], row, strict=True)) for row in rows[2:]}
    assert set(people) == {"对象A", "对象B", "周某", "周小"}  # 罗定市: stations A and B
    zhou = people["周某"]
    assert zhou["身份证号"] == "445381********" + number[-4:]
    assert zhou["联系电话"] == "139****5678"
    assert zhou["性别"] == "男" and zhou["出生日期"].date() == date(1944, 5, 6)
    assert zhou["年龄"] == now.year - 1944 - ((now.month, now.day) < (5, 6))
    assert (zhou["镇（街）"], zhou["村（居）"], zhou["住址"]) == ("素龙街道", "凤塘村", "凤塘村8号")
    assert (zhou["社工站"], zhou["社工点"]) == (world.station_a.name, world.point_a.name)
    assert zhou["残疾情况"] == "精神残疾二级"
    assert (zhou["居住状况"], zhou["风险等级"], zhou["跟进级别"], zhou["状态"]) == (
        "独居",
        "高",
        "一级",
        "在册",
    )
    assert zhou["建档日期"].date() == timezone.localdate()
    child = people["周小"]
    assert child["身份证号"] == "无（无户籍）"
    assert child["类别"] == "低保对象、留守儿童"  # in catalogue order
    assert child["联系电话"] == "138****8888"  # the household's phone when the person has none

    everything = all_text(content)
    for full in [number, world.beneficiary_a.id_number, world.beneficiary_b.id_number, "13912345678"]:
        assert full.encode() not in everything
    assert "抑郁症".encode() not in everything

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == world.county and entry.region_code == LUODING
    assert entry.changes == {"范围": "罗定市；状态：在册", "行数": 4}


def test_the_export_is_limited_to_the_users_scope_and_filters(world):
    _, rows = export(world, world.worker_b)
    assert [row[0] for row in rows[2:]] == ["对象B"]
    leaver = register(world, "退出者", id_number("445381", "19440506", "525")).members.get()
    beneficiary_exit(
        actor=world.county,
        beneficiary=leaver,
        version=leaver.version,
        reason="moved_out",
        on_date=timezone.localdate(),
    )
    _, rows = export(world)
    assert {row[0] for row in rows[2:]} == {"对象A", "对象B"}
    _, rows = export(world, status=Status.EXITED)
    assert [(row[0], row[16]) for row in rows[2:]] == [("退出者", "退出")]
    _, rows = export(world, category=Category.objects.get(code="dibao"), status="")
    assert {row[0] for row in rows[2:]} == {"对象A", "对象B", "退出者"}
    _, rows = export(world, category=Category.objects.get(code="orphan"), status="")
    assert rows[2:] == []


def test_the_number_of_queries_does_not_grow_with_the_rows(world, django_assert_max_num_queries):
    for i in range(30):
        register(world, f"人{i}", id_number("445381", "19500101", f"{i + 600:03d}"))
    # 8, and 2 for the audit entry's place in the chain (the head row locked and read, then moved on)
    with django_assert_max_num_queries(10):
        _, rows = export(world)
    assert len(rows) == 2 + 32


def test_a_viewer_cannot_export_personal_data(world):
    with pytest.raises(PermissionDenied):
        export(world, world.viewer)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
