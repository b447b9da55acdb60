"""Defects a review found, each pinned by a test: merge races, stale edits after a merge, masked audit values,
formula injection in exports, the error file's download audited, and the list's queries for a county."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from shuangbai.core.models import AuditEntry
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.services import beneficiaries_merge, beneficiary_update
from tests.access_matrix import BAD_LEDGER_CSV
from tests.conftest import id_number
from tests.registry.helpers import category, register

VILLAGE_A = "445381002201"


def _twin(actor, categories):
    return register(
        actor,
        VILLAGE_A,
        "罗婆婆",
        no_id_reason="refused",
        gender="F",
        birth_date=date(1941, 3, 3),
        categories=categories,
    )


def test_merging_each_into_the_other_leaves_one_record(world):
    a, b = _twin(world.worker_a, ("orphan",)), _twin(world.worker_a, ("dibao",))
    stale_a, stale_b = Beneficiary.objects.get(pk=a.pk), Beneficiary.objects.get(pk=b.pk)
    beneficiaries_merge(actor=world.worker_a, keep=a, merge=b)
    with pytest.raises(ValidationError, match="已被合并"):
        beneficiaries_merge(actor=world.worker_a, keep=stale_b, merge=stale_a)
    assert Beneficiary.objects.current().filter(name="罗婆婆").count() == 1


def test_an_edit_opened_before_a_merge_cannot_drop_the_merged_categories(world):
    a, b = _twin(world.worker_a, ("dibao",)), _twin(world.worker_a, ("orphan",))
    opened_at = a.version
    beneficiaries_merge(actor=world.worker_a, keep=a, merge=b)
    with pytest.raises(ValidationError, match="已被他人修改"):
        beneficiary_update(
            actor=world.worker_a, beneficiary=a, version=opened_at, categories=[category("dibao")]
        )
    assert set(a.categories.values_list("code", flat=True)) == {"dibao", "orphan"}


def test_a_worker_of_another_station_cannot_merge_or_edit_through_the_services(world):
    with pytest.raises(Exception) as error:
        beneficiary_update(
            actor=world.worker_b, beneficiary=world.beneficiary_a, version=1, phone="13800000000"
        )
    assert type(error.value).__name__ == "PermissionDenied"


def test_the_audit_log_keeps_phones_masked_and_health_and_disability_unsaid(world):
    person = world.beneficiary_a
    beneficiary_update(
        actor=world.worker_a,
        beneficiary=person,
        version=person.version,
        phone="13812345678",
        guardian_phone="13987654321",
        health_notes="抑郁症",
        disability_type="mental",
        disability_grade=2,
    )
    changes = AuditEntry.objects.filter(action="change", object_id=str(person.pk)).latest("id").changes
    text = repr(changes)
    assert changes["phone"] == ["", "138****5678"] and "13987654321" not in text
    assert "抑郁症" not in text and "mental" not in text and "残疾信息已修改" in text


def test_the_head_of_a_household_with_members_cannot_simply_stop_being_head(world):
    register_child = world.household_a
    from tests.registry.helpers import add_member

    add_member(world.worker_a, register_child, "陈仔", id_number=id_number("445381", "20120101", "031"))
    head = world.beneficiary_a
    with pytest.raises(ValidationError, match="户主不能直接改为其他关系"):
        beneficiary_update(actor=world.worker_a, beneficiary=head, version=head.version, relation="spouse")


def test_an_exported_name_that_looks_like_a_formula_stays_text(client, world):
    register(
        world.worker_a,
        VILLAGE_A,
        '=HYPERLINK("http://x","点我")',
        id_number=id_number("445381", "19700101", "555"),
    )
    client.force_login(world.worker_a)
    content = client.get(reverse("registry:export")).content
    sheet = load_workbook(io.BytesIO(content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    cell = next(c for c in names if c and "HYPERLINK" in str(c))
    assert (
        cell.startswith("'=")
        and next(r for r in sheet.iter_rows(min_row=3) if r[0].value == cell)[0].data_type == "s"
    )


def test_downloading_an_error_file_is_an_audited_export(client, world):
    from shuangbai.registry.ledger import import_ledger

    run = import_ledger(
        actor=world.county, data=BAD_LEDGER_CSV, filename="台账.csv", into=world.station_a.town
    )
    client.force_login(world.county)
    response = client.get(reverse("registry:import_errors", args=[run.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    entry = AuditEntry.objects.get(action="export", object_id=str(run.pk))
    assert entry.actor == world.county and entry.region_code == world.station_a.town.code
    # somebody else in the same county gets the 404 of a missing record
    client.force_login(world.head_a)
    assert client.get(reverse("registry:import_errors", args=[run.pk])).status_code == 404


def test_the_list_page_for_a_county_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.county)
    url = reverse("registry:index")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(12):
        register(world.county, VILLAGE_A, f"丙{i}", id_number=id_number("445381", "19610101", f"{400 + i}"))
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count('data-label="姓名"') == 14  # A and B of the fixture, and the twelve
    assert len(many.captured_queries) == len(few.captured_queries) <= 14


def test_error_files_are_deleted_after_a_week(world, settings):
    import os
    import time

    from shuangbai.registry.ledger import ERROR_FILE_DAYS, error_file_bytes, import_ledger

    old = import_ledger(actor=world.county, data=BAD_LEDGER_CSV, filename="旧.csv", into=world.station_a.town)
    path = settings.HOME / old.error_file
    week_ago = time.time() - ERROR_FILE_DAYS * 86400 - 60
    os.utime(path, (week_ago, week_ago))
    new = import_ledger(actor=world.county, data=BAD_LEDGER_CSV, filename="新.csv", into=world.station_a.town)
    assert not path.exists()
    with pytest.raises(FileNotFoundError):
        error_file_bytes(old)
    assert error_file_bytes(new)[:2] == b"PK"
