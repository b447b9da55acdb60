"""Recruitment (招聘): rounds of a city with positions per county, applicants (a count or a list), the written
exam's pass line, hires that become staff records; the figures the bulletin quotes come from these records."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import Workbook

from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.regions.models import Region
from shuangbai.staff.models import Applicant, Assignment, RecruitmentRound, Staff
from shuangbai.staff.recruitment_demo import load_demo_recruitment
from shuangbai.staff.selectors import round_figures
from shuangbai.staff.services import (
    applicant_add,
    applicant_hire,
    applicant_scores_record,
    applicants_import,
    recruitment_positions_set,
    recruitment_round_create,
    recruitment_round_update,
)

YUNFU, YUNCHENG, LUODING = "445300000000", "445302000000", "445381000000"


def _region(code):
    return Region.objects.get(code=code)


def _round(world, **overrides):
    """The city's 2021 worker round: 3 posts in 罗定市, 2 in 云城区, pass line 60."""
    fields = {
        "actor": world.city,
        "city": _region(YUNFU),
        "year": 2021,
        "title": "云浮市2021年公开招聘“双百工程”社工",
        "written_exam_on": date(2021, 8, 1),
        "written_pass_line": Decimal("60"),
        "positions": {_region(LUODING): 3, _region(YUNCHENG): 2},
    }
    return recruitment_round_create(**(fields | overrides))


def _applicant(world, round_, name, county=LUODING, written="75", interview=None, **extra):
    return applicant_add(
        actor=world.city,
        round_=round_,
        name=name,
        gender="F",
        county=_region(county),
        written_score=Decimal(written) if written is not None else None,
        interview_score=Decimal(interview) if interview is not None else None,
        **extra,
    )


def _figures(user, round_):
    figures = round_figures(user, round_)
    rows = {
        row.label: (row.positions, row.applicants, row.sat, row.passed, row.interviewed, row.hired)
        for row in figures.rows
    }
    total = figures.total
    return rows, (
        (total.positions, total.applicants, total.sat, total.passed, total.interviewed, total.hired)
        if total
        else None
    )


def _csv(*rows, header="姓名,性别,手机号码,报考县（市、区）,笔试成绩,面试成绩"):
    return ("\n".join([header, *rows]) + "\n").encode()


# ------------------------------------------------------------------------------------------------ figures


def test_the_bulletins_figures_come_from_a_round_without_a_list(world):
    round_ = _round(
        world,
        written_pass_line=None,
        applicant_count=1817,
        positions={
            _region(YUNCHENG): 17,
            _region("445303000000"): 14,
            _region(LUODING): 42,
            _region("445321000000"): 23,
            _region("445322000000"): 27,
        },
    )
    rows, total = _figures(world.city, round_)
    # 招聘社工123人，报名人数1817人: the sum of the posts, the announced count; per county only the posts are known.
    assert total == (123, 1817, 0, None, 0, 0)
    assert rows["罗定市"] == (42, None, 0, None, 0, 0)
    client = Client()
    client.force_login(world.city)
    page = client.get(f"/staff/recruitment/{round_.pk}/").content.decode()
    assert "2021年云浮市招聘社工123人，报名人数1817人" in page


def test_an_imported_list_replaces_the_announced_count_and_counts_each_stage(world):
    round_ = _round(world, applicant_count=1817, interview_on=date(2021, 8, 20))
    _applicant(world, round_, "甲", written="60", interview="80")  # exactly on the line: passed
    _applicant(world, round_, "乙", written="59.99")  # just below
    _applicant(world, round_, "丙", written=None)  # did not sit
    _applicant(world, round_, "丁", county=YUNCHENG, written="88", interview="70")
    applicant_hire(
        actor=world.city, applicant=_applicant_named("丁"), hired_on=date(2021, 9, 1), station=world.station_c
    )
    rows, total = _figures(world.city, round_)
    assert rows == {"云城区": (2, 1, 1, 1, 1, 1), "罗定市": (3, 3, 2, 1, 1, 0)}
    assert total == (5, 4, 3, 2, 2, 1)


def _applicant_named(name):
    return Applicant.objects.get(name=name)


def test_moving_the_pass_line_moves_who_passed(world):
    round_ = _round(world)
    _applicant(world, round_, "甲", written="65")
    _applicant(world, round_, "乙", written="70")
    assert _figures(world.city, round_)[1][3] == 2
    recruitment_round_update(
        actor=world.city, round_=round_, version=round_.version, written_pass_line=Decimal("68")
    )
    assert _figures(world.city, round_)[1][3] == 1


def test_city_level_posts_are_a_row_of_their_own(world):
    round_ = _round(world, kind="supervisor", positions={_region(YUNFU): 9})
    assert _figures(world.city, round_)[0] == {"市本级": (9, None, 0, 0, 0, 0)}


# ------------------------------------------------------------------------------------------------ hiring


def test_a_hire_becomes_a_worker_placed_at_the_station(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "林晓彤", phone="13912345678")
    staff = applicant_hire(
        actor=world.county,
        applicant=applicant,
        hired_on=date(2021, 9, 1),
        station=world.station_a,
        point=world.point_a,
    )
    applicant.refresh_from_db()
    assert applicant.hired_staff == staff
    assert (staff.kind, staff.name, staff.phone, staff.station, staff.point, staff.hired_on) == (
        "worker",
        "林晓彤",
        "13912345678",
        world.station_a,
        world.point_a,
        date(2021, 9, 1),
    )
    assignment = Assignment.objects.get(staff=staff)
    assert (assignment.station, assignment.started_on, assignment.ended_on) == (
        world.station_a,
        date(2021, 9, 1),
        None,
    )
    assert AuditEntry.objects.filter(
        object_type="staff.applicant", object_id=str(applicant.pk), action="change"
    )
    assert AuditEntry.objects.filter(object_type="staff.staff", object_id=str(staff.pk), action="create")


def test_a_supervisor_rounds_hire_is_a_supervisor_of_the_city(world):
    round_ = _round(
        world,
        kind="supervisor",
        positions={_region(YUNFU): 9},
        written_exam_on=None,
        written_pass_line=None,
        interview_on=date(2021, 7, 23),
    )
    applicant = _applicant(world, round_, "督导甲", county=YUNFU, interview="88")
    staff = applicant_hire(actor=world.city, applicant=applicant, hired_on=date(2021, 9, 1))
    assert (staff.kind, staff.position, staff.region_code, staff.station) == (
        "supervisor",
        "supervisor",
        YUNFU,
        None,
    )


def test_no_hire_beyond_the_countys_posts(world):
    round_ = _round(world, positions={_region(LUODING): 1})
    first, second = _applicant(world, round_, "甲"), _applicant(world, round_, "乙")
    applicant_hire(actor=world.city, applicant=first, hired_on=date(2021, 9, 1), station=world.station_a)
    with pytest.raises(ValidationError, match="罗定市的招聘名额（1人）已录满，不能再录用。"):
        applicant_hire(actor=world.city, applicant=second, hired_on=date(2021, 9, 1), station=world.station_b)
    assert second.hired_staff is None and Staff.objects.filter(name="乙").count() == 0


def test_no_hire_below_the_pass_line_or_without_a_score(world):
    round_ = _round(world)
    below = _applicant(world, round_, "乙", written="59.5")
    absent = _applicant(world, round_, "丙", written=None)
    with pytest.raises(ValidationError, match=r"乙的笔试成绩（59.5分）低于合格分数线（60分），不能录用。"):
        applicant_hire(actor=world.city, applicant=below, hired_on=date(2021, 9, 1), station=world.station_a)
    with pytest.raises(ValidationError, match="丙没有笔试成绩，不能录用。"):
        applicant_hire(actor=world.city, applicant=absent, hired_on=date(2021, 9, 1), station=world.station_a)
    assert not Staff.objects.filter(name__in=["乙", "丙"]).exists()


def test_no_hire_into_a_station_of_another_county(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲")  # applied for 罗定市
    with pytest.raises(ValidationError) as error:
        applicant_hire(
            actor=world.city, applicant=applicant, hired_on=date(2021, 9, 1), station=world.station_c
        )
    assert error.value.message_dict == {
        "station": ["高峰街道社工站不在甲报考的罗定市，只能录用到罗定市的社工站。"]
    }
    applicant.refresh_from_db()
    assert applicant.hired_staff is None and not Staff.objects.filter(name="甲").exists()


def test_a_withdrawn_or_already_hired_applicant_is_not_hired(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲")
    applicant_scores_record(
        actor=world.city,
        applicant=applicant,
        version=applicant.version,
        written_score=applicant.written_score,
        interview_score=None,
        withdrawn=True,
    )
    with pytest.raises(ValidationError, match="甲已放弃，不能录用。"):
        applicant_hire(
            actor=world.city, applicant=applicant, hired_on=date(2021, 9, 1), station=world.station_a
        )
    other = _applicant(world, round_, "乙")
    applicant_hire(actor=world.city, applicant=other, hired_on=date(2021, 9, 1), station=world.station_a)
    with pytest.raises(ValidationError, match="乙已录用。"):
        applicant_hire(actor=world.city, applicant=other, hired_on=date(2021, 9, 2), station=world.station_b)
    assert Staff.objects.filter(name="乙").count() == 1


def test_a_county_hires_only_its_own_applicants(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲", county=YUNCHENG)
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        applicant_hire(
            actor=world.county, applicant=applicant, hired_on=date(2021, 9, 1), station=world.station_c
        )


def test_posts_cannot_drop_below_the_hires_nor_leave_applicants_without_a_county(world):
    round_ = _round(world)
    for name, station in (("甲", world.station_a), ("乙", world.station_b)):
        applicant_hire(
            actor=world.city,
            applicant=_applicant(world, round_, name),
            hired_on=date(2021, 9, 1),
            station=station,
        )
    _applicant(world, round_, "丙", county=YUNCHENG)
    with pytest.raises(ValidationError) as error:
        recruitment_positions_set(
            actor=world.city, round_=round_, positions={_region(LUODING): 1, _region("445303000000"): 4}
        )
    assert error.value.message_dict == {
        "positions": [
            "云城区已有1名报名人员，不能取消该县（市、区）的招聘名额。",
            "罗定市已录用2人，招聘名额不能少于2。",
        ]
    }
    with pytest.raises(ValidationError, match="请至少填写一个县（市、区）的招聘名额。"):
        recruitment_positions_set(actor=world.city, round_=round_, positions={_region(LUODING): 0})
    assert _figures(world.city, round_)[1][0] == 5  # unchanged
    recruitment_positions_set(
        actor=world.city,
        round_=round_,
        positions={_region(LUODING): 2, _region(YUNCHENG): 2, _region(YUNFU): 1},
    )
    assert _figures(world.city, round_)[0] == {
        "市本级": (1, 0, 0, 0, 0, 0),
        "云城区": (2, 1, 1, 1, 0, 0),
        "罗定市": (2, 2, 2, 2, 0, 2),
    }


def test_a_county_user_cannot_run_a_round(world):
    with pytest.raises(ValidationError) as error:
        _round(world, actor=world.county)
    assert error.value.message_dict == {"city": ["您不能为云浮市登记招聘（由省、市民政部门组织）。"]}
    assert not RecruitmentRound.objects.exists()


def test_scores_are_versioned(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲", written=None)
    stale = applicant.version
    applicant_scores_record(
        actor=world.city,
        applicant=applicant,
        version=stale,
        written_score=Decimal("81"),
        interview_score=None,
    )
    with pytest.raises(ValidationError, match=STALE_MESSAGE):
        applicant_scores_record(
            actor=world.city,
            applicant=applicant,
            version=stale,
            written_score=Decimal("50"),
            interview_score=None,
        )
    applicant.refresh_from_db()
    assert applicant.written_score == Decimal("81")


# ------------------------------------------------------------------------------------------------ import


def test_an_applicant_list_is_imported_from_csv(world):
    round_ = _round(world)
    added = applicants_import(
        actor=world.city,
        round_=round_,
        data=_csv(
            "陈嘉文,女,13912340001,罗定市,72.5,",
            "李志远,男,,云城区,缺考,",
            "黄思雅,女,139 1234 0003,445381000000,58,",
        ),
        filename="名单.csv",
    )
    assert added == 3
    people = {a.name: (a.gender, a.phone, a.county.name, a.written_score) for a in round_.applicants.all()}
    assert people == {
        "陈嘉文": ("F", "13912340001", "罗定市", Decimal("72.5")),
        "李志远": ("M", "", "云城区", None),
        "黄思雅": ("F", "13912340003", "罗定市", Decimal("58")),
    }
    assert _figures(world.city, round_)[1] == (5, 3, 2, 1, 0, 0)


def test_an_applicant_list_is_imported_from_xlsx_with_a_title_line(world):
    round_ = _round(world)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2021年社工招聘报名名单"])
    sheet.append(["报考县（市、区）", "姓名", "性别", "笔试成绩"])
    sheet.append(["罗定市", "陈嘉文", "女", 81])
    sheet.append([])
    sheet.append(["云城区", "李志远", "男", 64.25])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert (
        applicants_import(actor=world.city, round_=round_, data=buffer.getvalue(), filename="名单.xlsx") == 2
    )
    assert sorted(round_.applicants.values_list("written_score", flat=True)) == [
        Decimal("64.25"),
        Decimal("81"),
    ]


def test_a_list_with_errors_is_refused_whole_naming_row_and_column(world):
    round_ = _round(world)
    with pytest.raises(ValidationError) as error:
        applicants_import(
            actor=world.city,
            round_=round_,
            data=_csv(
                "陈嘉文,女,13912340001,罗定市,72.5,",
                ",女,,罗定市,60,",
                "李志远,男,,广州市,60,",
                "黄思雅,女,,云城区,九十,",
                "何婉清,女,,云城区,100.5,",
                "杨俊熙,未知,12345,云城区,70,",
                "陈嘉文,女,13912340001,罗定市,72.5,",
            ),
            filename="名单.csv",
        )
    assert error.value.messages == [
        "第3行 姓名：必填",
        "第4行 报考县（市、区）：“广州市”不是本次招聘设有名额的县（市、区）（可选：云城区、罗定市）",
        "第5行 笔试成绩：“九十”不是成绩，应为0至100的数字（未参加可填“缺考”或留空）",
        "第6行 笔试成绩：“100.5”超出范围，成绩应在0至100之间",
        "第7行 性别：“未知”不是可选值（可选：男、女）",
        "第7行 手机号码：“12345”不是有效的手机号码，应为11位数字，以1开头（如13812345678）",
        "第8行 姓名：与第2行重复（姓名和手机号码相同）",
    ]
    assert not Applicant.objects.exists()
    assert not AuditEntry.objects.filter(object_type="staff.recruitmentround", action="change").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "名单.csv：文件为空。"),
        (
            _csv("甲,女", header="姓名,性别"),
            "名单.csv：在文件的前10行中找不到表头，应有“姓名”“性别”“报考县（市、区）”等列。",
        ),
        (
            _csv("甲,女,1", header="姓名,手机号码,笔试成绩"),
            "名单.csv：表头缺少必填列：性别、报考县（市、区）。",
        ),
    ],
)
def test_an_unreadable_file_says_why(world, data, message):
    round_ = _round(world)
    with pytest.raises(ValidationError) as error:
        applicants_import(actor=world.city, round_=round_, data=data, filename="名单.csv")
    assert error.value.messages == [message]


def test_the_import_page_shows_the_errors_and_saves_nothing(world):
    round_ = _round(world)
    client = Client()
    client.force_login(world.city)
    upload = io.BytesIO(_csv("陈嘉文,女,,罗定市,abc,"))
    upload.name = "名单.csv"
    response = client.post(f"/staff/recruitment/{round_.pk}/import/", {"file": upload})
    assert response.status_code == 200
    assert "第2行 笔试成绩：“abc”不是成绩" in response.content.decode()
    assert not Applicant.objects.exists()
    upload = io.BytesIO(_csv("陈嘉文,女,,罗定市,80,"))
    upload.name = "名单.csv"
    response = client.post(f"/staff/recruitment/{round_.pk}/import/", {"file": upload})
    assert response.status_code == 302 and Applicant.objects.get().name == "陈嘉文"


# ------------------------------------------------------------------------------------------------ pages, access


def test_the_city_creates_a_round_with_its_posts_through_the_form(world):
    client = Client()
    client.force_login(world.city)
    response = client.post(
        "/staff/recruitment/new/",
        {
            "title": "2021年督导招聘",
            "year": "2021",
            "kind": "supervisor",
            "interview_on": "2021-07-23",
            f"positions_{YUNFU}": "9",
        },
    )
    round_ = RecruitmentRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/recruitment/{round_.pk}/"
    assert [(p.county.code, p.positions) for p in round_.positions.all()] == [(YUNFU, 9)]
    assert (round_.kind, round_.created_by) == ("supervisor", world.city)


def test_the_form_names_a_missing_post_count(world):
    client = Client()
    client.force_login(world.city)
    response = client.post("/staff/recruitment/new/", {"title": "招聘", "year": "2021", "kind": "worker"})
    assert response.status_code == 200
    assert "请至少填写一个县（市、区）的招聘名额。" in response.content.decode()
    assert not RecruitmentRound.objects.exists()


def test_a_county_reads_its_own_countys_rows_only(world):
    round_ = _round(world)
    _applicant(world, round_, "罗定考生")
    _applicant(world, round_, "云城考生", county=YUNCHENG)
    rows, total = _figures(world.county, round_)
    assert rows == {"罗定市": (3, 1, 1, 1, 0, 0)} and total is None
    client = Client()
    client.force_login(world.county)
    page = client.get(f"/staff/recruitment/{round_.pk}/").content.decode()
    assert "罗定考生" in page and "云城考生" not in page
    # A round with no posts in 罗定市 is not theirs to see; managing the city's round is not theirs either.
    other = _round(world, title="云城区专场", positions={_region(YUNCHENG): 2})
    assert client.get(f"/staff/recruitment/{other.pk}/").status_code == 404
    assert client.get(f"/staff/recruitment/{round_.pk}/edit/").status_code == 403
    assert client.get("/staff/recruitment/").content.decode().count("云城区专场") == 0


def test_a_county_hires_into_its_countys_stations_through_the_form(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "罗定考生")
    client = Client()
    client.force_login(world.county)
    form = client.get(f"/staff/recruitment/applicants/{applicant.pk}/hire/").content.decode()
    assert "素龙街道社工站" in form and "高峰街道社工站" not in form  # only 罗定市's stations are offered
    response = client.post(
        f"/staff/recruitment/applicants/{applicant.pk}/hire/",
        {
            "station": world.station_a.pk,
            "position": "worker",
            "qualification": "assistant",
            "hired_on": "2021-09-01",
        },
    )
    staff = Staff.objects.get(name="罗定考生")
    assert response.status_code == 302 and response["Location"] == f"/staff/{staff.pk}/"
    assert (staff.station, staff.qualification) == (world.station_a, "assistant")


@pytest.mark.parametrize("username", ["head_a", "worker_a", "supervisor"])
def test_station_roles_and_supervisors_get_no_recruitment_page(world, username):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲")
    client = Client()
    client.force_login(getattr(world, username))
    for url in (
        "/staff/recruitment/",
        f"/staff/recruitment/{round_.pk}/",
        f"/staff/recruitment/applicants/{applicant.pk}/hire/",
    ):
        assert client.get(url).status_code == 404, url
    assert not RecruitmentRound.objects.visible_to(getattr(world, username)).exists()


def test_the_viewer_reads_the_figures_but_no_names(world):
    round_ = _round(world, applicant_count=1817)
    applicant = _applicant(world, round_, "林晓彤")
    client = Client()
    client.force_login(world.viewer)
    page = client.get(f"/staff/recruitment/{round_.pk}/").content.decode()
    assert 'id="figures"' in page and "林晓彤" not in page and 'id="applicants"' not in page
    assert client.get(f"/staff/recruitment/applicants/{applicant.pk}/hire/").status_code == 404
    assert client.get(f"/staff/recruitment/{round_.pk}/import/").status_code == 404


def test_phones_are_masked_in_the_list(world):
    round_ = _round(world)
    _applicant(world, round_, "甲", phone="13912345678")
    client = Client()
    client.force_login(world.city)
    page = client.get(f"/staff/recruitment/{round_.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page


def test_the_round_page_filters_and_keeps_its_query_count(world, django_assert_max_num_queries):
    round_ = _round(world)
    for i in range(3):
        _applicant(world, round_, f"罗定{i}", written=str(55 + i * 5))
    _applicant(world, round_, "云城0", county=YUNCHENG)
    client = Client()
    client.force_login(world.city)
    passed = client.get(f"/staff/recruitment/{round_.pk}/?stage=passed").content.decode()
    assert "罗定1" in passed and "罗定2" in passed and "罗定0" not in passed
    yuncheng = _region(YUNCHENG).pk
    only = client.get(f"/staff/recruitment/{round_.pk}/?county={yuncheng}").content.decode()
    assert "云城0" in only and "罗定1" not in only
    with django_assert_max_num_queries(14) as few:
        client.get(f"/staff/recruitment/{round_.pk}/")
    for i in range(10):
        _applicant(world, round_, f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/staff/recruitment/{round_.pk}/")


# ------------------------------------------------------------------------------------------------ demo


def test_the_demo_gives_the_bulletins_figures_once(world):
    assert load_demo_recruitment(system_actor()) == 2
    assert load_demo_recruitment(system_actor()) == 0
    workers = RecruitmentRound.objects.get(kind="worker")
    supervisors = RecruitmentRound.objects.get(kind="supervisor")
    assert _figures(world.city, workers)[1][:2] == (123, 1817)
    rows, total = _figures(world.city, supervisors)
    assert total == (9, 25, 0, None, 23, 9)
    hired = Staff.objects.filter(applicant__round=supervisors)
    assert hired.count() == 9 and set(hired.values_list("kind", "region_code")) == {("supervisor", YUNFU)}
    assert supervisors.interview_on == date(2021, 7, 23) and workers.written_exam_on == date(2021, 8, 1)


def test_the_city_records_scores_through_the_form_and_the_log_keeps_no_phone(world):
    round_ = _round(world)
    applicant = _applicant(world, round_, "甲", written=None, phone="13912345678")
    client = Client()
    client.force_login(world.city)
    response = client.post(
        f"/staff/recruitment/applicants/{applicant.pk}/edit/",
        {
            "version": applicant.version,
            "name": "甲",
            "gender": "F",
            "phone": "13900001111",
            "written_score": "66.5",
            "interview_score": "",
        },
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.written_score, applicant.phone) == (Decimal("66.5"), "13900001111")
    entry = AuditEntry.objects.filter(object_type="staff.applicant", action="change").get()
    assert entry.changes["written_score"] == [None, "66.5"]
    assert "13900001111" not in str(entry.changes) and "13912345678" not in str(entry.changes)
