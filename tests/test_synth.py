from collections import Counter
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Q

from shuangbai.core import idnumber
from shuangbai.core.crypto import lookup_hash
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Category, Household
from shuangbai.registry.services import household_register
from shuangbai.staff.models import Assignment, Staff
from shuangbai.stations.models import Point, Station
from shuangbai.synth import AS_OF, SynthError, synth_build, synth_counts
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
    )


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

    def test_services_register_after_a_build(self, built, db):
        """The build hands out ids itself; the sequences must have moved past them (PostgreSQL)."""
        village = Region.objects.filter(level="village").order_by("code").first()
        household = household_register(
            actor=None,
            village=village,
            head={
                "name": "新登记",
                "id_number": id_number(village.code[:6], "19500101", "001"),
                "categories": [Category.objects.get(code="dibao")],
            },
        )
        assert household.pk == Household.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert household.members.get().station.region_code == village.code[:9] + "000"


def test_the_same_seed_gives_the_same_data(db):
    synth_build(0.002, seed=3)
    first = _fingerprint()
    assert len(first[3]) == 6000
    BeneficiaryCategory.objects.all().delete()
    Beneficiary.objects.all().delete()
    Household.objects.all().delete()
    Assignment.objects.all().delete()
    Staff.objects.all().delete()
    Point.objects.all().delete()
    Station.objects.all().delete()
    Region.objects.filter(fictional=True, level="village").delete()
    Region.objects.filter(fictional=True, level="town").delete()
    Region.objects.filter(fictional=True, level="county").delete()
    Region.objects.filter(fictional=True, level="city").delete()
    synth_build(0.002, seed=3)
    assert _fingerprint() == first
