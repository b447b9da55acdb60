from django.http import HttpResponse
from django.urls import include, path

from shuangbai.stations.models import Station
from tests.access_matrix import ROUTES, Route, check_matrix, served_route_names


def test_every_url_for_every_role_inside_and_outside_scope(world):
    assert check_matrix(world) == []


def test_matrix_covers_the_project_urls():
    # The list itself must not be empty or stale: every ROUTES entry is served.
    assert set(ROUTES) <= served_route_names()
    assert len(ROUTES) >= 20


# A deliberately careless view: it looks the station up without the user's scope.
def leaky_station(request, pk):
    return HttpResponse(Station.objects.get(pk=pk).name)


urlpatterns = [
    path("leaky/<int:pk>/", leaky_station, name="leaky"),
    path("", include("shuangbai.urls")),
]


def test_matrix_catches_a_view_that_forgets_the_scope(world, settings):
    settings.ROOT_URLCONF = __name__
    failures = check_matrix(world)
    # Not listed: the matrix refuses an unknown URL.
    assert "leaky: served but not in the access matrix (add it to ROUTES)" in failures

    routes = ROUTES | {"leaky": Route("station", "read")}
    failures = check_matrix(world, routes=routes)
    leaks = [f for f in failures if "/leaky/" in f and "(outside)" in f]
    # Every role can read a station outside its scope through it: the matrix says so for each.
    assert any(f.startswith("worker_a GET /leaky/") for f in leaks), failures
    assert any(f.startswith("county GET /leaky/") for f in leaks), failures
    assert not [f for f in failures if "/leaky/" not in f and "leaky:" not in f]
