from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shuangbai.activities.models import Activity, Partner, Volunteer, VolunteerService

from .conftest import jpeg


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_values(world, **extra) -> dict:
    return {
        "title": "喜迎新春送春联",
        "kind": "community",
        "theme": "festival",
        "held_on": timezone.localdate().isoformat(),
        "place": "凤塘村委",
        "participants": "12",
        "segments": "写春联\n送春联",
        "materials": "春联 40幅",
        "narrative": "社工带上春联入户。",
    } | extra


def test_a_worker_records_an_activity_from_the_phone_form(world, partner, volunteer):
    client = _client(world.worker_a)
    url = f"{reverse('activities:create')}?station={world.station_a.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "查找本站服务对象" in page.content.decode()
    response = client.post(
        url,
        _post_values(
            world,
            people=[world.beneficiary_a.pk],
            partners=[partner.pk],
            volunteer_1=volunteer.pk,
            hours_1="2",
            photos=[jpeg()],
        ),
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.materials == [{"item": "春联", "quantity": 40, "unit": "幅"}]
    assert list(activity.people.all()) == [world.beneficiary_a]
    detail = client.get(activity.get_absolute_url()).content.decode()
    assert world.beneficiary_a.name in detail and "志愿者小林" in detail and "2.0 小时" in detail
    photo = activity.photos.get()
    assert client.get(photo.get_absolute_url())["Content-Type"] == "image/jpeg"


def test_the_form_answers_errors_in_chinese_naming_the_field(world):
    client = _client(world.worker_a)
    url = f"{reverse('activities:create')}?station={world.station_a.pk}"
    response = client.post(
        url, _post_values(world, participants="0", materials="春联若干", people=[world.beneficiary_b.pk])
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "参与人数：" in text and "请写成“物品 数量单位”" in text
    assert not Activity.objects.exists()


def test_a_volunteer_without_hours_is_asked_for_them(world, volunteer):
    client = _client(world.worker_a)
    url = f"{reverse('activities:create')}?station={world.station_a.pk}"
    response = client.post(url, _post_values(world, volunteer_1=volunteer.pk))
    assert response.status_code == 422 and "请填写志愿者小林的服务时长" in response.content.decode()


def test_editing_keeps_the_people_and_a_stale_form_is_refused(world, record):
    activity = record(people=[world.beneficiary_a])
    client = _client(world.head_a)
    url = reverse("activities:edit", args=[activity.pk])
    form = client.get(url).content.decode()
    assert f'value="{world.beneficiary_a.pk}" checked' in form
    values = _post_values(world, version="1", participants="20", people=[world.beneficiary_a.pk])
    assert client.post(url, values).status_code == 302
    activity.refresh_from_db()
    assert activity.participants == 20 and activity.people.get() == world.beneficiary_a
    stale = client.post(url, values)
    assert stale.status_code == 422 and "已被他人修改" in stale.content.decode()


def test_the_people_search_finds_the_station_s_people_only(world):
    client = _client(world.worker_a)
    url = reverse("activities:people")
    found = client.get(url, {"station": world.station_a.pk, "q": world.beneficiary_a.name}).content.decode()
    assert world.beneficiary_a.name in found
    assert (
        world.beneficiary_b.name
        not in client.get(url, {"station": world.station_a.pk, "q": "对象"}).content.decode()
    )
    assert client.get(url, {"station": world.station_b.pk, "q": "对象"}).status_code == 404


def test_the_viewer_sees_the_list_without_names_and_no_detail(world, record):
    record(station=world.station_c, actor=world.city, people=[world.beneficiary_c], place="高峰村")
    client = _client(world.viewer)
    text = client.get(reverse("activities:index")).content.decode()
    assert "喜迎新春送春联" in text and "共开展活动 1 次，参与 12 人次" in text
    assert (
        world.beneficiary_c.name not in text
        and reverse("activities:detail", args=[Activity.objects.get().pk]) not in text
    )
    assert client.get(Activity.objects.get().get_absolute_url()).status_code == 404


def test_the_list_filters_by_theme_and_month(world, record):
    record(theme="festival", title="元宵")
    record(theme="anti_drug", title="禁毒宣传")
    client = _client(world.county)
    url = reverse("activities:index")
    text = client.get(url, {"region": "445381000000", "theme": "anti_drug"}).content.decode()
    assert "禁毒宣传" in text and "元宵" not in text
    assert "尚无活动记录" in client.get(url, {"month": "2021-07"}).content.decode()
    assert "月份请写成" in client.get(url, {"month": "七月"}).content.decode()


def test_the_list_does_not_query_per_row(world, record, volunteer):
    client = _client(world.county)
    url = f"{reverse('activities:index')}?region=445381000000"
    record(people=[world.beneficiary_a], volunteers=[(volunteer, 1)])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        record(people=[world.beneficiary_a], volunteers=[(volunteer, 1)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_volunteer_phones_are_masked_in_the_list_and_hours_add_up(world, record, volunteer):
    record(volunteers=[(volunteer, 2)])
    client = _client(world.worker_a)
    service_url = reverse("activities:volunteer_service", args=[volunteer.pk])
    response = client.post(
        service_url,
        {"served_on": timezone.localdate().isoformat(), "hours": "1.5", "description": "协助入户走访"},
    )
    assert response.status_code == 302 and VolunteerService.objects.get().hours == 1.5
    listing = client.get(reverse("activities:volunteers")).content.decode()
    assert "139****5678" in listing and "13912345678" not in listing
    assert "3.5 小时" in client.get(volunteer.get_absolute_url()).content.decode()


def test_partners_and_volunteers_are_registered_and_edited_by_their_region_only(world, partner):
    client = _client(world.worker_a)
    response = client.post(
        f"{reverse('activities:partner_create')}?station={world.station_a.pk}",
        {"name": "凤塘村委会", "kind": "community", "contact_person": "李主任", "phone": "0766-3812345"},
    )
    assert response.status_code == 302 and Partner.objects.filter(name="凤塘村委会").exists()
    duplicate = client.post(
        f"{reverse('activities:partner_create')}?station={world.station_a.pk}",
        {"name": "凤塘村委会", "kind": "community"},
    )
    assert "已登记合作单位“凤塘村委会”" in duplicate.content.decode()
    assert "138****5678" in client.get(reverse("activities:partners")).content.decode()
    response = client.post(
        reverse("activities:volunteer_create"),
        {"name": "志愿者老黄", "partner": partner.pk, "phone": "12345"},
    )
    assert response.status_code == 200 and "电话应为11位手机号码" in response.content.decode()
    # the city's partner: visible to the station, edited by the city only
    city = _client(world.city)
    city.post(
        f"{reverse('activities:partner_create')}?region=445300000000",
        {"name": "云浮市民政局", "kind": "government"},
    )
    bureau = Partner.objects.get(name="云浮市民政局")
    assert client.get(bureau.get_absolute_url()).status_code == 200
    assert client.get(reverse("activities:partner_edit", args=[bureau.pk])).status_code == 403
    assert _client(world.worker_b).get(reverse("activities:volunteers")).status_code == 200
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("name", ["activities:volunteers", "activities:partners"])
def test_the_viewer_gets_no_names_pages(world, name):
    assert _client(world.viewer).get(reverse(name)).status_code == 404
