import gzip
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.registry.models import Household
from tests.maps.conftest import scatter


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_station_user_opens_their_station_map(world):
    response = client_for(world.worker_a).get(reverse("maps:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("maps:station", args=[world.station_a.pk])


def test_leaflet_is_loaded_by_the_map_pages_only(world):
    client = client_for(world.worker_a)
    page = client.get(reverse("maps:station", args=[world.station_a.pk])).content.decode()
    assert "vendor/leaflet/leaflet" in page and "leaflet.markercluster" in page
    for other in (
        reverse("home"),
        reverse("visits:due"),
        reverse("stations:detail", args=[world.station_a.pk]),
    ):
        assert "leaflet" not in client.get(other, follow=True).content.decode()


def test_the_station_page_and_due_list_link_to_the_map(world):
    url = reverse("maps:station", args=[world.station_a.pk])
    client = client_for(world.worker_a)
    assert url in client.get(reverse("stations:detail", args=[world.station_a.pk])).content.decode()
    assert url in client.get(reverse("visits:due")).content.decode()
    # the viewer may not open it: no link
    page = (
        client_for(world.viewer).get(reverse("stations:detail", args=[world.station_c.pk])).content.decode()
    )
    assert reverse("maps:station", args=[world.station_c.pk]) not in page


@pytest.mark.parametrize("name", ["maps:station", "maps:station_data", "maps:station_print"])
def test_outsiders_the_viewer_and_the_province_get_no_household_markers(world, placed, name):
    url = reverse(name, args=[world.station_a.pk])
    for user in (world.worker_b, world.viewer, world.province):
        assert client_for(user).get(url).status_code == 404, user
    for user in (world.worker_a, world.head_a, world.county, world.city, world.supervisor):
        assert client_for(user).get(url).status_code == 200, user


def test_the_json_holds_ids_places_levels_and_states_only(world, placed):
    response = client_for(world.county).get(reverse("maps:station_data", args=[world.station_a.pk]))
    data = response.json()
    assert set(data) == {"crs", "levels", "h", "sites", "villages", "unplaced"}
    assert {row[0] for row in data["h"]} == {
        placed.overdue.pk,
        placed.soon.pk,
        placed.fine.pk,
        placed.by_visit.pk,
    }
    text = response.content.decode()
    assert "地图户主" not in text and "凤塘村1号" not in text  # no name, no address
    assert response["Cache-Control"] == "private, no-store"


def test_the_card_is_the_households_and_offers_a_visit_to_who_may_record_one(world, placed):
    url = reverse("maps:household", args=[placed.overdue.pk])
    page = client_for(world.worker_a).get(url).content.decode()
    assert "地图户主1" in page and "逾期7天" in page and "记录走访" in page
    assert f"next={reverse('maps:station', args=[world.station_a.pk])}" in page
    supervised = client_for(world.supervisor).get(url).content.decode()
    assert "地图户主1" in supervised and "记录走访" not in supervised  # supervisors read
    for user in (world.worker_b, world.viewer, world.province):
        assert client_for(user).get(url).status_code == 404
    # opening a card is a look at a household: audited as its page is
    assert AuditEntry.objects.filter(
        actor=world.worker_a, action=AuditAction.VIEW, object_id=str(placed.overdue.pk)
    ).exists()


def test_the_region_map_shows_stations_and_town_counts_never_households(
    world, placed, django_assert_max_num_queries
):
    for user in (world.viewer, world.province, world.city):
        client = client_for(user)
        with django_assert_max_num_queries(14):  # whatever the number of towns, stations and households
            response = client.get(reverse("maps:index"), {"region": "445381002000"})
        assert response.status_code == 200
        data = response.context["data"]
        assert set(data) == {"crs", "sites"}
        page = response.content.decode()
        assert "地图户主" not in page and "对象A" not in page
        row = response.context["map"].towns[0]
        assert (row.stations, row.points, row.households, row.people) == (1, 1, 6, 7)
    # four located households: fewer than five, so the station is not placed by them
    assert response.context["map"].sites == []


def test_the_region_map_places_a_station_at_the_mean_of_five_or_more_households(world, placed):
    Household.objects.filter(pk=placed.nowhere.pk).update(
        latitude=Decimal("22.765"), longitude=Decimal("111.575")
    )
    Household.objects.filter(pk=world.household_a.pk).update(
        latitude=Decimal("22.766"), longitude=Decimal("111.576")
    )
    response = client_for(world.viewer).get(reverse("maps:index"), {"region": "445381000000"})
    sites = response.context["data"]["sites"]
    assert [(kind, name) for kind, _, name, *_ in sites] == [("s", world.station_a.name), ("p", "A点")]
    assert sites[0][4] == round((22.761234 + 22.762 + 22.763 + 22.765 + 22.766) / 5, 5)


def test_outsiders_get_404_for_a_region_outside_their_scope(world):
    assert (
        client_for(world.worker_b).get(reverse("maps:index"), {"region": "445381002000"}).status_code == 404
    )
    assert client_for(world.county).get(reverse("maps:index"), {"region": "445302002000"}).status_code == 404


def test_two_thousand_households_weigh_under_300_kb(world, django_assert_max_num_queries):
    """The budget of issue 16, on the worst case: every household placed, six-digit ids."""
    scatter(world, 2000)
    client = client_for(world.worker_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("maps:station_data", args=[world.station_a.pk]))
    data = json.loads(response.content)
    assert len(data["h"]) == 2000
    size = len(response.content)
    assert size < 300_000, size
    assert len(gzip.compress(response.content)) < 100_000
