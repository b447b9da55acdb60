from django.http import HttpResponse
from django.urls import include, path

from shuangbai.core.permissions import PERMISSIONS, has_perm, permissions_of
from shuangbai.stations.models import Station
from tests.access_matrix import (
    ROUTES,
    Route,
    check_matrix,
    permissions_exercised,
    served_route_names,
    unlisted_routes,
)


def test_every_url_for_every_role_inside_and_outside_scope(world):
    assert check_matrix(world) == []


def test_matrix_covers_the_project_urls():
    # The list itself must not be empty or stale: every ROUTES entry is served.
    assert set(ROUTES) <= served_route_names()
    assert len(ROUTES) >= 20


def test_every_permission_of_the_table_is_exercised_by_a_page():
    assert set(PERMISSIONS) - permissions_exercised() == set()


def test_the_table_answers_who_may_do_what(world):
    # A reader answers "who may hand out goods?" from one row: the station's own head and workers.
    hand_out = {
        name
        for name in ("province", "city", "county", "head_a", "worker_a", "supervisor", "viewer")
        if has_perm(getattr(world, name), "batch.hand_out")
    }
    assert hand_out == {"head_a", "worker_a"}
    # the viewer holds no permission on personal data, and nothing that writes
    assert {p for p in permissions_of(world.viewer) if PERMISSIONS[p].seen_with} == set()
    assert "beneficiary.view" not in permissions_of(world.viewer)
    # a supervisor reads and reviews; registers nobody
    assert {"case.review", "inspection.record"} <= permissions_of(world.supervisor)
    assert "beneficiary.edit" not in permissions_of(world.supervisor)


# A deliberately careless view: it escapes the scope guard (tests/core/test_scope_guard.py shows the guard
# stopping the plain `Station.objects.get`) and looks the station up without the user's scope.
def leaky_station(request, pk):
    return HttpResponse(Station.objects.unscoped("deliberately careless").get(pk=pk).name)


urlpatterns = [
    path("leaky/<int:pk>/", leaky_station, name="leaky"),
    path("", include("shuangbai.urls")),
]


def test_matrix_catches_a_view_that_forgets_the_scope(world, settings):
    settings.ROOT_URLCONF = __name__
    # Not listed: the matrix refuses an unknown URL.
    assert unlisted_routes() == ["leaky: served but not in the access matrix (add it to ROUTES)"]

    # Listed (alone, to keep the run short): every role can read a station outside its scope through it, and
    # the matrix says so for each; inside the scope the view answers as a read view should.
    failures = check_matrix(world, routes={"leaky": Route("station", "station.view")})
    failures = [f for f in failures if "served but not in the access matrix" not in f]
    leaks = [f for f in failures if "/leaky/" in f and "(outside)" in f]
    assert any(f.startswith("worker_a GET /leaky/") for f in leaks), failures
    assert any(f.startswith("county GET /leaky/") for f in leaks), failures
    assert len(leaks) == len(failures) == 8
