"""The canary checker: every GET URL the project serves, for every role, read for the canary strings of the
stations outside the role's scope (and, for a role without personal data, for every person's name).

URLs come from `served_route_names()`, so a new URL is covered as soon as it is served; its argument comes from
tests/access_matrix.py (ROUTES: the kind of object it points at, the query parameter of a list page), built for
the role's inside station with `_object_arg`. A served URL that cannot be built is a failure, never a skip.
Bodies are read as a person would get them: pages and JSON as text, spreadsheets cell by cell (openpyxl),
Word files paragraph by paragraph (python-docx), and every XML part of either as plain text as well.
"""

from __future__ import annotations

import html
import io
import json
import logging
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client
from django.urls import NoReverseMatch, reverse

from shuangbai.core.permissions import has_perm
from tests.access_matrix import INSIDE_OUTSIDE, ROUTES, _object_arg, served_route_names

# Routes not requested, each with its reason: only routes that output no data.
SKIP = {
    "logout": "POST-only: ends the session; a GET answers 405 with no data (and would log the role out)",
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_TYPES = {"text/html", "text/plain", "text/csv", "application/xhtml+xml", "text/javascript", ""}


class UnreadableBody(Exception):
    """A response the checker does not know how to read (so cannot vouch for)."""


@dataclass(frozen=True)
class Leak:
    role: str
    route: str  # URL name
    url: str
    found: tuple[str, ...]  # "string (what)", one per canary found

    def __str__(self) -> str:
        return f"{self.role} GET {self.url} [{self.route}] shows {', '.join(self.found)}"


@dataclass
class CanaryRun:
    checked: list[tuple[str, str, str]] = field(default_factory=list)  # (role, route, url) requested
    leaks: list[Leak] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # could not build, request raised, unreadable body
    seen: set[str] = field(default_factory=set)  # canary strings found (a positive control uses it)

    @property
    def count(self) -> int:
        return len(self.checked)

    def summary(self) -> str:
        roles = sorted({role for role, _, _ in self.checked})
        routes = {route for _, route, _ in self.checked}
        return (
            f"canary: {self.count} URL x role checks ({len(routes)} URL names, {len(roles)} roles: "
            f"{', '.join(roles)}); {len(self.leaks)} leaks, {len(self.failures)} failures"
        )


def route_specs() -> dict[str, tuple[str | None, str | None]]:
    """URL name -> (kind of its argument, query parameter), from the access matrix's ROUTES."""
    return {name: (route.kind, route.query) for name, route in ROUTES.items()}


def urls_for(name: str, kind: str | None, query: str | None, arg_of: Callable[[], object], urlconf=None):
    """The URLs to request for a route: the bare URL (a list page's too) and the page of the object `arg_of`
    gives (`?<query>=<arg>` for a list page)."""
    if kind is None:
        return [reverse(name, urlconf=urlconf)]
    arg = arg_of()
    if query:
        return [reverse(name, urlconf=urlconf), f"{reverse(name, urlconf=urlconf)}?{query}={arg}"]
    return [reverse(name, args=arg if isinstance(arg, tuple) else [arg], urlconf=urlconf)]


def body_text(response) -> str:
    """The text a reader of the response gets."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type in TEXT_TYPES:
        charset = response.charset or "utf-8"
        try:
            text = body.decode("utf-8-sig" if charset.lower() == "utf-8" else charset)
        except UnicodeDecodeError:
            text = body.decode("gb18030", errors="replace")  # a CSV for Excel
        return html.unescape(text)
    if content_type == "application/json":
        return json.dumps(json.loads(body), ensure_ascii=False)
    if content_type == XLSX:
        return _xlsx_text(body) + "\n" + _zip_xml_text(body)
    if content_type == DOCX:
        return _docx_text(body) + "\n" + _zip_xml_text(body)
    if content_type.startswith("image/") or content_type == "application/octet-stream":
        return body.decode("utf-8", errors="ignore")  # a caption or a name smuggled into the metadata
    raise UnreadableBody(f"unknown content type {content_type!r}")


def _xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    parts = []
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(value) for value in row if value is not None)
    return "\n".join(parts)


def _docx_text(body: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(body))
    parts = []

    def tables(container) -> None:
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    parts.extend(p.text for p in cell.paragraphs)
                    tables(cell)

    for part in [document, *(s.header for s in document.sections), *(s.footer for s in document.sections)]:
        parts.extend(p.text for p in part.paragraphs)
        tables(part)
    return "\n".join(parts)


def _zip_xml_text(body: bytes) -> str:
    """Every XML part of an Office file (properties, comments, shared strings ...) with its tags dropped."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return "\n".join(
            html.unescape(re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", errors="ignore")))
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        )


def forbidden_strings(user, canaries, person_names: dict[str, str]) -> dict[str, str]:
    """What `user` must never be shown: the canary strings of every canary station outside its scope and,
    for a role without personal data, the name of every person."""
    from shuangbai.stations.models import Station

    visible = set(Station.objects.visible_to(user).values_list("pk", flat=True))
    forbidden = {}
    for canary in canaries:
        if canary.station.pk not in visible:
            forbidden.update({s: f"{canary.letter.upper()}: {what}" for s, what in canary.strings.items()})
    if not has_perm(user, "staff.view"):  # the viewer: no person's name anywhere
        forbidden.update({name: f"person's name: {who}" for name, who in person_names.items()})
    return forbidden


def people_names(canaries) -> dict[str, str]:
    """The name of every person in the database (the world's and the canaries'), with who they are."""
    from shuangbai.activities.models import Partner, Volunteer
    from shuangbai.registry.models import Beneficiary
    from shuangbai.staff.models import Applicant, Staff

    names: dict[str, str] = {}
    sources = [
        (Beneficiary, "name", "beneficiary"),
        (Beneficiary, "guardian_name", "guardian"),
        (Staff, "name", "staff"),
        (Volunteer, "name", "volunteer"),
        (Partner, "contact_person", "partner contact"),
        (Applicant, "name", "applicant"),
    ]
    for model, field_name, who in sources:
        rows = model.objects.unscoped("the checker lists every person's name")
        for value in rows.values_list(field_name, flat=True):
            if value:
                names.setdefault(value, who)
    for canary in canaries:
        names.update(canary.person_names)
    return names


def _matcher(strings: Iterable[str]) -> re.Pattern | None:
    strings = sorted(set(strings), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, strings))) if strings else None


def _local(location: str) -> str | None:
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != "testserver":
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_canaries(
    world,
    canaries,
    *,
    roles: dict[str, tuple[object, str]] | None = None,
    urlconf=None,
    only: Callable[[str], bool] | None = None,
    forbidden: Callable[[object], dict[str, str]] | None = None,
    control: bool = False,
    object_arg: Callable[[str, str, object], object] | None = None,
) -> CanaryRun:
    """GET every served URL as every role and look for what the role must not see.

    roles: username -> (user, letter of the station whose objects fill the URL arguments); default: the
    world's people with their inside station (INSIDE_OUTSIDE). only: a filter on URL names (the self-check).
    forbidden: user -> {string: what}; default: `forbidden_strings` with every person's name.
    control: request for every role even with nothing forbidden, to collect the canary strings shown (`seen`).
    object_arg: (kind, letter, user) -> URL argument; default: the access matrix's `_object_arg`."""
    run = CanaryRun()
    specs = route_specs()
    if roles is None:
        roles = {name: (getattr(world, name), inside) for name, (inside, _) in INSIDE_OUTSIDE.items()}
    if object_arg is None:

        def object_arg(kind, letter, user):
            return _object_arg(world, kind, letter, owner=user)

    names = sorted(name for name in served_route_names(urlconf) if only is None or only(name))

    # 1. the plan: every URL of every role, built before any request (so that every object exists)
    plan: list[tuple[str, object, str, str]] = []
    for name in names:
        if name in SKIP:
            continue
        if name not in specs:
            try:  # a URL without arguments needs no entry in ROUTES
                reverse(name, urlconf=urlconf)
            except NoReverseMatch:
                run.failures.append(
                    f"{name}: served, but tests/access_matrix.py ROUTES does not say what its argument is, so "
                    "the canary checker cannot build its URL (add it to ROUTES, or to SKIP if it outputs no data)"
                )
                continue
        kind, query = specs.get(name, (None, None))
        for username, (user, letter) in roles.items():
            try:
                urls = urls_for(name, kind, query, lambda: object_arg(kind, letter, user), urlconf)
            except Exception as error:  # whatever the builder raised: say so, never skip the route
                run.failures.append(
                    f"{name}: cannot build its URL for {username} (argument kind {kind!r}, station "
                    f"{letter!r}): {type(error).__name__}: {error}"
                )
                continue
            plan.extend((username, user, name, url) for url in urls)

    # 2. what each role must not see
    if forbidden is None:
        everyone = people_names(canaries)

        def forbidden(user):
            return forbidden_strings(user, canaries, everyone)

    watch = {username: forbidden(user) for username, (user, _) in roles.items()}
    matchers = {username: _matcher(strings) for username, strings in watch.items()}
    every_canary = {s for canary in canaries for s in canary.strings}

    # 3. the requests (403s and 404s are expected by the hundred: not logged)
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        _request(plan, run, matchers, watch, _matcher(every_canary), control)
    finally:
        quiet.setLevel(level)
    return run


def _request(plan, run: CanaryRun, matchers, watch, seen_matcher, control: bool) -> None:
    clients: dict[str, Client] = {}
    for username, user, name, url in plan:
        if matchers[username] is None and not control:
            continue  # nothing is outside this role's scope
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(user)
        run.checked.append((username, name, url))
        texts = []
        try:
            response = client.get(url)
            texts.append((url, body_text(response)))
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                target = _local(response["Location"])
                if target:  # one hop
                    texts.append((target, body_text(client.get(target))))
        except UnreadableBody as error:
            run.failures.append(f"{username} GET {url} [{name}]: {error}")
            continue
        except Exception as error:  # a view that raises shows nothing, but it must not pass unnoticed
            run.failures.append(f"{username} GET {url} [{name}] raised {type(error).__name__}: {error}")
            continue
        for where, text in texts:
            if seen_matcher:
                run.seen.update(seen_matcher.findall(text))
            found = sorted(set(matchers[username].findall(text))) if matchers[username] else []
            if found:
                shown = tuple(f"{s} ({watch[username][s]})" for s in found)
                via = url if where == url else f"{url} -> {where}"
                run.leaks.append(Leak(username, name, via, shown))
