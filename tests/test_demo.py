"""The demo reproduces the 2021-08-09 construction table of seed 001 (stations, points, staff per county) and
registers the people the two bulletins describe, with fictional households at every station.

The demo is loaded once for the module (it registers some 2,500 people through the services) and rolled back
at the end; each test runs in a savepoint inside it."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.test import Client

from shuangbai.core import idnumber
from shuangbai.core.crypto import lookup_hash
from shuangbai.core.dates import age_on
from shuangbai.core.models import AuditEntry, User, system_actor
from shuangbai.demo import DEFAULT_PASSWORD, YUNAN_TEKUN, load_demo, registry_summary
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Household
from shuangbai.staff.models import Staff
from shuangbai.stations.exports import row_cells
from shuangbai.stations.models import Point, Station
from shuangbai.stations.progress import progress_table
from tests.stations.test_progress_table import SEED_ROWS

# From the seed's table: county -> (stations, points, staff at stations, staff at points)
SEED_TABLE = {
    "云城区": (8, 19, 16, 47),
    "云安区": (7, 17, 14, 42),
    "罗定市": (21, 50, 28, 131),
    "新兴县": (12, 30, 24, 82),
    "郁南县": (15, 30, 30, 62),
}
YUNFU_COUNTIES = {"445302", "445303", "445381", "445321", "445322"}
HEKOU, SULONG, GUIXU = "445302003000", "445381002000", "445322102000"


PROGRESS: list[str] = []  # what the first load said as it went


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(progress=PROGRESS.append)
        # Fire PostgreSQL's deferred foreign-key checks once here, not at every test's teardown.
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _by_county(queryset) -> dict[str, int]:
    names = dict(Region.objects.filter(level="county").values_list("code", "name"))
    counts = {}
    for obj in queryset:
        name = names[obj.region_code[:6].ljust(12, "0")]
        counts[name] = counts.get(name, 0) + 1
    return counts


def _in_town(queryset, town_code: str):
    return queryset.filter(region_code__startswith=town_code[:9])


def _with(queryset, *codes: str):
    """Beneficiaries in register holding any of the categories."""
    return queryset.filter(status="active", category_links__category__code__in=codes).distinct()


def _households_with(town_code: str, *codes: str):
    members = _with(_in_town(Beneficiary.objects.all(), town_code), *codes)
    return Household.objects.filter(members__in=members).distinct()


def test_the_demo_reproduces_the_2021_table(db):
    """Seed 001's table as of 2021-08-09, every cell, after the demo's later (2022) records are in."""
    city = Region.objects.get(code="445300000000")
    table = progress_table(city, date(2021, 8, 9))
    assert [row_cells(row, total=row.label == "合计") for row in [*table.rows, table.total]] == SEED_ROWS
    stations = _by_county(Station.objects.filter(built_on__lte=date(2021, 8, 9)))
    assert {county: stations[county] for county in SEED_TABLE} == {k: v[0] for k, v in SEED_TABLE.items()}


def test_yunan_has_seed_000s_stations_points_and_workers_in_2023(db):
    """Seed 000: "云安区已建成社工服务站7个，社工服务点38个，配备社工人员96人" (2023-02-10)."""
    table = progress_table(Region.objects.get(code="445300000000"), date(2023, 2, 10))
    yunan = next(row for row in table.rows if row.label == "云安区")
    assert (yunan.stations.built, yunan.points.built) == (7, 38)
    people = (
        Staff.objects.filter(kind="worker", region_code__startswith="445303", hired_on__lte=date(2023, 2, 10))
        .exclude(left_on__lt=date(2023, 2, 10))
        .count()
    )
    assert people == 96
    # the points' cell counts posts: the 3 workers who cover a second point count at both
    assert yunan.stations.staff + yunan.points.staff == 96 + 3
    # 罗定市's points were equipped in March 2022
    luoding = next(row for row in table.rows if row.label == "罗定市")
    assert luoding.points.equipment == "全部配备"
    assert table.total.trainings > 0  # 2023's own trainings up to the day


def test_the_demo_has_the_places_the_seeds_name(db):
    towns = set(Station.objects.values_list("town__name", flat=True))
    for name in [
        "高峰街道",
        "河口街道",
        "六都镇",
        "素龙街道",
        "罗城街道",
        "水台镇",
        "东成镇",
        "桂圩镇",
        "连滩镇",
        "都城镇",
        "平台镇",
        "富林镇",
        "车岗镇",
        "双东街道",
        "建城镇",
        "\U00023e23塘镇",
    ]:
        assert name in towns
    assert Point.objects.filter(station__town__name="河口街道", village__name="双上村").exists()
    assert Point.objects.filter(station__town__name="都城镇", village__name="夏袭村").exists()
    assert Point.objects.filter(station__town__name="桂圩镇", village__name="罗顺村").exists()
    assert not Region.objects.filter(level="village", fictional=False).exists()
    # every station has exactly one head
    heads = Staff.objects.in_post().filter(position="head").values("station").annotate(n=Count("id"))
    assert len(heads) == 63 and {h["n"] for h in heads} == {1}


def test_the_demo_is_idempotent_and_every_login_works(db):
    models = (Region, Station, Point, Staff, Household, Beneficiary, BeneficiaryCategory, AuditEntry)
    counts = [model.objects.count() for model in models]
    logins = load_demo()
    assert counts == [model.objects.count() for model in models]
    assert [row[0] for row in logins] == [
        "province",
        "city",
        "county",
        "head",
        "worker",
        "supervisor",
        "viewer",
    ]
    for username in ["province", "city", "county", "head", "worker", "supervisor", "viewer"]:
        client = Client()
        assert client.post("/login/", {"username": username, "password": DEFAULT_PASSWORD}).status_code == 302
    head = User.objects.get(username="head")
    assert head.scope_station.town.name == "素龙街道" and head.staff.position == "head"
    assert User.objects.get(username="worker").staff.station == head.scope_station
    supervisor = User.objects.get(username="supervisor")
    assert Station.objects.visible_to(supervisor).count() == 21


def test_the_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("SHUANGBAI_DEMO_PASSWORD", "another-demo-pass")
    load_demo()
    assert User.objects.get(username="city").check_password("another-demo-pass")
    assert not User.objects.get(username="city").check_password(DEFAULT_PASSWORD)


# ---------------------------------------------------------------------------------------------- registry


def test_every_station_has_its_ledger(db):
    per_station = dict(
        Beneficiary.objects.values("station_id").annotate(n=Count("id")).values_list("station_id", "n")
    )
    assert set(per_station) == set(Station.objects.values_list("id", flat=True))
    assert min(per_station.values()) >= 10
    assert sum(per_station.values()) / len(per_station) >= 30  # several dozen on average
    # a ledger's mix: people alone and in families, some exited (through the exit service), some without ID
    assert Household.objects.annotate(n=Count("members")).filter(n__gt=2).exists()
    exited = Beneficiary.objects.filter(status="exited")
    assert exited.exists() and not exited.filter(Q(exit_reason="") | Q(exited_on=None)).exists()
    assert not BeneficiaryCategory.objects.filter(beneficiary__status="exited", active=True).exists()
    assert Beneficiary.objects.filter(id_hash=None).exclude(no_id_reason="").exists()


def test_every_demo_id_number_is_fictional_but_valid(db):
    people = list(Beneficiary.objects.exclude(id_hash=None))
    assert len(people) > 2000
    for person in people:
        facts = idnumber.parse(person.id_number)
        assert person.id_number[:6] in YUNFU_COUNTIES and person.id_number[:6] == person.region_code[:6]
        assert (facts.birth_date, facts.gender) == (person.birth_date, person.gender)
        assert person.id_hash == lookup_hash(person.id_number) and person.id_tail == person.id_number[-4:]
    assert "虚构" in registry_summary()


def test_names_match_genders_and_no_man_is_a_woman_in_hardship(db):
    """A man is not called 刚 and filed 女 (胡刚 was), nor is a woman called 刚; 困难妇女 are women."""
    from shuangbai.synth import GIVEN_CHARS

    only = {
        "M": set(GIVEN_CHARS["M"]) - set(GIVEN_CHARS["F"]),
        "F": set(GIVEN_CHARS["F"]) - set(GIVEN_CHARS["M"]),
    }
    people = list(Beneficiary.objects.exclude(name__in=["小Q", "小陈"]))
    staff = list(Staff.objects.all())
    assert len(people) > 2000 and len(staff) > 400
    for person in [*people, *staff]:
        other = "F" if person.gender == "M" else "M"
        assert not set(person.name[1:]) & only[other], (person.name, person.gender)
    women = _with(Beneficiary.objects.all(), "woman_in_hardship")
    assert women.count() > 20 and not women.filter(gender="M").exists()


def test_everyone_was_registered_through_the_services(db):
    registered = AuditEntry.objects.filter(object_type="registry.beneficiary", action="create").count()
    assert registered == Beneficiary.objects.count()
    assert AuditEntry.objects.filter(object_type="registry.household", action="create").count() == (
        Household.objects.count()
    )
    # each person sits at the station of their village's town and the point of their village
    for person in Beneficiary.objects.select_related("station", "point", "household__village"):
        assert person.station.region_code == person.region_code[:9] + "000"
        assert person.point.village_id == person.household.village_id


def test_hekou_has_the_ledger_of_seed_001(db):
    villages = Point.objects.filter(station__town__code=HEKOU).values_list("village__name", flat=True)
    assert len(villages) == 4 and "双上村" in villages
    people = _in_town(Beneficiary.objects.all(), HEKOU)
    # 45 civil-affairs households (低保, 特困), every such member on follow-up level 1 (visited twice a week)
    civil = ("dibao", "tekun_dispersed", "tekun_institutional")
    assert _households_with(HEKOU, *civil).count() == 45
    assert not _with(people, *civil).exclude(follow_up_level=1).exists()
    assert _with(people, "near_poverty").count() == 12
    very_old_alone = _with(people, "very_old_elderly").filter(
        category_links__category__code="living_alone_elderly"
    )
    assert very_old_alone.count() == 3
    assert all(age_on(person.birth_date, date.today()) >= 80 for person in very_old_alone)
    assert _with(people, "left_behind_child").count() == 4
    assert _with(people, "disabled", "severely_disabled").count() == 16
    xiao_chen = people.get(name="小陈")
    assert (xiao_chen.disability_type, xiao_chen.disability_grade) == ("physical", 2)
    assert people.count() < 963  # the residents of its 4 villages; only the people it serves are registered


def test_sulong_has_the_people_of_seed_000(db):
    tekun = _with(_in_town(Beneficiary.objects.all(), SULONG), "tekun_dispersed")
    assert tekun.count() == 46
    assert all(age_on(person.birth_date, date(2023, 1, 17)) >= 60 for person in tekun)
    assert _households_with(SULONG, "woman_in_hardship", "child_in_difficulty").count() == 20
    assert _households_with(SULONG, "anti_relapse").count() == 10
    worker = User.objects.get(username="worker")
    visible = Beneficiary.objects.visible_to(worker)
    assert visible.count() > 76 and set(visible.values_list("station__town__code", flat=True)) == {SULONG}


def test_yunan_has_its_dispersed_extreme_poverty_dependants_in_every_town(db):
    tekun = _with(Beneficiary.objects.filter(region_code__startswith="445322"), "tekun_dispersed")
    assert tekun.count() == YUNAN_TEKUN
    assert tekun.values("station").distinct().count() == 15


def test_guixu_has_xiao_q(db):
    xiao_q = Beneficiary.objects.select_related("household__village", "station__town").get(name="小Q")
    assert xiao_q.household.village.name == "罗顺村" and xiao_q.station.town.code == GUIXU
    assert list(xiao_q.categories.values_list("name", flat=True)) == ["精神障碍患者"]
    assert xiao_q.risk_level == "high" and xiao_q.follow_up_level == 1


def test_the_demo_command_says_what_it_registered_and_that_it_is_fictional(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    people = Beneficiary.objects.filter(region_code__startswith="4453").count()
    assert f"{people} 人" in text and "身份证号均为虚构" in text and "worker" in text


def test_loading_says_each_step_and_counts_through_the_long_ones():
    """`make demo` prints as it goes: every step, and within the registry and the visits how far it is."""
    steps = [line for line in PROGRESS if not line.startswith("  ")]
    assert steps[:4] == [
        "区划（云浮市，至镇街）",
        "社工站、社工点和社工（2021年8月9日一览表的5个县）",
        "服务对象建档（每个社工站的台账与简报中的人物）",
        "走访记录（近4周，按四级跟进的间隔）",
    ]
    assert steps[-1] == "演示账号" and "工作简报" in steps
    towns = [line for line in PROGRESS if line.startswith("  服务对象建档：")]
    visits = [line for line in PROGRESS if line.startswith("  走访记录：")]
    assert towns[0] == "  服务对象建档：10/63个镇街" and len(towns) == 6
    assert visits[0].startswith("  走访记录：200/") and len(visits) >= 4


def test_hekou_visits_its_civil_affairs_households_twice_a_week(db):
    """Seed 001: 河口街道 visits its 45 civil-affairs households twice a week. In the demo's four weeks of
    visits, most of them have a home visit every 3 or 4 days; some are behind, so the worker's due list and
    the coverage pages have overdue rows to show."""
    from datetime import timedelta

    from django.utils import timezone

    from shuangbai.visits.models import FollowUp, Visit

    civil = _households_with(HEKOU, "dibao", "tekun_dispersed", "tekun_institutional")
    since = timezone.localdate() - timedelta(weeks=4)
    visits = dict(
        Visit.objects.filter(household__in=civil, is_home=True, visited_on__gte=since)
        .values_list("household_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    twice_a_week = [pk for pk in civil.values_list("pk", flat=True) if visits.get(pk, 0) >= 6]
    assert len(twice_a_week) >= 30, visits
    last = dict(
        FollowUp.objects.filter(household__in=civil).values_list("household_id", "last_home_visit_on")
    )
    behind = [pk for pk, day in last.items() if day < timezone.localdate() - timedelta(days=3)]
    assert 0 < len(behind) < 20  # a few fell behind: overdue on a 3-day interval
    assert not Visit.objects.filter(visited_on__gt=timezone.localdate()).exists()


# ---------------------------------------------------------------------- the seeds' station stories, as figures

HEKOU_TOWN, SULONG_TOWN, YUNAN_COUNTY, SHUITAI_TOWN = "445302003000", "445381002000", "445322000000", "445321"


def _figures(code: str, start: date, end: date):
    from shuangbai.stations.figures import station_figures

    return station_figures(Region.objects.get(code=code.ljust(12, "0")), start, end)


def test_hekou_paragraph_of_seed_001_comes_out_of_the_station_figures(db):
    """ "累计精准识别出困难边缘人员12人，高龄独居老人3名、留守儿童4名，累计协助16名符合条件的人员申请残疾人补贴，
    为4名80岁老年人申请高龄津贴、16名村民申请医疗救助，为26户家庭链接了救助金和生活物资，为17户提供临时救助"."""
    got = _figures(HEKOU_TOWN, date(2000, 1, 1), date(2021, 8, 9))  # 累计: everything up to the bulletin
    assert got.value("registry.new.near_poverty") == 12
    assert got.value("registry.new.living_alone_elderly") == 3
    assert got.value("registry.new.left_behind_child") == 4
    assert got.value("assistance.disability_subsidy.people") == 16
    assert got.value("assistance.old_age_allowance.people") == 4
    assert got.value("assistance.medical_relief.people") == 16
    assert got.value("assistance.relief_money.households") == 26
    assert got.value("assistance.daily_supplies.households") == 26
    assert got.value("assistance.temporary_relief.households") == 17


def test_sulong_spring_festival_series(db):
    from shuangbai.assistance.models import HandOut

    got = _figures(SULONG_TOWN, date(2023, 1, 1), date(2023, 1, 31))
    assert got.value("assistance.cash_gift.households") == 20
    assert got.value("distribution.棉被") == 10 and got.value("distribution.棉衣") == 24
    assert got.value("distribution.棉被.households") + got.value("distribution.棉衣.households") == 34
    assert got.value("assistance.daily_supplies.households") == 10
    assert got.value("distribution.健康包") == 46
    health = HandOut.objects.filter(batch__item="健康包", station__town__code=SULONG_TOWN)
    assert set(health.values_list("handed_on", flat=True)) == {date(2023, 1, 17), date(2023, 1, 18)}


def test_yunan_health_packs_down_the_tree(db):
    from shuangbai.assistance.models import Batch, Holding
    from shuangbai.assistance.selectors import not_yet_received
    from shuangbai.assistance.services import stock_of

    got = _figures(YUNAN_COUNTY, date(2023, 1, 1), date(2023, 2, 28))
    assert 2700 <= got.value("distribution.健康包") < 2800
    packs = Batch.objects.get(item="健康包", level="city")
    county = Holding.objects.get(batch=packs, region_code=YUNAN_COUNTY)
    stations = Holding.objects.filter(batch=packs, parent=county)
    assert stations.count() == 15
    assert all(stock_of(holding) >= 0 for holding in stations)
    # every registered dispersed extreme-poverty dependant of 郁南县 has had one: none left on the list
    reader = User(role="city", is_superuser=True)
    assert not not_yet_received(reader, packs).filter(region_code__startswith=YUNAN_COUNTY[:6]).exists()


def test_shuitai_enterprise_festive_visit(db):
    from shuangbai.assistance.models import Batch

    got = _figures(SHUITAI_TOWN, date(2023, 1, 16), date(2023, 1, 16))
    batch = Batch.objects.get(donor="翔顺金水台温泉小镇")
    assert batch.party == "enterprise"
    assert got.value("distribution.春节慰问品") == batch.quantity > 0


def test_the_other_stories_are_in_the_figures(db):
    """桂圩镇's referral of 小Q (seed 000), and the festival activities of 高峰街道, 六都镇, 罗城街道, 东成镇."""
    guixu = _figures(GUIXU, date(2023, 1, 1), date(2023, 2, 28))
    assert guixu.value("referrals.sent") >= 1 and guixu.value("referrals.done") >= 1
    for town in ("高峰街道", "六都镇", "罗城街道", "东成镇"):
        code = Region.objects.get(name=town, level="town").code
        assert _figures(code, date(2023, 1, 1), date(2023, 2, 28)).value("activities.count") >= 1, town


def test_the_demo_s_stories_load_once(db):
    from shuangbai.activities.demo import load_demo as load_activities
    from shuangbai.assistance.demo import load_demo as load_assistance
    from shuangbai.cases.demo import load_demo as load_cases

    system = system_actor()
    assert load_assistance(system) == load_cases(system) == load_activities(system) == 0


def test_the_bulletin_archive_holds_the_seeds_and_a_draft_composed_from_the_records(db):
    import io

    from docx import Document as open_docx

    from shuangbai.bulletins import compose
    from shuangbai.bulletins.demo import load_demo as load_bulletins
    from shuangbai.bulletins.docx import render_docx
    from shuangbai.bulletins.models import ArticleStatus, Bulletin

    issues = {b.number: b for b in Bulletin.objects.filter(region_code="445300000000")}
    assert set(issues) == {"2021年第7期", "2023年第2期", "2023年第3期"}
    old = issues["2023年第2期"]
    assert old.is_published and old.imported
    assert [len(s["articles"]) for s in old.snapshot["sections"]] == [1, 3, 9]
    assert "梁绍雄副市长" in old.sent_to
    draft = issues["2023年第3期"]
    assert not draft.is_published and draft.sent_to.startswith("梁绍雄副市长")
    document = compose.compose(draft)
    titles = [a.title for s in document.sections for a in s.articles]
    assert "云浮市2023年“双百工程”社工站（点）建设进度情况一览表" in titles
    assert any(t.startswith("罗定市罗城街道社工站开展") for t in titles)
    assert any(t.startswith("郁南县桂圩镇社工站：") for t in titles)
    texts = [p.text for p in open_docx(io.BytesIO(render_docx(document))).paragraphs]
    # the health packs the city received and handed out, counted from the hand-outs
    assert any("健康包" in t and "发放" in t for t in texts)
    table = next(a for s in document.sections for a in s.articles if a.tables).tables[0]
    yunan = next(row for row in table.rows if row[0] == "云安区")
    assert yunan[2] == "7" and yunan[7] == "38"  # seed 000: 7 stations and 38 points in 云安区
    assert (
        draft.articles.model.objects.filter(city_code="445300000000", status=ArticleStatus.SUBMITTED).count()
        == 1
    )
    load_bulletins(system_actor())
    assert Bulletin.objects.filter(region_code="445300000000").count() == 3


def test_hekou_s_service_area_is_told_back_4_villages_963_people(db):
    """Seed 001: 河口街道社工站……服务范围共覆盖4条自然村963人."""
    from shuangbai.stations.pages import service_areas

    station = Station.objects.get(town__code=HEKOU)
    assert service_areas([station.pk])[station.pk] == "共覆盖4个村（居）963人"
    client = Client()
    client.force_login(User.objects.get(username="city"))
    page = client.get(station.get_absolute_url()).content.decode()
    assert "<dt>服务范围</dt><dd>共覆盖4个村（居）963人</dd>" in page


def test_most_demo_households_are_on_the_service_map_in_yunfu(db):
    households = Household.objects.all()
    located = households.filter(latitude__isnull=False)
    assert 0.8 < located.count() / households.count() < 0.97  # some are still to be located, as in life
    box = located.aggregate(Min("latitude"), Max("latitude"), Min("longitude"), Max("longitude"))
    assert box["latitude__min"] > 22.4 and box["latitude__max"] < 23.5
    assert box["longitude__min"] > 111.2 and box["longitude__max"] < 112.5
