"""The access matrix over this app's pages alone (the whole matrix runs in tests/test_access_matrix.py)."""

from tests.access_matrix import ROUTES, check_matrix

OURS = {name: route for name, route in ROUTES.items() if name.startswith("activities:")}


def test_every_activities_url_for_every_role_inside_and_outside_scope(world):
    assert len(OURS) == 15
    failures = [f for f in check_matrix(world, routes=OURS) if "served but not in the access matrix" not in f]
    assert failures == []
