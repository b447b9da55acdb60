from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from shuangbai.activities.models import (
    Activity,
    ActivityPartner,
    ActivityPerson,
    ActivityVolunteer,
    Partner,
    Volunteer,
)
from shuangbai.assistance.models import (
    Allocation,
    Assistance,
    AssistanceStep,
    Batch,
    HandOut,
    Holding,
    Return,
)
from shuangbai.assistance.services import hand_out, stock_of
from shuangbai.cases.models import Agency, Case, CaseNote, Goal, Referral, ReferralStep
from shuangbai.core import idnumber
from shuangbai.core.crypto import lookup_hash
from shuangbai.core.models import User, system_actor
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Category, Household
from shuangbai.registry.services import household_register
from shuangbai.staff.models import Assignment, Staff, Training
from shuangbai.stations.models import EquipmentRecord, Point, ProgressReport, Station
from shuangbai.synth import AS_OF, VISIT_DAYS, SynthError, synth_build, synth_counts
from shuangbai.visits.models import DEFAULT_LEVELS, FollowUp, Visit, VisitWorker
from shuangbai.visits.selectors import due_households
from shuangbai.visits.services import follow_up_rebuild, visit_record
from tests.conftest import id_number


def _fingerprint():
    return (
        list(Region.objects.order_by("code").values_list("code", "name", "level")),
        list(Station.objects.order_by("region_code").values_list("region_code", "name")),
        list(
            Staff.objects.order_by("region_code", "name", "id").values_list("name", "region_code", "position")
        ),
        list(
            Beneficiary.objects.order_by(
                "region_code", "household__address", "name", "birth_date"
            ).values_list(
                "region_code", "household__address", "relation", "name", "birth_date", "id_hash", "status"
            )
        ),
        sorted(
            BeneficiaryCategory.objects.values_list(
                "beneficiary__region_code", "beneficiary__name", "beneficiary__birth_date", "category__code"
            )
        ),
        sorted(
            VisitWorker.objects.values_list(
                "visit__household__region_code",
                "visit__household__address",
                "visit__visited_at",
                "visit__kind",
                "visit__mental_state",
                "visit__hazards",
                "visit__needs",
                "staff__name",
                "staff__region_code",
            ),
            key=repr,  # JSON lists do not compare with each other; their repr does
        ),
        sorted(
            FollowUp.objects.values_list("household__region_code", "household__address", "last_home_visit_on")
        ),
        sorted(EquipmentRecord.objects.values_list("region_code", "point__name", "effective_on", "missing")),
        sorted(
            Case.objects.values_list(
                "beneficiary__name", "beneficiary__birth_date", "opened_on", "closed_on", "worker__name"
            )
        ),
        sorted(
            AssistanceStep.objects.values_list(
                "beneficiary__name", "beneficiary__birth_date", "type__code", "status", "on"
            )
        ),
        sorted(
            HandOut.objects.values_list(
                "batch__item", "holding__name", "beneficiary__name", "beneficiary__birth_date", "handed_on"
            )
        ),
        sorted(Holding.objects.values_list("batch__item", "batch__received_on", "name", "region_code")),
        sorted(
            ActivityPerson.objects.values_list(
                "activity__title", "held_on", "region_code", "beneficiary__name", "beneficiary__birth_date"
            )
        ),
        sorted(Volunteer.objects.values_list("region_code", "name", "partner__name")),
    )


def _levels() -> dict[int, int]:
    """{household id: the most frequent follow-up level among its members in register}."""
    rows = Beneficiary.objects.active().values("household_id").annotate(level=Min("follow_up_level"))
    return {row["household_id"]: row["level"] for row in rows.order_by()}


@pytest.fixture(scope="class")
def built(django_db_setup, django_db_blocker):
    """One build at 0.01 (11,000 households, 30,000 people) shared by a class's tests, rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = synth_build(0.01, seed=7)
        # Fire PostgreSQL's deferred foreign-key checks now, once, rather than at every test's teardown.
        connection.check_constraints()
        yield result
        transaction.set_rollback(True)


class TestABuild:
    def test_synth_builds_a_consistent_province_fraction(self, built, db):
        counts = synth_counts(0.01)
        assert Station.objects.count() == counts["towns"] == Region.objects.filter(level="town").count()
        assert Point.objects.count() == counts["villages"]
        assert Staff.objects.count() == Assignment.objects.filter(ended_on=None).count() == built["staff"]
        # every station has a head and every point belongs to a station of its own town
        assert Staff.objects.filter(position="head").values("station").distinct().count() == counts["towns"]
        assert all(
            p.region_code.startswith(p.station.region_code[:9])
            for p in Point.objects.select_related("station")
        )
        # fictional, and never in the real Yunfu range
        assert not Region.objects.filter(fictional=True, code__startswith="4453").exists()
        with pytest.raises(SynthError):
            synth_build(0.01, seed=7)

    def test_households_and_people_sit_at_their_villages_station_and_point(self, built, db):
        assert Household.objects.count() == built["households"] == synth_counts(0.01)["households"] == 11000
        assert Beneficiary.objects.count() == built["beneficiaries"] == 30000
        villages = dict(Region.objects.filter(level="village").values_list("id", "code"))
        for village_id, code, station_code, point_code in Household.objects.values_list(
            "village_id", "region_code", "station__region_code", "point__region_code"
        ):
            assert villages[village_id] == code == point_code
            assert station_code == code[:9] + "000"
        mismatched = Beneficiary.objects.exclude(
            station=F("household__station"),
            point=F("household__point"),
            region_code=F("household__region_code"),
        )
        assert not mismatched.exists()

    def test_each_household_has_exactly_one_head(self, built, db):
        heads = Household.objects.annotate(n=Count("members", filter=Q(members__relation="head")))
        assert set(heads.values_list("n", flat=True)) == {1}
        assert Beneficiary.objects.filter(relation="head").count() == built["households"]
        assert Beneficiary.objects.exclude(relation="head").exists()

    def test_category_links_mirror_the_beneficiary(self, built, db):
        links = BeneficiaryCategory.objects
        assert links.count() == built["category_links"]
        assert not links.exclude(
            station=F("beneficiary__station"), region_code=F("beneficiary__region_code")
        ).exists()
        assert not links.filter(active=True).exclude(beneficiary__status="active").exists()
        assert not links.filter(active=False).exclude(beneficiary__status="exited").exists()
        per_person = Counter(
            Beneficiary.objects.annotate(n=Count("category_links")).values_list("n", flat=True)
        )
        assert set(per_person) <= {1, 2, 3}
        assert per_person[1] > 0.6 * built["beneficiaries"] and per_person[2] > 0 and per_person[3] > 0

    def test_the_ledger_has_plausible_proportions(self, built, db):
        total = built["beneficiaries"]
        by_code = dict(
            BeneficiaryCategory.objects.values("category__code")
            .annotate(n=Count("id"))
            .values_list("category__code", "n")
        )
        assert set(by_code) == set(Category.objects.values_list("code", flat=True))
        assert max(by_code, key=by_code.get) == "dibao"
        assert by_code["tekun_dispersed"] > by_code["severely_disabled"] > by_code["mental_disorder"]
        assert 0.002 * total < by_code["mental_disorder"] < 0.02 * total
        exited = Beneficiary.objects.filter(status="exited")
        assert 0.03 * total < exited.count() < 0.05 * total
        assert not exited.filter(
            Q(exited_on=None) | Q(exit_reason="") | Q(exited_on__lt=F("registered_on"))
        ).exists()
        no_id = Beneficiary.objects.filter(id_hash=None)
        assert 0.005 * total < no_id.count() < 0.015 * total
        assert not no_id.filter(no_id_reason="").exists()
        assert not no_id.exclude(id_masked="", id_tail="").exists()
        assert set(Beneficiary.objects.values_list("follow_up_level", flat=True)) == {1, 2, 3, 4}
        assert not Beneficiary.objects.filter(
            Q(registered_on__gt=AS_OF) | Q(registered_on__lt=F("birth_date"))
        ).exists()

    def test_id_numbers_are_valid_encrypted_and_indexed(self, built, db):
        people = Beneficiary.objects.exclude(id_hash=None).order_by("id")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id_number FROM {Beneficiary._meta.db_table} WHERE id_hash IS NOT NULL LIMIT 50"
            )
            stored = [row[0] for row in cursor.fetchall()]
        assert all(value.startswith("g1:") for value in stored)
        sample = list(people[::37])  # every 37th, about 800 decrypted
        assert len(sample) > 500
        for person in sample:
            facts = idnumber.parse(person.id_number, today=date(2030, 1, 1))
            assert facts.number == person.id_number
            assert (facts.birth_date, facts.gender) == (person.birth_date, person.gender)
            assert person.id_number[:6] == person.region_code[:6]
            assert person.id_hash == lookup_hash(person.id_number)
            assert person.id_masked == idnumber.mask(person.id_number)
            assert person.id_tail == person.id_number[-4:]
        assert people.values("id_hash").distinct().count() == people.count()

    def test_a_year_of_visits_up_to_as_of_in_the_daytime(self, built, db):
        visits = Visit.objects.all()
        assert visits.count() == built["visits"] > 25 * built["households"]
        first = AS_OF - timedelta(days=VISIT_DAYS - 1)
        assert visits.aggregate(a=Min("visited_on"), b=Max("visited_on")) == {"a": first, "b": AS_OF}
        zone = timezone.get_default_timezone()
        end = datetime.combine(AS_OF, time(23, 59, 59), tzinfo=zone)
        assert not visits.filter(visited_at__gt=end).exists()
        assert not visits.filter(visited_at__gt=timezone.now()).exists()
        sample = visits.annotate(m=F("id") % 41).filter(m=0).values_list("visited_at", "visited_on")
        assert len(sample) > 5000
        for visited_at, visited_on in sample:
            local = timezone.localtime(visited_at, zone)
            assert local.date() == visited_on
            assert time(8, 30) <= local.time() <= time(17, 30)
        # where the household is, and whose
        assert not visits.exclude(
            station=F("household__station"),
            point=F("household__point"),
            region_code=F("household__region_code"),
        ).exists()
        # never before the household's first registration
        first_registered = dict(
            Beneficiary.objects.values("household_id")
            .annotate(first=Min("registered_on"))
            .values_list("household_id", "first")
            .order_by()
        )
        earliest = visits.values("household_id").annotate(first=Min("visited_on")).order_by()
        assert all(row["first"] >= first_registered[row["household_id"]] for row in earliest)
        # kinds: mostly home visits, some phone calls and others; home is what `is_home` says
        kinds = Counter(visits.values_list("kind", flat=True).order_by())
        assert kinds["home"] > 0.85 * built["visits"] and kinds["phone"] > 0.02 * built["visits"]
        assert visits.filter(is_home=True).count() == kinds["home"]
        assert not visits.filter(is_home=True).exclude(kind="home").exists()
        assert visits.filter(hazards=[]).count() > 0.8 * built["visits"]
        assert visits.exclude(needs=[]).exists()
        found = visits.exclude(needs=[]).first()
        assert found.get_needs_display() and len(found.needs) == len(found.get_needs_display())
        assert set(visits.values_list("health", "mental_notes").distinct()) == {("", "")}
        assert set(visits.values_list("version", flat=True).distinct()) == {1}

    def test_each_visit_has_one_worker_of_its_station_and_the_system_recorder(self, built, db):
        assert VisitWorker.objects.count() == built["visit_workers"] == built["visits"]
        per_visit = Counter(VisitWorker.objects.values_list("visit_id", flat=True).order_by())
        assert set(per_visit.values()) == {1}
        assert not VisitWorker.objects.exclude(staff__station=F("visit__station")).exists()
        recorder = User.objects.get(username="system")
        assert recorder.role == "system" and not recorder.has_usable_password()
        assert set(Visit.objects.values_list("recorded_by", flat=True).distinct()) == {recorder.pk}

    def test_home_visits_follow_each_households_level(self, built, db):
        levels = _levels()
        homes = Counter(
            dict(
                Visit.objects.filter(is_home=True)
                .values("household_id")
                .annotate(n=Count("id"))
                .values_list("household_id", "n")
                .order_by()
            )
        )
        # a year of visits per level, for the households in register since before the year began
        since = AS_OF - timedelta(days=VISIT_DAYS)
        old = set(
            Beneficiary.objects.values("household_id")
            .annotate(first=Min("registered_on"))
            .filter(first__lt=since)
            .values_list("household_id", flat=True)
            .order_by()
        )
        mean = {}
        for level, (_, interval) in DEFAULT_LEVELS.items():
            counts = [homes[h] for h, lv in levels.items() if lv == level and h in old]
            assert len(counts) > 100
            mean[level] = sum(counts) / len(counts)
            # on schedule, a little late at times; some households behind, a few never visited
            assert 0.75 * VISIT_DAYS / interval < mean[level] < 1.1 * VISIT_DAYS / interval, (level, mean)
        assert mean[1] > 2 * mean[2] and mean[2] > 3 * mean[3] and mean[3] > 2 * mean[4]
        assert mean[1] > 20 * mean[4]  # twice a week against once a quarter
        # the due list on AS_OF: most households on time, some overdue, a few never visited at home
        last = dict(FollowUp.objects.values_list("household_id", "last_home_visit_on"))
        intervals = {level: days for level, (_, days) in DEFAULT_LEVELS.items()}
        overdue = sum(
            1 for h, level in levels.items() if h in last and (AS_OF - last[h]).days > intervals[level]
        )
        never = sum(1 for h in levels if h not in last)
        assert 0.05 * len(levels) < overdue < 0.3 * len(levels)
        assert 0 < never < 0.03 * len(levels)
        station = Station.objects.order_by("id").first()
        head = User.objects.create(username="synth-test-head", role="station_head", scope_station=station)
        due = due_households(head, station, today=AS_OF)
        sections = Counter(entry.section for entry in due)
        assert sections["overdue"] and sections["soon"] > sections["overdue"]

    def test_the_follow_up_summary_is_the_last_home_visit(self, built, db):
        def summary():
            rows = FollowUp.objects.values_list(
                "household_id", "station_id", "region_code", "last_home_visit_on"
            )
            return {household: (station, region, last) for household, station, region, last in rows}

        expected = {
            row["household_id"]: (row["household__station_id"], row["household__region_code"], row["last"])
            for row in Visit.objects.filter(is_home=True)
            .values("household_id", "household__station_id", "household__region_code")
            .annotate(last=Max("visited_on"))
            .order_by()
        }
        assert summary() == expected
        assert built["follow_ups"] == len(expected)
        assert follow_up_rebuild() == len(expected)  # the definition, rebuilt: the same
        assert summary() == expected

    def test_the_services_records_are_consistent(self, built, db):
        """Cases, assistance, batches and activities at plausible rates, each where its person is, the stock
        of every holder never below zero."""
        active = Beneficiary.objects.filter(status="active").count()
        households = Household.objects.count()
        cases = Case.objects.all()
        assert cases.count() == built["cases"] and 0.01 * active < built["cases"] < 0.03 * active
        assert 0.35 * built["cases"] < cases.filter(status="closed").count() == built["cases_closed"]
        assert built["cases_closed"] < 0.65 * built["cases"]
        assert not cases.exclude(
            region_code=F("beneficiary__region_code"), station=F("beneficiary__station")
        ).exists()
        assert not cases.exclude(worker__station=F("station")).exists()
        assert not cases.filter(Q(opened_on__gt=AS_OF) | Q(closed_on__gt=AS_OF)).exists()
        assert not cases.filter(opened_on__lt=F("beneficiary__registered_on")).exists()
        notes = CaseNote.objects.all()
        assert notes.count() == built["case_notes"] > built["cases"]
        assert not notes.filter(written_on__lt=F("case__opened_on")).exists()
        assert not notes.filter(written_on__gt=F("case__closed_on")).exists()
        assert not notes.exclude(worker__station=F("case__station")).exists()
        referrals = Referral.objects.all()
        assert 0.1 * built["cases"] < referrals.count() == built["referrals"] < 0.3 * built["cases"]
        assert not referrals.exclude(region_code=F("case__region_code")).exists()
        for referral in referrals.prefetch_related("steps"):
            steps = sorted(referral.steps.all(), key=lambda step: (step.on_date, step.id))
            assert 1 <= len(steps) <= 3 and steps[0].status == "sent"
            assert (referral.referred_on, referral.status) == (steps[0].on_date, steps[-1].status)
            assert referral.finished_on == (steps[-1].on_date if referral.is_finished else None)
        # assistance: about a tenth of the households, each record's status its last step's, where its person is
        records = Assistance.objects.all()
        assert (
            records.count() == built["assistance"]
            and 0.06 * households < built["assistance"] < 0.14 * households
        )
        assert records.values("type").distinct().count() >= 8
        assert not records.exclude(
            region_code=F("beneficiary__region_code"), household=F("beneficiary__household")
        ).exists()
        steps = AssistanceStep.objects.all()
        assert steps.count() == built["assistance_steps"] >= built["assistance"]
        assert not steps.exclude(
            beneficiary=F("assistance__beneficiary"),
            region_code=F("assistance__region_code"),
            type=F("assistance__type"),
        ).exists()
        latest: dict[int, tuple] = {}
        for assistance_id, on, status in steps.values_list("assistance_id", "on", "status"):
            latest[assistance_id] = max(latest.get(assistance_id, (on, status)), (on, status))
        assert {r.pk: (r.status_on, r.status) for r in records} == latest
        assert not records.filter(Q(status_on__gt=AS_OF) | Q(started_on__gt=F("status_on"))).exists()
        # batches: every hand-out at a station holding the batch, to a person of that station in its category
        hand_outs = HandOut.objects.all()
        assert hand_outs.count() == built["hand_outs"] > 0
        assert not hand_outs.exclude(holding__station=F("station"), holding__batch=F("batch")).exists()
        assert not hand_outs.exclude(beneficiary__station=F("station")).exists()
        assert not hand_outs.exclude(region_code=F("beneficiary__region_code")).exists()
        assert not hand_outs.exclude(
            beneficiary__category_links__category=F("batch__target_category")
        ).exists()
        assert not hand_outs.filter(
            Q(handed_on__lt=F("batch__received_on")) | Q(handed_on__gt=AS_OF)
        ).exists()
        holdings = list(Holding.objects.select_related("batch", "parent"))
        assert len(holdings) == built["holdings"]
        for holding in holdings:
            assert stock_of(holding) >= 0, holding
            if holding.parent_id:
                assert holding.parent.level == {"county": "city", "station": "county"}[holding.level]
                assert holding.region_code.startswith(holding.parent.region_code.rstrip("0"))
        # activities: 2-4 a station a month, their people and volunteers of the station, the day copied
        months = 12
        stations = Station.objects.count()
        assert (
            2 * months * stations <= Activity.objects.count() == built["activities"] <= 4 * months * stations
        )
        links = ActivityPerson.objects.all()
        assert links.count() == built["activity_people"] > built["activities"]
        assert not links.exclude(
            held_on=F("activity__held_on"), region_code=F("activity__region_code")
        ).exists()
        assert not links.exclude(beneficiary__station=F("activity__station")).exists()
        assert not links.filter(beneficiary__registered_on__gt=F("held_on")).exists()
        assert not ActivityVolunteer.objects.exclude(volunteer__station=F("activity__station")).exists()
        assert not ActivityPartner.objects.exclude(
            partner__region_code=F("activity__station__region_code")
        ).exists()
        assert Partner.objects.count() == built["partners"] >= 2 * stations
        assert Volunteer.objects.count() == built["volunteers"] >= 8 * stations

    def test_a_hand_out_after_a_build(self, built, db):
        """The writers moved the sequences past their ids (PostgreSQL): the service hands out from a holding."""
        holding = next(h for h in Holding.objects.filter(level="station").order_by("id") if stock_of(h) > 0)
        left = stock_of(holding)
        person = (
            Beneficiary.objects.filter(station=holding.station, status="active", registered_on__lte=AS_OF)
            .order_by("id")
            .first()
        )
        given = hand_out(actor=system_actor(), holding=holding, beneficiary=person, handed_on=AS_OF)
        assert given.pk == HandOut.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert stock_of(holding) == left - 1

    def test_services_register_after_a_build(self, built, db):
        """The build hands out ids itself; the sequences must have moved past them (PostgreSQL)."""
        village = Region.objects.filter(level="village").order_by("code").first()
        household = household_register(
            actor=system_actor(),
            village=village,
            head={
                "name": "新登记",
                "id_number": id_number(village.code[:6], "19500101", "001"),
                "categories": [Category.objects.get(code="dibao")],
            },
        )
        assert household.pk == Household.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert household.members.get().station.region_code == village.code[:9] + "000"
        station = household.members.get().station
        head = User.objects.create(username="synth-test-recorder", role="station_head", scope_station=station)
        visit = visit_record(
            actor=head,
            household=household,
            visited_at=timezone.now(),
            workers=[Staff.objects.filter(station=station).first()],
        )
        assert visit.pk == Visit.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert visit.worker_links.get().pk == VisitWorker.objects.order_by("-pk").first().pk
        assert FollowUp.objects.get(household=household).last_home_visit_on == timezone.localdate()


def test_the_same_seed_gives_the_same_data(db):
    synth_build(0.002, seed=3)
    first = _fingerprint()
    assert len(first[3]) == 6000
    assert len(first[5]) == Visit.objects.count() > 50000
    assert len(first[10]) == HandOut.objects.count() > 100
    assert len(first[13]) == Volunteer.objects.count() > 0
    for model in (
        ActivityPartner,
        ActivityVolunteer,
        ActivityPerson,
        Activity,
        Volunteer,
        Partner,
        HandOut,
        Return,
        Allocation,
    ):
        model.objects.all().delete()
    for level in ("station", "county", "city"):  # a holder's parent is protected while it has children
        Holding.objects.filter(level=level).delete()
    for model in (Batch, AssistanceStep, Assistance, ReferralStep, Referral, Goal, CaseNote, Case):
        model.objects.all().delete()
    Agency.objects.filter(region__fictional=True).delete()
    FollowUp.objects.all().delete()
    VisitWorker.objects.all().delete()
    with connection.cursor() as cursor:  # the ORM's cascade would load every visit first
        cursor.execute(f"DELETE FROM {Visit._meta.db_table}")
    BeneficiaryCategory.objects.all().delete()
    Beneficiary.objects.all().delete()
    Household.objects.all().delete()
    Assignment.objects.all().delete()
    Training.objects.all().delete()
    Staff.objects.all().delete()
    EquipmentRecord.objects.all().delete()
    ProgressReport.objects.all().delete()
    Point.objects.all().delete()
    Station.objects.all().delete()
    Region.objects.filter(fictional=True, level="village").delete()
    Region.objects.filter(fictional=True, level="town").delete()
    Region.objects.filter(fictional=True, level="county").delete()
    Region.objects.filter(fictional=True, level="city").delete()
    synth_build(0.002, seed=3)
    assert _fingerprint() == first
