"""The scope guard: a query of programme data must say whose it is, or fail loudly."""

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, ScopeError, guarded, unscoped
from shuangbai.registry.models import Beneficiary
from shuangbai.stations.models import Station


def careless(request):
    # a view that forgets `.visible_to(request.user)`
    return HttpResponse(", ".join(station.name for station in Station.objects.all()))


urlpatterns = [path("careless/", careless), path("", include("shuangbai.urls"))]


def test_an_unscoped_query_fails_loudly(world):
    with guarded():
        with pytest.raises(ScopeError, match="Station queried without a scope"):
            list(Station.objects.all())
        with pytest.raises(ScopeError):
            Beneficiary.objects.filter(name="对象A").count()
        with pytest.raises(ScopeError):
            Beneficiary.objects.exists()
        with pytest.raises(ScopeError):
            Station.objects.update(phone="1")
        with pytest.raises(ScopeError):
            Station.objects.first()


def test_scoped_queries_and_the_named_escapes_pass(world):
    with guarded():
        names = {s.name for s in Station.objects.visible_to(world.worker_a)}
        assert names == {world.station_a.name}
        assert Station.objects.unscoped("counting every station").count() == 5
        assert Station.objects.held(world.station_b).get() == world.station_b
        assert list(Station.objects.none()) == []
        # reached from a row already held
        assert list(world.household_a.members.all()) == [world.beneficiary_a]
        with unscoped("a loader"):
            assert Station.objects.count() == 5
    with pytest.raises(ValueError):
        Station.objects.unscoped(" ")


def test_a_filter_after_visible_to_stays_scoped(world):
    with guarded():
        outside = Station.objects.visible_to(world.worker_a).filter(pk=world.station_b.pk)
        assert not outside.exists()
        assert Station.objects.visible_to(world.county).filter(name__contains="街道").count() == 2


def test_a_request_is_guarded_even_inside_an_unscoped_test(world, settings):
    settings.ROOT_URLCONF = __name__
    client = Client()
    client.force_login(world.county)
    with unscoped("the test itself"), pytest.raises(ScopeError):
        client.get("/careless/")


def test_every_programme_model_is_guarded():
    reference = {"Region", "FollowUpLevel"}  # read by everyone: places, and a city's schedule settings
    for model in apps.get_app_config("registry").get_models():
        if model.__name__ != "Category":
            assert isinstance(model.objects.all(), ScopedQuerySet), model
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet) and model.__name__ not in reference:
            assert queryset.guarded, model
            assert issubclass(model, ScopedModel), model
    for name in (
        "Visit",
        "VisitPhoto",
        "Case",
        "CaseNote",
        "Referral",
        "HandOut",
        "Batch",
        "Bulletin",
        "Article",
    ):
        model = next(m for m in apps.get_models() if m.__name__ == name)
        assert model.objects.all().guarded, name


def test_check_constraints_still_hold_when_checked_against_only_their_fields(world):
    """Constraints are checked against just the fields they name (for speed): a bad position is still refused,
    under its own message, and a good one passes; a uniqueness rule beside it still holds."""
    from django.core.exceptions import ValidationError

    household = world.household_a
    household.latitude, household.longitude = 91, 112.0
    with guarded(), pytest.raises(ValidationError) as refused:
        household.validate_constraints()
    assert "household_gps_valid" in str(refused.value)
    household.latitude, household.longitude = 22.9, None  # a latitude alone
    with guarded(), pytest.raises(ValidationError):
        household.validate_constraints()
    household.latitude, household.longitude = 22.9, 112.0
    with guarded():
        household.validate_constraints()
    twin = Station(town=world.station_a.town, status="nonsense", region_code=world.station_a.region_code)
    with guarded(), pytest.raises(ValidationError) as refused:
        twin.validate_constraints()
    assert "one_active_station_per_town" in str(refused.value) or "town" in refused.value.error_dict
    assert "station_status_valid" in str(refused.value)
