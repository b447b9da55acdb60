from datetime import date

from django.urls import reverse
from django.utils import timezone

from shuangbai.core.models import AuditEntry
from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Household
from tests.conftest import id_number
from tests.registry.helpers import category, register

VILLAGE_A = "445381002201"  # 凤塘村, station A's town (素龙街道)


def _household_post(**person):
    data = {
        "hh-village": "",
        "hh-address": "三巷8号",
        "hh-phone": "",
        "p-name": "黄婆婆",
        "p-id_number": id_number("445381", "19380405", "022"),
        "p-living_situation": "alone",
        "p-risk_level": "high",
        "p-follow_up_level": "1",
        "p-categories": [str(category("tekun_dispersed").pk), str(category("living_alone_elderly").pk)],
    }
    data.update(person)
    return data


def test_a_worker_registers_a_household_with_its_head(client, world):
    client.force_login(world.worker_a)
    from shuangbai.regions.models import Region

    village = Region.objects.get(code=VILLAGE_A)
    response = client.post(
        reverse("registry:household_create"), _household_post(**{"hh-village": village.pk})
    )
    assert response.status_code == 302
    person = Beneficiary.objects.get(name="黄婆婆")
    assert response["Location"] == person.household.get_absolute_url()
    # derived from the ID number, placed at the village's station and point
    assert (person.gender, person.birth_date) == ("F", date(1938, 4, 5))
    assert person.station == world.station_a and person.point == world.point_a
    assert person.relation == "head" and person.follow_up_level == 1
    assert set(person.categories.values_list("code", flat=True)) == {
        "tekun_dispersed",
        "living_alone_elderly",
    }
    links = BeneficiaryCategory.objects.filter(beneficiary=person)
    assert {(link.station_id, link.region_code, link.active) for link in links} == {
        (world.station_a.pk, VILLAGE_A, True)
    }
    assert AuditEntry.objects.filter(
        action="create", object_type="registry.beneficiary", actor=world.worker_a
    ).exists()


def test_a_bad_id_number_is_refused_in_chinese_and_nothing_is_saved(client, world):
    client.force_login(world.worker_a)
    from shuangbai.regions.models import Region

    before = (Household.objects.count(), Beneficiary.objects.count())
    good = id_number("445381", "19380405", "022")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    village = Region.objects.get(code=VILLAGE_A)
    response = client.post(
        reverse("registry:household_create"),
        _household_post(**{"hh-village": village.pk, "p-id_number": bad}),
    )
    assert response.status_code == 200
    assert "身份证号校验位不正确" in response.content.decode()
    # what the user typed is kept in the form, nothing in the database
    assert "三巷8号" in response.content.decode()
    assert (Household.objects.count(), Beneficiary.objects.count()) == before


def test_without_an_id_number_a_reason_gender_and_birth_date_are_required(client, world):
    client.force_login(world.worker_a)
    from shuangbai.regions.models import Region

    village = Region.objects.get(code=VILLAGE_A)
    response = client.post(
        reverse("registry:household_create"), _household_post(**{"hh-village": village.pk, "p-id_number": ""})
    )
    body = response.content.decode()
    assert "请选择无身份证号的原因" in body and "请选择性别" in body and "请填写出生日期" in body
    response = client.post(
        reverse("registry:household_create"),
        _household_post(
            **{
                "hh-village": village.pk,
                "p-id_number": "",
                "p-no_id_reason": "no_hukou",
                "p-gender": "M",
                "p-birth_date": "2019-03-01",
            }
        ),
    )
    assert response.status_code == 302
    person = Beneficiary.objects.get(name="黄婆婆")
    assert not person.has_id and person.no_id_reason == "no_hukou" and person.id_masked == ""


def test_the_same_id_number_twice_names_only_the_station_holding_it(client, world):
    client.force_login(world.worker_b)
    from shuangbai.regions.models import Region

    taken = world.beneficiary_a.id_number
    village_b = Region.objects.get(code="445381001201")
    response = client.post(
        reverse("registry:household_create"),
        _household_post(**{"hh-village": village_b.pk, "p-id_number": taken}),
    )
    body = response.content.decode()
    assert f"该身份证号已在{world.station_a.name}登记" in body
    # nothing about the person: not the name, not the village
    assert world.beneficiary_a.name not in body and "凤塘村" not in body
    assert Beneficiary.objects.filter(id_hash=world.beneficiary_a.id_hash).count() == 1


def test_a_worker_cannot_register_in_a_village_of_another_station(client, world):
    client.force_login(world.worker_a)
    from shuangbai.regions.models import Region

    village_b = Region.objects.get(code="445381001201")
    response = client.post(
        reverse("registry:household_create"), _household_post(**{"hh-village": village_b.pk})
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Beneficiary.objects.filter(name="黄婆婆").exists()


def test_adding_a_member_and_a_second_head_is_refused(client, world):
    client.force_login(world.worker_a)
    household = world.household_a
    url = reverse("registry:member_create", args=[household.pk])
    member = {
        "relation": "head",
        "name": "陈小妹",
        "id_number": id_number("445381", "20150601", "044"),
        "living_situation": "left_behind",
        "risk_level": "medium",
        "follow_up_level": "2",
        "categories": [str(category("left_behind_child").pk)],
    }
    response = client.post(url, member)
    assert "该户已有户主" in response.content.decode()
    response = client.post(url, member | {"relation": "grandchild"})
    assert response.status_code == 302
    assert household.members.count() == 2
    assert household.members.get(name="陈小妹").point == world.point_a


def test_editing_with_a_stale_version_is_refused_and_loses_nothing(client, world):
    client.force_login(world.worker_a)
    person = world.beneficiary_a
    url = reverse("registry:edit", args=[person.pk])
    form = {
        "version": person.version,
        "relation": "head",
        "name": person.name,
        "id_number": "",
        "living_situation": "alone",
        "risk_level": "high",
        "follow_up_level": "1",
        "categories": [str(category("dibao").pk)],
        "phone": "13912345678",
    }
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert (person.phone, person.risk_level, person.version) == ("13912345678", "high", 2)
    # a second editor who opened the form at version 1
    response = client.post(url, form | {"phone": "13700000000"})
    assert "此记录已被他人修改" in response.content.decode()
    person.refresh_from_db()
    assert person.phone == "13912345678"


def test_exit_keeps_the_record_and_drops_it_from_the_register(client, world):
    client.force_login(world.worker_a)
    person = register(world.worker_a, VILLAGE_A, "林伯", id_number=id_number("445381", "19400101", "011"))
    url = reverse("registry:exit", args=[person.pk])
    response = client.post(url, {"version": person.version, "reason": "death", "on_date": "2099-01-01"})
    assert "退出日期不能晚于今天" in response.content.decode()
    response = client.post(
        url, {"version": person.version, "reason": "death", "on_date": date.today().isoformat()}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "exited" and person.exit_reason == "death"
    assert not BeneficiaryCategory.objects.filter(beneficiary=person, active=True).exists()
    listing = client.get(reverse("registry:index")).content.decode()
    assert ">林伯</a>" not in listing
    assert ">林伯</a>" in client.get(reverse("registry:index") + "?status=exited").content.decode()
    assert "退出" in client.get(person.get_absolute_url()).content.decode()


def test_a_supervisor_reads_but_does_not_register(client, world):
    client.force_login(world.supervisor)
    assert client.get(world.beneficiary_b.get_absolute_url()).status_code == 200
    assert client.get(reverse("registry:household_create")).status_code == 403


def test_living_situation_and_risk_are_chosen_not_defaulted_and_phones_bring_up_the_number_pad(client, world):
    from shuangbai.regions.models import Region

    client.force_login(world.worker_a)
    page = client.get(reverse("registry:household_create")).content.decode()
    for name in ("p-living_situation", "p-risk_level"):
        select = page[page.index(f'name="{name}"') :]
        select = select[: select.index("</select>")]
        assert '<option value="" selected>请选择</option>' in select
    for name in ("hh-phone", "p-phone", "p-guardian_phone"):
        tag = page[page.rindex("<input", 0, page.index(f'name="{name}"')) :]
        tag = tag[: tag.index(">")]
        assert 'type="tel"' in tag and 'inputmode="tel"' in tag
    village = Region.objects.get(code=VILLAGE_A)
    hurried = _household_post(**{"hh-village": village.pk, "p-living_situation": "", "p-risk_level": ""})
    response = client.post(reverse("registry:household_create"), hurried)
    html = response.content.decode()
    assert response.status_code == 200 and "请选择居住状况。" in html and "请选择风险等级。" in html
    assert "黄婆婆" in html and not Beneficiary.objects.filter(name="黄婆婆").exists()


def test_an_address_naming_its_village_is_not_doubled_and_the_household_has_a_name(client, world):
    from shuangbai.visits.services import visit_record

    household = world.household_a
    village = household.village.name
    Household.objects.filter(pk=household.pk).update(address=f"{village}87号")
    visit_record(
        actor=world.worker_a,
        household=household,
        workers=[world.staff_a],
        kind="home",
        visited_at=timezone.now(),
    )
    client.force_login(world.worker_a)
    person = world.beneficiary_a
    pages = [
        household.get_absolute_url(),
        person.get_absolute_url(),
        f"{reverse('visits:create')}?household={household.pk}",
        f"{reverse('visits:index')}?household={household.pk}",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert f"{village}87号" in html, url
        assert f"{village}{village}" not in html and f"{village} {village}" not in html, url
    detail = client.get(household.get_absolute_url()).content.decode()
    assert f"<span>{village}87号</span></div>" in detail  # the breadcrumb, not "户"


def test_the_person_page_offers_a_visit_to_whoever_may_record_one(client, world):
    person = world.beneficiary_a
    expected = f"{reverse('visits:create')}?household={person.household_id}&amp;beneficiary={person.pk}"
    client.force_login(world.worker_a)
    assert expected in client.get(person.get_absolute_url()).content.decode()
    client.force_login(world.supervisor)
    assert expected not in client.get(person.get_absolute_url()).content.decode()


def test_a_worker_taps_to_call_and_the_tap_is_audited(client, world):
    from shuangbai.registry.services import beneficiary_update

    person = world.beneficiary_a
    person = beneficiary_update(
        actor=world.worker_a, beneficiary=person, version=person.version, phone="13912345678"
    )
    client.force_login(world.worker_a)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'href="tel:13912345678"' in page and page.count("13912345678") == 1  # only in the link
    assert "139****5678" in page and "kind=phone" in page
    called = reverse("registry:called", args=[person.pk])
    assert client.get(called).status_code == 405
    assert client.post(called).status_code == 204
    entry = AuditEntry.objects.get(action="reveal", object_repr=f"{person.name} 拨打电话")
    assert entry.actor == world.worker_a and entry.changes == {"联系电话": "139****5678"}
    # the supervisor reads the page but does not call: no number in it
    client.force_login(world.supervisor)
    assert "13912345678" not in client.get(person.get_absolute_url()).content.decode()
    assert client.post(called).status_code in (403, 404)
    client.force_login(world.worker_b)
    assert client.post(called).status_code == 404
    form = client.get(f"{reverse('visits:create')}?household={world.household_b.pk}&kind=phone")
    assert form.context["form"]["kind"].value() == "phone"
