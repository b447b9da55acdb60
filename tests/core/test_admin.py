"""The admin is a read-only window: it shows a superuser every record and writes none (the services own writes)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from shuangbai.core.models import Role, User
from shuangbai.regions.models import Region


@pytest.fixture
def root(world):
    user = User.objects.create_superuser(
        "root", password="x" * 12, role=Role.PROVINCE, scope_region=Region.objects.get(code="440000000000")
    )
    client = Client()
    client.force_login(user)
    return client


def test_no_model_can_be_added_changed_or_deleted_in_the_admin(rf, world):
    request = rf.get("/")
    request.user = User.objects.create_superuser(
        "root2", role=Role.PROVINCE, scope_region=world.province.scope_region
    )
    registered = admin.site._registry
    assert len(registered) >= 10
    for model, model_admin in registered.items():
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_the_superuser_reads_every_list_and_record_but_a_post_changes_nothing(root, world):
    for model in admin.site._registry:
        meta = model._meta
        listing = root.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert listing.status_code == 200, model
    station = world.station_a
    url = reverse("admin:stations_station_change", args=[station.pk])
    page = root.get(url)
    assert page.status_code == 200 and station.name in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    response = root.post(url, {"name": "改名", "status": "operating"})
    assert response.status_code == 403
    station.refresh_from_db()
    assert station.name != "改名"
    assert (
        root.post(reverse("admin:stations_station_delete", args=[station.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert root.get(reverse("admin:stations_station_add")).status_code == 403
