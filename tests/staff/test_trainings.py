"""Trainings (岗前培训 / 专业培训 / 督导培训): recorded by bureaus and station heads, attendees in the organiser's
scope on the day, seen by the organiser's scope and everyone below it."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shuangbai.core.models import AuditEntry
from shuangbai.core.versioning import STALE_MESSAGE
from shuangbai.regions.models import Region
from shuangbai.staff.models import Training
from shuangbai.staff.services import staff_move, training_record, training_update


def _region(code):
    return Region.objects.get(code=code)


def _luoding(world, **overrides):
    """罗定市民政局's training, recorded by the county user."""
    fields = {
        "actor": world.county,
        "organiser_region": _region("445381000000"),
        "kind": "professional",
        "held_on": date(2021, 7, 20),
        "topic": "“双百工程”社工业务培训班",
        "trainers": "曾思贤、毛坚",
        "hours": Decimal("6"),
        "attendees": [world.staff_a, world.staff_b],
    }
    return training_record(**(fields | overrides))


def _errors(error: ValidationError) -> dict:
    return {field: " ".join(messages) for field, messages in error.value.message_dict.items()}


def test_a_county_training_is_recorded_under_the_county_bureau(world):
    training = _luoding(world)
    assert (training.region_code, training.station, training.organiser, training.created_by) == (
        "445381000000",
        None,
        "罗定市民政局",
        world.county,
    )
    assert set(training.attendees.all()) == {world.staff_a, world.staff_b}
    entry = AuditEntry.objects.get(object_type="staff.training", object_id=str(training.pk))
    assert (entry.action, entry.actor, entry.region_code) == ("create", world.county, "445381000000")


def test_the_organiser_name_follows_the_unit_unless_given(world):
    city = _luoding(world, actor=world.city, organiser_region=_region("445300000000"), attendees=[])
    station = _luoding(world, organiser_region=None, station=world.station_a, attendees=[world.staff_a])
    named = _luoding(world, organiser="罗定市社会工作协会", attendees=[])
    assert (city.organiser, station.organiser, named.organiser) == (
        "云浮市民政局",
        "素龙街道社工站",
        "罗定市社会工作协会",
    )
    assert station.region_code == world.station_a.region_code and station.station == world.station_a


def test_a_county_training_refuses_workers_of_another_county(world):
    with pytest.raises(ValidationError) as error:
        _luoding(world, attendees=[world.staff_a, world.staff_c])
    assert _errors(error) == {
        "attendees": "社工C在2021年7月20日不在罗定市民政局的人员范围内（县、市培训限本地在岗人员，社工站培训限本站人员）。"
    }
    assert not Training.objects.exists()


def test_a_station_training_takes_its_own_staff_only(world):
    with pytest.raises(ValidationError) as error:
        _luoding(
            world, organiser_region=None, station=world.station_a, attendees=[world.staff_a, world.staff_b]
        )
    assert "社工B在2021年7月20日不在素龙街道社工站的人员范围内" in _errors(error)["attendees"]
    assert "社工A" not in _errors(error)["attendees"]


def test_attendees_are_checked_as_placed_on_the_training_day(world):
    staff_move(
        actor=world.city,  # station C is in another county of the city
        staff=world.staff_a,
        version=world.staff_a.version,
        station=world.station_c,
        point=world.point_c,
        position="worker",
        on_date=date(2022, 3, 1),
    )
    # Before the move 社工A was 罗定市's: their old training stays valid and editable.
    before = _luoding(world, attendees=[world.staff_a])
    training_update(actor=world.county, training=before, version=before.version, hours=Decimal("7"))
    with pytest.raises(ValidationError, match="社工A在2022年3月2日不在罗定市民政局的人员范围内"):
        _luoding(world, held_on=date(2022, 3, 2), attendees=[world.staff_a])
    # Nor before they were hired.
    with pytest.raises(ValidationError, match="社工B在2021年6月30日不在"):
        _luoding(world, held_on=date(2021, 6, 30), attendees=[world.staff_b])


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"held_on": "tomorrow"}, "held_on", "培训日期不能晚于今天。"),
        ({"hours": Decimal("0")}, "hours", "学时应大于0且不超过200。"),
        ({"hours": Decimal("200.5")}, "hours", "学时应大于0且不超过200。"),
        ({"hours": None}, "hours", "请填写学时。"),
        ({"topic": "  "}, "topic", "请填写培训主题。"),
        ({"organiser_region": None}, "organiser_unit", "请选择一个主办单位（民政局或社工站）。"),
        (
            {"organiser_region": "town"},
            "organiser_unit",
            "主办单位应为省、市或县（市、区）民政部门，或社工站。",
        ),
        ({"organiser_region": "445302000000"}, "organiser_unit", "主办单位不在您可登记培训的范围内。"),
        ({"organiser_region": "445300000000"}, "organiser_unit", "主办单位不在您可登记培训的范围内。"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, overrides, field, message):
    if overrides.get("held_on") == "tomorrow":
        overrides["held_on"] = timezone.localdate() + timedelta(days=1)
    if overrides.get("organiser_region") == "town":
        overrides["organiser_region"] = world.station_a.town
    elif isinstance(overrides.get("organiser_region"), str):
        overrides["organiser_region"] = _region(overrides["organiser_region"])
    with pytest.raises(ValidationError) as error:
        _luoding(world, **overrides)
    assert _errors(error)[field] == message
    assert not Training.objects.exists()


def test_two_hundred_hours_is_the_most(world):
    assert _luoding(world, hours=Decimal("200")).hours == 200


def test_a_station_head_records_for_their_own_station_only(world):
    training = _luoding(
        world, actor=world.head_a, organiser_region=None, station=world.station_a, attendees=[]
    )
    assert training.station == world.station_a
    for organiser in ({"station": world.station_b}, {"organiser_region": _region("445381000000")}):
        with pytest.raises(ValidationError, match="主办单位不在您可登记培训的范围内"):
            _luoding(world, actor=world.head_a, **({"organiser_region": None} | organiser), attendees=[])
    with pytest.raises(ValidationError, match="主办单位不在您可登记培训的范围内"):
        _luoding(world, actor=world.worker_a, organiser_region=None, station=world.station_a, attendees=[])


def test_an_update_is_versioned_and_audits_the_attendees(world):
    training = _luoding(world)
    old_version = training.version
    training_update(
        actor=world.county,
        training=training,
        version=old_version,
        topic="社工业务培训班（第一期）",
        attendees=[world.staff_a],
    )
    training.refresh_from_db()
    assert (training.topic, list(training.attendees.all()), training.version) == (
        "社工业务培训班（第一期）",
        [world.staff_a],
        old_version + 1,
    )
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="staff.training", action="change")]
    assert {"topic": ["“双百工程”社工业务培训班", "社工业务培训班（第一期）"]} in changes
    assert {"参训人员": ["社工A、社工B", "社工A"]} in changes
    with pytest.raises(ValidationError) as error:
        training_update(actor=world.county, training=training, version=old_version, hours=Decimal("8"))
    assert STALE_MESSAGE in str(error.value)
    assert Training.objects.get(pk=training.pk).hours == 6


def test_moving_a_training_to_a_station_renames_the_organiser_and_rechecks_attendees(world):
    training = _luoding(world, attendees=[world.staff_a])
    training_update(actor=world.county, training=training, version=training.version, station=world.station_a)
    training.refresh_from_db()
    assert (training.organiser, training.station, training.region_code) == (
        "素龙街道社工站",
        world.station_a,
        world.station_a.region_code,
    )
    with pytest.raises(ValidationError, match="社工B在2021年7月20日不在素龙街道社工站"):
        training_update(
            actor=world.county, training=training, version=training.version, attendees=[world.staff_b]
        )


def test_unknown_changes_are_a_programming_error(world):
    training = _luoding(world)
    with pytest.raises(TypeError):
        training_update(actor=world.county, training=training, version=training.version, region_code="44")


# -------------------------------------------------------------------------------------------- visibility


@pytest.fixture
def trainings(world):
    """One training at each level: the city's, 罗定市's, station A's, station B's, station C's (云城区)."""
    return {
        "city": _luoding(world, actor=world.city, organiser_region=_region("445300000000"), attendees=[]),
        "county": _luoding(world),
        "a": _luoding(world, organiser_region=None, station=world.station_a, attendees=[world.staff_a]),
        "b": _luoding(world, organiser_region=None, station=world.station_b, attendees=[world.staff_b]),
        "c": _luoding(
            world, actor=world.city, organiser_region=None, station=world.station_c, attendees=[world.staff_c]
        ),
        "guangzhou": _luoding(
            world, actor=world.province, organiser_region=_region("440100000000"), attendees=[]
        ),
    }


@pytest.mark.parametrize(
    "user, seen",
    [
        # A station user: their station's trainings and the bureaus' above them, nothing of other stations.
        ("worker_a", {"city", "county", "a"}),
        ("head_a", {"city", "county", "a"}),
        ("worker_b", {"city", "county", "b"}),
        ("supervisor", {"city", "county", "a", "b"}),
        # A bureau: everything organised in its region, and what the bureaus above it organised.
        ("county", {"city", "county", "a", "b"}),
        ("city", {"city", "county", "a", "b", "c"}),
        ("province", {"city", "county", "a", "b", "c", "guangzhou"}),
    ],
)
def test_who_sees_which_training(world, trainings, user, seen):
    visible = set(Training.objects.visible_to(getattr(world, user)))
    assert visible == {trainings[key] for key in seen}


def test_a_training_outside_the_scope_is_404(world, trainings):
    client = Client()
    client.force_login(world.worker_a)
    assert client.get(f"/staff/trainings/{trainings['b'].pk}/").status_code == 404
    assert client.get(f"/staff/trainings/{trainings['c'].pk}/").status_code == 404
    assert client.get(f"/staff/trainings/{trainings['county'].pk}/").status_code == 200


# -------------------------------------------------------------------------------------------- pages


def test_the_county_records_a_training_through_the_form(world):
    client = Client()
    client.force_login(world.county)
    page = client.get("/staff/trainings/new/").content.decode()
    assert (
        "罗定市民政局" in page and "素龙街道社工站" in page and "社工C" not in page
    )  # 云城区 is not the county's
    response = client.post(
        "/staff/trainings/new/",
        {
            "organiser_unit": "r:445381000000",
            "kind": "induction",
            "held_on": "2021-07-07",
            "topic": "岗前培训",
            "hours": "12",
            "attendees": [world.staff_a.pk, world.staff_b.pk],
        },
    )
    training = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/trainings/{training.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "罗定市民政局" in page and "社工A" in page and "社工B" in page and "共 2 人参训" in page


def test_the_form_shows_the_service_errors_by_field(world):
    client = Client()
    client.force_login(world.head_a)
    response = client.post(
        "/staff/trainings/new/",
        {
            "organiser_unit": f"s:{world.station_a.pk}",
            "kind": "professional",
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "topic": "x",
            "hours": "201",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "培训日期：培训日期不能晚于今天。" in page and "学时：学时应大于0且不超过200。" in page
    # The head is offered their station only, so another station is not a valid choice.
    response = client.post("/staff/trainings/new/", {"organiser_unit": f"s:{world.station_b.pk}"})
    assert "主办单位：选择一个有效的选项" in response.content.decode()
    assert not Training.objects.exists()


def test_a_station_user_sees_only_their_own_attendees_by_name(world, trainings):
    client = Client()
    client.force_login(world.worker_a)
    page = client.get(f"/staff/trainings/{trainings['county'].pk}/").content.decode()
    assert "社工A" in page and "社工B" not in page
    assert "共 2 人参训，以下为您管辖范围内的 1 人" in page
    assert "编辑" not in page


def test_editing_is_for_the_organisers_level_and_above(world, trainings):
    county = Client()
    county.force_login(world.county)
    assert county.get(f"/staff/trainings/{trainings['county'].pk}/edit/").status_code == 200
    assert county.get(f"/staff/trainings/{trainings['a'].pk}/edit/").status_code == 200
    # The county sees the city's training but does not change it.
    assert county.get(f"/staff/trainings/{trainings['city'].pk}/edit/").status_code == 403
    head = Client()
    head.force_login(world.head_a)
    assert head.get(f"/staff/trainings/{trainings['a'].pk}/edit/").status_code == 200
    assert head.get(f"/staff/trainings/{trainings['county'].pk}/edit/").status_code == 403
    response = head.post(
        f"/staff/trainings/{trainings['a'].pk}/edit/",
        {
            "version": trainings["a"].version,
            "organiser_unit": f"s:{world.station_a.pk}",
            "kind": "professional",
            "held_on": "2021-07-21",
            "topic": "入户走访实务",
            "hours": "3.5",
            "attendees": [world.staff_a.pk, world.head_staff.pk],
        },
    )
    assert response.status_code == 302
    training = Training.objects.get(pk=trainings["a"].pk)
    assert (training.held_on, training.hours, set(training.attendees.all())) == (
        date(2021, 7, 21),
        Decimal("3.5"),
        {world.staff_a, world.head_staff},
    )


def test_the_list_counts_filters_and_keeps_its_query_count(world, trainings, django_assert_max_num_queries):
    _luoding(world, kind="supervision", topic="督导培训", held_on=date(2022, 5, 1), attendees=[])
    client = Client()
    client.force_login(world.county)
    page = client.get("/staff/trainings/").content.decode()
    assert "共 5 次培训，其中岗前培训、专业培训 4 次" in page
    page = client.get("/staff/trainings/?kind=supervision").content.decode()
    assert "共 1 次培训，其中岗前培训、专业培训 0 次" in page
    assert "共 4 次培训" in client.get("/staff/trainings/?year=2021").content.decode()
    page = client.get(f"/staff/trainings/?station={world.station_a.pk}").content.decode()
    assert "共 1 次培训" in page and "培训：素龙街道社工站" in page
    page = client.get("/staff/trainings/?region=445381000000").content.decode()
    assert "共 4 次培训" in page  # the county's and its stations', not the city's
    with django_assert_max_num_queries(12) as few:
        client.get("/staff/trainings/")
    for day in range(1, 11):
        _luoding(world, held_on=date(2021, 8, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/staff/trainings/")


def test_the_viewer_gets_no_training_pages(world, trainings):
    client = Client()
    client.force_login(world.viewer)
    assert client.get("/staff/trainings/").status_code == 404
    assert client.get(f"/staff/trainings/{trainings['city'].pk}/").status_code == 404


def test_the_staff_page_lists_their_trainings_and_this_years_hours(world, trainings):
    today = timezone.localdate()
    _luoding(world, held_on=today, hours=Decimal("2.5"), attendees=[world.staff_a])
    _luoding(world, held_on=today, hours=Decimal("4"), attendees=[world.staff_a], kind="supervision")
    client = Client()
    client.force_login(world.worker_a)
    page = client.get(f"/staff/{world.staff_a.pk}/").content.decode()
    # The 2021 county and station trainings, and the two of this year: 6.5 hours this year.
    assert "共 4 次" in page and f"{today.year}年 6.5 学时" in page
    assert "“双百工程”社工业务培训班" in page
