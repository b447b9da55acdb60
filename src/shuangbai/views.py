"""The landing page: which app a user starts from is a project decision, so it lives above the apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from shuangbai.core.models import Role


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.SUPERVISOR:
        return redirect("stations:index")
    if user.role == Role.WORKER:
        return redirect("visits:due")  # a worker's day starts from who is due a visit
    if user.scope_station_id:
        return redirect("stations:detail", pk=user.scope_station_id)
    if user.scope_region_id:
        return redirect("regions:detail", code=user.scope_region.code)
    return redirect("regions:index")
