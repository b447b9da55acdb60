"""The access matrix: every URL pattern the project serves, for every role, inside and outside its scope.

ROUTES names each URL pattern with the kind of object its argument points at and the access it needs. A pattern
the project serves that is not in ROUTES (nor in UNCHECKED, with a reason) is itself a failure: a new view
cannot be added without saying who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Served by Django itself and guarded by its own staff check, or needing no login at all.
UNCHECKED = {
    "login": "the login page is public",
    "logout": "POST-only logout of the current session",
    "healthz": "liveness probe, public, no data",
}
UNCHECKED_NAMESPACES = {"admin": "Django admin, superusers only (is_staff check by Django)"}


@dataclass(frozen=True)
class Route:
    kind: (
        str | None
    )  # what the URL argument points at: station, point, staff, region, town; None: no argument
    access: str  # read | manage | personal | personal_manage | bureau | self
    query: str | None = None  # for list pages: the query parameter that takes the object


ROUTES: dict[str, Route] = {
    "home": Route(None, "self"),
    "password_change": Route(None, "self"),
    "audit_log": Route(None, "bureau"),
    "regions:index": Route(None, "read"),
    "regions:detail": Route("region", "read"),
    "stations:index": Route("region", "read", query="region"),
    "stations:create": Route("town", "manage"),
    "stations:detail": Route("station", "read"),
    "stations:edit": Route("station", "manage"),
    "stations:retire": Route("station", "manage"),
    "stations:point_create": Route("station", "manage"),
    "stations:point": Route("point", "read"),
    "stations:point_edit": Route("point", "manage"),
    "stations:point_retire": Route("point", "manage"),
    "staff:index": Route("station", "personal", query="station"),
    "staff:create": Route("station", "personal_manage", query="station"),
    "staff:create_supervisor": Route(None, "personal_manage"),
    "staff:detail": Route("staff", "personal"),
    "staff:edit": Route("staff", "personal_manage"),
    "staff:move": Route("staff", "personal_manage"),
    "staff:leave": Route("staff", "personal_manage"),
}

# For each person of the `world` fixture: the letter of a station inside and one outside their scope.
INSIDE_OUTSIDE = {
    "province": ("a", "e"),
    "city": ("a", "d"),
    "county": ("a", "c"),
    "head_a": ("a", "b"),
    "worker_a": ("a", "b"),
    "worker_b": ("b", "a"),
    "supervisor": ("b", "c"),
    "viewer": ("c", "d"),
}
BUREAU = {"province", "city", "county"}


def served_route_names(urlconf=None) -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in UNCHECKED_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(
                    f"{namespace}{pattern.name}"
                    if pattern.name
                    else f"{namespace}<unnamed {pattern.pattern}>"
                )

    walk(get_resolver(urlconf).url_patterns, "")
    return names


def _object_arg(world, kind: str, letter: str):
    station = getattr(world, f"station_{letter}")
    return {
        "station": station.pk,
        "point": getattr(world, f"point_{letter}").pk,
        "staff": getattr(world, f"staff_{letter}").pk,
        "region": station.town.code,
        "town": station.town.code,
    }[kind]


def _url(name: str, route: Route, arg, urlconf=None) -> str:
    if route.kind is None:
        return reverse(name, urlconf=urlconf)
    if route.query:
        return f"{reverse(name, urlconf=urlconf)}?{route.query}={arg}"
    return reverse(name, args=[arg], urlconf=urlconf)


def expected_inside(username: str, route: Route) -> set[int]:
    bureau = username in BUREAU
    personal = username != "viewer"
    return {
        "self": {200, 302},
        "read": {200, 302},
        "bureau": {200} if bureau else {404},
        "manage": {200} if bureau else {403},
        "personal": {200} if personal else {404},
        "personal_manage": ({200} if bureau else {403}) if personal else {404},
    }[route.access]


def check_matrix(world, routes: dict[str, Route] = ROUTES, urlconf=None) -> list[str]:
    """Every failure as a sentence; an empty list means the matrix holds."""
    failures = []
    served = served_route_names(urlconf)
    for name in sorted(served - set(routes) - set(UNCHECKED)):
        failures.append(f"{name}: served but not in the access matrix (add it to ROUTES)")
    anonymous = Client()
    for name, route in routes.items():
        if name not in served:
            failures.append(f"{name}: in the access matrix but not served")
            continue
        url = _url(name, route, _object_arg(world, route.kind, "a") if route.kind else None, urlconf)
        response = anonymous.get(url)
        if response.status_code != 302 or "/login/" not in response["Location"]:
            failures.append(f"anonymous GET {url}: {response.status_code}, expected 302 to the login page")
    for username, (inside, outside) in INSIDE_OUTSIDE.items():
        client = Client()
        client.force_login(getattr(world, username))
        for name, route in routes.items():
            if name not in served:
                continue
            arg_in = _object_arg(world, route.kind, inside) if route.kind else None
            url = _url(name, route, arg_in, urlconf)
            status = client.get(url).status_code
            if status not in expected_inside(username, route):
                failures.append(
                    f"{username} GET {url} (inside): {status}, expected {expected_inside(username, route)}"
                )
            if route.kind is None:
                continue
            url = _url(name, route, _object_arg(world, route.kind, outside), urlconf)
            # POST too where the view takes it: a view must not check the scope only on GET.
            methods = ("get", "post") if route.access in {"manage", "personal_manage", "self"} else ("get",)
            for method in methods:
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{username} {method.upper()} {url} (outside): {status}, expected 404")
    return failures
