import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from shuangbai.regions.models import Region
from shuangbai.stations.models import Point, Station
from shuangbai.stations.services import (
    point_create,
    point_update,
    station_create,
    station_retire,
    station_update,
)


def test_one_station_per_town(world):
    with pytest.raises(ValidationError) as error:
        station_create(actor=world.county, town=world.station_a.town)
    assert "素龙街道已有社工站" in str(error.value)


def test_a_station_only_in_a_town(world):
    with pytest.raises(ValidationError) as error:
        station_create(actor=world.county, town=Region.objects.get(code="445381000000"))
    assert "只能设在镇（街）" in str(error.value)


def test_a_point_village_must_be_in_the_station_town(world):
    with pytest.raises(ValidationError) as error:
        point_create(actor=world.county, station=world.station_a, name="X点", village=world.point_b.village)
    assert "不是素龙街道的村（居）" in str(error.value)


def test_a_second_save_from_a_stale_form_is_refused(world):
    station_update(
        actor=world.county, station=Station.objects.get(pk=world.station_a.pk), version=1, phone="1"
    )
    with pytest.raises(ValidationError) as error:
        station_update(
            actor=world.city, station=Station.objects.get(pk=world.station_a.pk), version=1, phone="2"
        )
    assert "此记录已被他人修改" in str(error.value)
    assert Station.objects.get(pk=world.station_a.pk).phone == "1"


def test_retiring_a_station_with_points_is_refused_and_history_kept(world):
    with pytest.raises(ValidationError):
        station_retire(
            actor=world.county, station=world.station_a, version=1, on_date=date(2023, 1, 1), reason="合并"
        )
    assert Station.objects.get(pk=world.station_a.pk).retired_on is None


def test_the_county_adds_a_point_through_the_page(world):
    client = Client()
    client.force_login(world.county)
    village = Region.objects.get(code="445381002201")
    response = client.post(
        f"/stations/{world.station_a.pk}/points/new/",
        {"name": "凤塘村社工点", "village": village.pk, "status": "operating", "opened_on": "2021-08-01"},
    )
    assert response.status_code == 302
    point = Point.objects.get(name="凤塘村社工点")
    assert (point.station, point.region_code) == (world.station_a, "445381002201")
    assert "凤塘村社工点" in client.get(f"/stations/{world.station_a.pk}/").content.decode()


def test_a_bad_point_form_names_the_field_and_saves_nothing(world):
    client = Client()
    client.force_login(world.county)
    response = client.post(
        f"/stations/{world.station_a.pk}/points/new/", {"name": "", "status": "operating", "phone": "abc"}
    )
    page = response.content.decode()
    assert "名称：这个字段是必填项。" in page
    assert "联系电话只能包含数字" in page
    assert Point.objects.count() == 5


def test_the_county_creates_and_edits_a_station(world):
    client = Client()
    client.force_login(world.county)
    response = client.post("/stations/new/445381003000/", {"name": "附城街道社工站", "status": "built"})
    assert response.status_code == 302
    station = Station.objects.get(town__code="445381003000")
    response = client.post(
        f"/stations/{station.pk}/edit/",
        {
            "version": station.version,
            "name": "附城街道社工站",
            "status": "operating",
            "opened_on": "2021-08-02",
        },
    )
    station.refresh_from_db()
    assert (station.status, station.opened_on) == ("operating", date(2021, 8, 2))
    assert "2021年8月2日" in client.get(f"/stations/{station.pk}/").content.decode()


def test_list_pages_do_not_grow_queries_with_rows(world, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.province)
    for url in [
        "/stations/",
        f"/stations/{world.station_a.pk}/",
        "/staff/",
        "/regions/445300000000/",
        "/regions/445381002000/",
        "/audit/",
    ]:
        # one query per site fact, whatever the number of rows (服务范围 added one)
        with django_assert_max_num_queries(13):
            assert client.get(url).status_code == 200


def test_outside_the_scope_is_the_same_chinese_404_as_missing(world):
    client = Client()
    client.force_login(world.worker_b)
    outside = client.get(f"/stations/{world.station_a.pk}/")
    missing = client.get("/stations/999999/")
    assert outside.status_code == missing.status_code == 404
    assert "页面不存在" in outside.content.decode()

    def without_token(page: bytes) -> str:
        return re.sub(r'(X-CSRFToken": |csrfmiddlewaretoken" value=)"[^"]+"', "", page.decode())

    assert without_token(outside.content) == without_token(missing.content)


def test_retiring_through_the_pages(world):
    client = Client()
    client.force_login(world.county)
    station = world.station_b
    refused = client.post(
        f"/stations/{station.pk}/retire/",
        {"version": station.version, "on_date": "2023-01-01", "reason": "合并"},
    )
    assert refused.status_code == 200 and "仍有未撤销的社工点" in refused.content.decode()
    world.staff_b.point = None
    client.post(
        f"/staff/{world.staff_b.pk}/leave/", {"version": world.staff_b.version, "on_date": "2022-12-31"}
    )
    point = world.point_b
    no_reason = client.post(f"/stations/points/{point.pk}/retire/", {"version": 1, "on_date": "2023-01-01"})
    assert "撤销原因：这个字段是必填项。" in no_reason.content.decode()
    done = client.post(
        f"/stations/points/{point.pk}/retire/", {"version": 1, "on_date": "2023-01-01", "reason": "村委合并"}
    )
    assert done.status_code == 302 and done.url == f"/stations/{station.pk}/"
    point.refresh_from_db()
    assert (point.retired_on, point.retired_reason) == (date(2023, 1, 1), "村委合并")
    page = client.get(f"/stations/{station.pk}/").content.decode()
    assert "已撤销" in page and "B点" in page  # kept, shown as retired


def test_updating_a_point_without_a_village_keeps_its_village_and_none_detaches_it(world):
    point = world.point_a
    village = point.village
    point = point_update(actor=world.county, point=point, version=point.version, planned_year=2022)
    point.refresh_from_db()
    assert (point.village, point.region_code, point.planned_year) == (village, village.code, 2022)
    point = point_update(actor=world.county, point=point, version=point.version, village=None)
    point.refresh_from_db()
    assert (point.village, point.region_code) == (None, world.station_a.region_code)


def test_a_point_records_the_people_it_serves_and_the_station_sums_them(world, client):
    from shuangbai.stations.pages import service_areas
    from shuangbai.stations.services import point_update

    point = world.point_a
    assert service_areas([world.station_a.pk])[world.station_a.pk] == "共覆盖1个村（居）（1个点未登记人口）"
    point_update(actor=world.city, point=point, version=point.version, population=963)
    assert service_areas([world.station_a.pk])[world.station_a.pk] == "共覆盖1个村（居）963人"
    client.force_login(world.city)
    page = client.get(reverse("stations:point_edit", args=[point.pk])).content.decode()
    assert 'name="population"' in page and 'value="963"' in page
