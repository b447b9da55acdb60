"""Finding 6: every page, partial and export that shows a person leaves an audit entry. Every URL of the access
matrix is opened by a bureau user and by the station's worker; where the answer names the world's person, the
request must have written to the audit log."""

import pytest
from django.test import Client

from shuangbai.core.models import AuditEntry
from tests.access_matrix import ROUTES, _object_arg, _url, served_route_names


@pytest.mark.parametrize("username", ["county", "worker_a"])
def test_a_page_that_names_a_person_is_audited(world, username):
    user = getattr(world, username)
    client = Client()
    client.force_login(user)
    name = world.beneficiary_a.name
    served = served_route_names()
    log = AuditEntry.objects.unscoped("counting the entries a request writes")
    shown, unaudited = [], []
    for route_name, route in sorted(ROUTES.items()):
        if route_name not in served:
            continue
        arg = _object_arg(world, route.kind, "a", owner=user) if route.kind else None
        url = _url(route_name, route, arg)
        before = log.count()
        response = client.get(url)
        if response.status_code != 200 or response.streaming:  # files: photos, exports (audited apart)
            continue
        if name not in response.content.decode(errors="ignore"):
            continue
        shown.append(route_name)
        if log.count() == before:
            unaudited.append(f"{route_name} {url}")
    assert len(shown) > 10  # the check looked at real pages
    assert unaudited == []


def test_a_searched_id_number_is_masked_in_the_audit_entry(world):
    client = Client()
    client.force_login(world.worker_a)
    number = world.beneficiary_a.id_number
    assert client.get("/cases/", {"station": world.station_a.pk, "q": number}).status_code == 200
    entry = AuditEntry.objects.unscoped("test").filter(object_repr__startswith="个案名单").latest("id")
    assert number not in entry.object_repr and number[-4:] in entry.object_repr
