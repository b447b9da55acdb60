"""The canary checker catches a view that forgets the scope, whatever it answers with.

Deliberately leaky views, mounted next to the project's URLs (as tests/test_access_matrix.py mounts its own):
each lists every beneficiary's name read with `.unscoped(...)`, as a page, a spreadsheet, a Word file, JSON,
CSV, or a page behind a redirect. They are in no ROUTES table: a URL without arguments is covered as soon as it
is served. One takes an argument nobody described, and the checker says it cannot build it.
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import include, path

from shuangbai.registry.models import Beneficiary
from tests.access_matrix import INSIDE_OUTSIDE
from tests.canary.checker import DOCX, XLSX, check_canaries


def _names() -> list[str]:
    return list(Beneficiary.objects.unscoped("deliberately leaky").values_list("name", flat=True))


def leaky_list(request):
    return HttpResponse("<ul>" + "".join(f"<li>{name}</li>" for name in _names()) + "</ul>")


def leaky_xlsx(request):
    from openpyxl import Workbook

    book = Workbook()
    for name in _names():
        book.active.append(["姓名", name])
    out = io.BytesIO()
    book.save(out)
    return HttpResponse(out.getvalue(), content_type=XLSX)


def leaky_docx(request):
    from docx import Document

    document = Document()
    table = document.add_table(rows=0, cols=1)
    for name in _names():
        run = table.add_row().cells[0].paragraphs[0]
        run.add_run(name[:3])  # split over runs, as Word does
        run.add_run(name[3:])
    out = io.BytesIO()
    document.save(out)
    return HttpResponse(out.getvalue(), content_type=DOCX)


def leaky_json(request):
    return JsonResponse({"names": _names()})  # \uXXXX escapes: ensure_ascii


def leaky_csv(request):
    out = io.StringIO()
    csv.writer(out).writerows([name] for name in _names())
    return HttpResponse(out.getvalue().encode("gb18030"), content_type="text/csv; charset=gb18030")


def leaky_redirect(request):
    return redirect("leaky_list")


def leaky_person(request, pk):
    return HttpResponse(Beneficiary.objects.unscoped("deliberately leaky").get(pk=pk).name)


urlpatterns = [
    path("leaky/", leaky_list, name="leaky_list"),
    path("leaky/xlsx/", leaky_xlsx, name="leaky_xlsx"),
    path("leaky/docx/", leaky_docx, name="leaky_docx"),
    path("leaky/json/", leaky_json, name="leaky_json"),
    path("leaky/csv/", leaky_csv, name="leaky_csv"),
    path("leaky/redirect/", leaky_redirect, name="leaky_redirect"),
    path("leaky/<int:pk>/", leaky_person, name="leaky_person"),
    path("", include("shuangbai.urls")),
]
LEAKY = {"leaky_list", "leaky_xlsx", "leaky_docx", "leaky_json", "leaky_csv", "leaky_redirect"}


def test_the_checker_catches_a_leaky_view(world, canaries, settings):
    settings.ROOT_URLCONF = __name__
    x, y, z = (next(c for c in canaries if c.letter == letter) for letter in "xyz")
    head = {
        c.letter: next(n for n, who in c.person_names.items() if who == "beneficiary name (head)")
        for c in (x, y, z)
    }

    run = check_canaries(world, canaries, only=lambda name: name.startswith("leaky"))

    assert run.failures == [
        "leaky_person: served, but tests/access_matrix.py ROUTES does not say what its argument is, so the "
        "canary checker cannot build its URL (add it to ROUTES, or to SKIP if it outputs no data)"
    ]
    leaks = {(leak.role, leak.route): " ".join(leak.found) for leak in run.leaks}
    # every role, through every kind of answer: each has a canary station outside its scope (Z for the province)
    assert set(leaks) == {(role, route) for role in INSIDE_OUTSIDE for route in LEAKY}
    assert run.count == len(INSIDE_OUTSIDE) * len(LEAKY)
    for route in LEAKY:
        assert head["z"] in leaks["province", route]
        assert head["y"] in leaks["city", route] and head["x"] not in leaks["city", route]
        county = leaks["county", route]
        assert head["x"] in county and head["y"] in county and "对象A" not in county
        assert head["x"] in leaks["worker_a", route] and "对象A" not in leaks["worker_a", route]
        # the viewer sees no name at all, in its scope (对象C, X's people) or not
        viewer = leaks["viewer", route]
        assert all(name in viewer for name in ("对象C", head["x"], head["y"])), viewer
    assert any("/leaky/redirect/ -> /leaky/" in str(leak) for leak in run.leaks)
