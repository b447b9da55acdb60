"""Finding 5: a case's presenting problem and notes, and a visit's living conditions, follow-up actions and
notes are stored encrypted (the database holds no clear text of them), and read back as written."""

from django.db import connection
from django.utils import timezone

from shuangbai.cases.models import Case, CaseNote
from shuangbai.cases.services import case_note_add, case_open
from shuangbai.visits.models import Visit
from shuangbai.visits.services import visit_record


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names are ours)
        return cursor.fetchone()[0]


def test_visit_and_case_texts_are_encrypted_at_rest(world):
    visit = visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now(),
        workers=[world.staff_a],
        kind="home",
        living="冰箱里食物不多",
        actions="联系村医上门测血压",
        notes="家属情绪低落",
    )
    for column, text in (
        ("living", "冰箱里食物不多"),
        ("actions", "联系村医上门测血压"),
        ("notes", "家属情绪低落"),
    ):
        stored = _raw("visits_visit", column, visit.pk)
        assert stored and text not in stored, column
    again = Visit.objects.unscoped("test").get(pk=visit.pk)
    assert (again.living, again.actions, again.notes) == (
        "冰箱里食物不多",
        "联系村医上门测血压",
        "家属情绪低落",
    )

    case = case_open(
        actor=world.worker_a,
        beneficiary=world.beneficiary_a,
        opened_on=timezone.localdate(),
        source="visit",
        presenting_problem="精神障碍，家属照顾压力大",
        worker=world.staff_a,
    )
    note = case_note_add(
        actor=world.worker_a,
        case=case,
        written_on=timezone.localdate(),
        text="送院陪同",
        worker=world.staff_a,
    )
    assert "精神障碍" not in _raw("cases_case", "presenting_problem", case.pk)
    assert "送院陪同" not in _raw("cases_casenote", "text", note.pk)
    assert Case.objects.unscoped("test").get(pk=case.pk).presenting_problem == "精神障碍，家属照顾压力大"
    assert CaseNote.objects.unscoped("test").get(pk=note.pk).text == "送院陪同"
