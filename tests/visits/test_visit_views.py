"""The visit pages through the test client: the due list, the form (with and without script), detail,
amendment, the monitoring list and the schedule page."""

from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shuangbai.core.models import AuditEntry
from shuangbai.registry.services import beneficiary_update
from shuangbai.visits.models import FollowUp, Visit, VisitRevision
from shuangbai.visits.services import visit_record

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_data(world, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "visited_on": now.date().isoformat(),
        "visited_time": now.strftime("%H:%M"),
        "kind": "home",
        "workers": [world.staff_a.pk],
        "met": [world.beneficiary_a.pk],
        "health": "血压偏高，按时服药",
        "living": "家中整洁",
        "mental_state": "good",
        "hazards": ["electric"],
        "needs": ["medical", "policy"],
        "actions": "联系村医上门测血压",
        "client_token": str(uuid.uuid4()),
    }
    return data | overrides


def _level_1(world, actor):
    person = world.beneficiary_a
    return beneficiary_update(actor=actor, beneficiary=person, version=person.version, follow_up_level=1)


def test_a_worker_reaches_the_due_list_from_home_and_sees_a_household_due(world):
    person = _level_1(world, world.worker_a)  # registered today: due in 3 days, so "within the week"
    client = _client(world.worker_a)
    home = client.get("/").content.decode()
    assert f'href="{reverse("visits:due")}' in home
    response = client.get(reverse("visits:due"))
    html = response.content.decode()
    assert person.name in html
    assert f"household={person.household_id}" in html
    assert re.search(r'id="count-soon">1<', html)


def test_the_due_list_shows_days_overdue_from_the_last_home_visit(world):
    person = _level_1(world, world.worker_a)
    # registered long ago, last visited 10 days ago: 7 days overdue on a 3-day interval
    type(person).objects.filter(pk=person.pk).update(registered_on=timezone.localdate() - timedelta(days=60))
    visit_record(
        actor=world.worker_a,
        household=person.household,
        visited_at=timezone.now() - timedelta(days=10),
        workers=[world.staff_a],
    )
    html = _client(world.worker_a).get(reverse("visits:due")).content.decode()
    assert "逾期7天" in html
    assert re.search(r'id="count-overdue">1<', html)


def test_posting_the_form_records_the_visit_and_updates_the_follow_up(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    form_page = client.get(url).content.decode()
    assert world.beneficiary_a.name in form_page and 'name="client_token"' in form_page
    response = client.post(url, _post_data(world))
    assert response.status_code == 302 and response["Location"] == reverse("visits:due")
    visit = Visit.objects.get(household=world.household_a)
    assert visit.health == "血压偏高，按时服药" and visit.needs == ["medical", "policy"]
    assert list(visit.workers.all()) == [world.staff_a]
    assert FollowUp.objects.get(household=world.household_a).last_home_visit_on == timezone.localdate()


def test_a_script_save_answers_201_and_a_repeated_save_makes_no_second_visit(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    data = _post_data(world)
    first = client.post(url, data, headers={"X-Requested-With": "fetch"})
    assert first.status_code == 201 and first.json()["url"] == reverse("visits:due")
    again = client.post(url, data, headers={"X-Requested-With": "fetch"})
    assert again.status_code == 201 and again.json()["visit"] == first.json()["visit"]
    assert Visit.objects.filter(household=world.household_a).count() == 1


def test_bad_input_comes_back_422_in_chinese_and_saves_nothing(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(url, _post_data(world, visited_on=future, workers=[]))
    assert response.status_code == 422
    assert "请至少选择一名走访社工" in response.content.decode()
    response = client.post(url, _post_data(world, visited_on=future))
    assert response.status_code == 422 and "走访时间不能晚于现在" in response.content.decode()
    assert not Visit.objects.exists()
    old = (timezone.localdate() - timedelta(days=40)).isoformat()
    response = client.post(url, _post_data(world, visited_on=old))
    assert response.status_code == 422
    assert "补录原因" in response.content.decode() and not Visit.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("latitude", "1e309", "纬度"),
        ("latitude", "95", "纬度"),
        ("longitude", "abc", "经度"),
        ("location_accuracy", "-5", "定位精度"),
    ],
)
def test_a_bad_position_from_the_phone_is_named_and_cleared_so_the_next_save_works(world, field, value, said):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    data = _post_data(world, latitude="22.9", longitude="111.5", location_accuracy="12") | {field: value}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 422 and not Visit.objects.exists()
    assert "手机记录的位置无效" in html and said in html
    assert "血压偏高，按时服药" in html  # nothing typed is lost
    form = response.context["form"]
    assert [form[name].value() for name in ("latitude", "longitude", "location_accuracy")] == ["", "", ""]
    resubmitted = data | {name: form[name].value() for name in ("latitude", "longitude", "location_accuracy")}
    assert client.post(url, resubmitted).status_code == 302
    assert Visit.objects.get().latitude is None


def test_a_bad_submission_number_is_named_and_replaced(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    data = _post_data(world, client_token="x" * 40)
    response = client.post(url, data, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 422 and "提交的编号无效" in response.content.decode()
    token = response.context["form"]["client_token"].value()
    assert len(token) == 36 and str(uuid.UUID(token)) == token
    assert (
        client.post(url, data | {"client_token": token}, headers={"X-Requested-With": "fetch"}).status_code
        == 201
    )


def test_the_late_reason_waits_in_its_own_box_and_the_status_sits_by_the_save_button(world):
    client = _client(world.worker_a)
    html = client.get(f"{reverse('visits:create')}?household={world.household_a.pk}").content.decode()
    late = re.search(r'<div class="late" data-late-after="30">(.*?)</div>\s*</div>', html, re.S)
    assert late and 'name="late_reason"' in late[1]
    bar = html[html.index('class="save-bar"') :]
    assert bar.index('id="draft-status"') < bar.index(">保存</button>")
    folded = html[html.index('class="card more-fields"') : html.index("</details>")]
    for name in ("met_others", "mental_state", "hazard_notes", "notes"):
        assert f'name="{name}"' in folded
    for name in ("health", "workers", "hazards", "needs"):
        assert f'name="{name}"' not in folded


def test_a_level_change_at_the_visit_takes_effect_at_once(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    data = _post_data(world, changed_person=world.beneficiary_a.pk, risk_after="high", level_after="1")
    response = client.post(url, data)
    assert response.status_code == 422 and "调整原因" in response.content.decode()
    response = client.post(url, data | {"change_reason": "独居且行动不便"})
    assert response.status_code == 302
    world.beneficiary_a.refresh_from_db()
    assert (world.beneficiary_a.risk_level, world.beneficiary_a.follow_up_level) == ("high", 1)
    change = AuditEntry.objects.filter(object_id=str(world.beneficiary_a.pk), action="change").latest("id")
    assert "独居且行动不便" in change.changes["原因"]


def test_photos_are_stripped_and_served_only_in_scope(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = Image.new("RGB", (2400, 1200), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "门口.jpg"
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}"
    assert client.post(url, _post_data(world) | {"photos": [buffer]}).status_code == 302
    photo = Visit.objects.get().photos.get()
    assert (photo.width, photo.height) == (1600, 800)
    served = client.get(photo.get_absolute_url())
    assert served["Content-Type"] == "image/jpeg"
    assert b"PhoneMaker" not in served.content and not Image.open(io.BytesIO(served.content)).getexif()
    assert b"PhoneMaker" not in next(tmp_path.rglob("*.enc")).read_bytes()
    assert _client(world.worker_b).get(photo.get_absolute_url()).status_code == 404


def test_the_detail_page_shows_the_visit_and_its_earlier_versions(world):
    visit = visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now() - timedelta(hours=2),
        workers=[world.staff_a],
        health="咳嗽",
    )
    client = _client(world.worker_a)
    edit_url = reverse("visits:edit", args=[visit.pk])
    page = client.get(edit_url).content.decode()
    assert "咳嗽" in page
    local = timezone.localtime(visit.visited_at)
    response = client.post(
        edit_url,
        {
            "version": visit.version,
            "visited_on": local.date().isoformat(),
            "visited_time": local.strftime("%H:%M"),
            "kind": "home",
            "workers": [world.staff_a.pk],
            "health": "咳嗽已好转",
            "reason": "补充复诊情况",
        },
    )
    assert response.status_code == 302
    assert VisitRevision.objects.get(visit=visit).reason == "补充复诊情况"
    html = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "咳嗽已好转" in html and "第1版" in html and "补充复诊情况" in html
    assert _client(world.worker_b).get(reverse("visits:detail", args=[visit.pk])).status_code == 404


def test_the_health_list_holds_high_risk_and_watched_people_with_their_last_visit(world):
    person = world.beneficiary_a
    beneficiary_update(actor=world.worker_a, beneficiary=person, version=person.version, risk_level="high")
    visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now() - timedelta(days=1),
        workers=[world.staff_a],
        health="腿脚不便",
        hazards=["fire"],
    )
    html = _client(world.head_a).get(reverse("visits:health")).content.decode()
    assert person.name in html and "腿脚不便" in html and "用火隐患" in html
    county = _client(world.county).get(reverse("visits:health")).content.decode()
    assert person.name in county
    assert person.name not in _client(world.worker_b).get(reverse("visits:health")).content.decode()


def test_the_city_sets_its_schedule_and_others_only_read_it(world):
    city = _client(world.city)
    url = reverse("visits:levels")
    data = {f"name_{n}": f"第{n}级" for n in range(1, 5)} | {
        "days_1": 2,
        "days_2": 7,
        "days_3": 30,
        "days_4": 90,
    }
    assert city.post(url, data).status_code == 302
    page = _client(world.worker_a).get(url).content.decode()
    assert "第1级" in page and ">2<" in page
    assert _client(world.worker_a).post(url, data).status_code == 403
    bad = city.post(url, data | {"days_1": 10})
    assert "一级的走访间隔不能长于二级" in bad.content.decode()


def test_the_city_marks_a_category_for_health_monitoring(world):
    from shuangbai.registry.models import Category

    dibao = Category.objects.get(code="dibao")
    assert not dibao.health_watch
    html = _client(world.head_a).get(reverse("visits:health")).content.decode()
    assert world.beneficiary_a.name not in html  # 低保, low risk: not watched
    response = _client(world.city).post(
        reverse("registry:category_edit", args=[dibao.pk]),
        {"version": dibao.version, "name": dibao.name, "umbrella": "hardship", "sort_order": 10, "active": "on",
         "health_watch": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    html = _client(world.head_a).get(reverse("visits:health")).content.decode()
    assert world.beneficiary_a.name in html


def test_an_old_visit_is_corrected_without_a_late_reason_and_keeps_a_worker_who_left(world):
    from shuangbai.staff.services import staff_leave

    visit = visit_record(
        actor=world.worker_a,
        household=world.household_a,
        visited_at=timezone.now() - timedelta(days=40),
        workers=[world.staff_a],
        late_reason="纸质台账补录",
    )
    Visit.objects.filter(pk=visit.pk).update(late_reason="")  # as if recorded on time, 40 days ago
    staff_leave(
        actor=world.county, staff=world.staff_a, version=world.staff_a.version, on_date=timezone.localdate(),
        reason="辞职",
    )  # fmt: skip
    local = timezone.localtime(visit.visited_at)
    response = _client(world.head_a).post(
        reverse("visits:edit", args=[visit.pk]),
        {
            "version": visit.version,
            "visited_on": local.date().isoformat(),
            "visited_time": local.strftime("%H:%M"),
            "kind": "home",
            "workers": [world.staff_a.pk],
            "notes": "补记：已联系村医",
            "reason": "补充备注",
        },
    )
    assert response.status_code == 302, re.findall(r"<li>(.*?)</li>", response.content.decode())
    visit.refresh_from_db()
    assert visit.notes == "补记：已联系村医" and list(visit.workers.all()) == [world.staff_a]


def test_next_must_stay_on_this_site(world):
    client = _client(world.worker_a)
    url = f"{reverse('visits:create')}?household={world.household_a.pk}&next=/%5Cevil.example"
    response = client.post(url, _post_data(world))
    assert response.status_code == 302 and response["Location"] == reverse("visits:due")


def test_the_due_list_groups_by_village_for_a_round_of_the_villages(world):
    from shuangbai.regions.services import RegionRow, regions_load
    from tests.conftest import id_number
    from tests.registry.helpers import register

    regions_load([RegionRow(1, "445381002202", "大甲村", "445381002000", "village")], fictional=True)
    other = register(
        world.worker_a, "445381002202", "黄阿婆", id_number=id_number("445381", "19440512", "071")
    )
    _level_1(world, world.worker_a)
    beneficiary_update(actor=world.worker_a, beneficiary=other, version=other.version, follow_up_level=1)
    client = _client(world.worker_a)
    by_due = client.get(reverse("visits:due"), {"point": "all"}).content.decode()
    assert 'data-village="' not in by_due and "按村（居）分组</a>" in by_due
    page = client.get(reverse("visits:due"), {"point": "all", "by": "village"}).content.decode()
    villages = re.findall(r'data-village="([^"]+)"', page)
    assert villages == sorted(["凤塘村", "大甲村"])  # each village once, in a fixed order
    for village, person in (("凤塘村", world.beneficiary_a), ("大甲村", other)):
        section = page[page.index(f'data-village="{village}"') :]
        section = section[: section.index("</li>\n", section.index("due-rows"))]
        assert f"<h2>{village} <small" in section and person.name in section
