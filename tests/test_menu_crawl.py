"""Front doors: every role starts from its home, and through the menu reaches every page it may open within two
clicks; no link it is shown answers an error."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from shuangbai.menu import MENU, menu_for
from tests.access_matrix import INSIDE_OUTSIDE, ROUTES, expected

LINK = re.compile(r'<a\s[^>]*href="([^"#]+)"')
# Not pages to reach from a menu: the session's end, and a page reached from a record's own page only
NOT_MENU_PAGES = {"logout", "password_change", "home", "bulletins:import_review"}  # review: a step of import


def _links(html: str) -> set[str]:
    links = set()
    for href in LINK.findall(html):
        href = unescape(href)
        parts = urlsplit(href)
        if (
            parts.scheme
            or parts.netloc
            or not parts.path.startswith("/")
            or parts.path.startswith("/static/")
        ):
            continue
        links.add(href)
    return links


def _name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def crawl(client: Client) -> tuple[dict[str, int], dict[str, int]]:
    """{url: status} of every link on home and on each page home links to; {URL name: clicks from home}."""
    statuses: dict[str, int] = {}
    depth: dict[str, int] = {}
    home = client.get("/")
    assert home.status_code == 200
    first = _links(home.content.decode())
    second: set[str] = set()
    for url in sorted(first):
        response = client.get(url, follow=True)
        statuses[url] = response.status_code
        if (name := _name(url)) is not None:
            depth.setdefault(name, 1)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            second |= _links(response.content.decode())
    for url in sorted(second - first):
        statuses[url] = client.get(url, follow=True).status_code
        if (name := _name(url)) is not None:
            depth.setdefault(name, 2)
    return statuses, depth


def pages_the_role_may_open(user, client: Client) -> set[str]:
    """The pages of no one record (lists, reports, forms) that the table lets the user open and that answer
    without naming a record (a list's ?station= is optional; a visit form's ?household= is not)."""
    names = set()
    for name, route in ROUTES.items():
        if name in NOT_MENU_PAGES or (route.kind is not None and route.query is None):
            continue
        if 200 not in expected(user, route, None) or route.get_only:
            continue
        response = client.get(reverse(name))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # needs its record (302 to choose one), or a download offered on its page
        if b"<html" not in response.content:
            continue  # a fragment a page loads (htmx), not a page
        names.add(name)
    return names


@pytest.mark.parametrize("username", list(INSIDE_OUTSIDE))
def test_each_role_reaches_its_pages_from_home_through_the_menu(world, username):
    user = getattr(world, username)
    client = Client()
    client.force_login(user)
    statuses, depth = crawl(client)
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert broken == {}, f"{username} is shown links that answer an error"
    unreached = pages_the_role_may_open(user, client) - set(depth)
    assert unreached == set(), f"{username} cannot reach these within two clicks of home"


def test_the_menu_only_offers_what_the_table_allows(world):
    worker, viewer, city = world.worker_a, world.viewer, world.city
    names = {entry.url_name for entry in menu_for(worker)}
    assert {"visits:due", "registry:index", "cases:index", "assistance:batches", "activities:index"} <= names
    assert "audit_log" not in names and "stations:progress" not in names
    assert "registry:index" not in {entry.url_name for entry in menu_for(viewer)}
    assert "visits:due" not in {
        entry.url_name for entry in menu_for(city)
    }  # a bureau has no station of its own
    assert len({entry.url_name for entry in MENU}) == len(MENU)
