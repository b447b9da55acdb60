"""The station figures page and report: every source's counts for a region node and a period."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from shuangbai.regions.models import Region
from shuangbai.stations.figures import station_figures
from shuangbai.visits.services import visit_record


def _visit(world, letter: str, days_ago: int, kind: str = "home"):
    return visit_record(
        actor=getattr(world, "worker_a" if letter == "a" else "city"),
        household=getattr(world, f"household_{letter}"),
        visited_at=timezone.now() - timedelta(days=days_ago),
        workers=[getattr(world, f"staff_{letter}")],
        kind=kind,
    )


def test_visits_and_new_people_are_counted_for_the_node_and_period(world):
    _visit(world, "a", 1)
    _visit(world, "a", 2, kind="phone")
    _visit(world, "b", 3)
    today = timezone.localdate()
    town_a = world.station_a.town
    table = station_figures(town_a, today - timedelta(days=10), today)
    assert table.value("visits.count") == 2
    assert table.value("visits.home") == 1
    assert table.value("visits.households") == 1
    # the fixture registered each station's beneficiary today, as 低保对象
    assert table.value("registry.new") == 1 and table.value("registry.new.dibao") == 1
    county = Region.objects.get(code="445381000000")  # stations a and b
    both = station_figures(county, today - timedelta(days=10), today)
    assert (both.value("visits.count"), both.value("visits.households"), both.value("registry.new")) == (
        3,
        2,
        2,
    )
    # a period before any of it
    empty = station_figures(county, date(2020, 1, 1), date(2020, 12, 31))
    assert (empty.value("visits.count"), empty.value("registry.new")) == (0, 0)
    assert [s.name for s in both.sections][:2] == ["走访", "新识别"]


def test_the_page_the_export_and_the_scope(client, world):
    _visit(world, "a", 1)
    today = timezone.localdate().isoformat()
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    client.force_login(world.worker_a)
    response = client.get(f"/stations/figures/?station={world.station_a.pk}&from={since}&to={today}")
    assert response.status_code == 200
    assert response.context["table"].value("visits.home") == 1
    assert 'data-key="visits.home"' in response.content.decode()
    assert client.get(f"/stations/figures/?station={world.station_b.pk}").status_code == 404
    assert client.get("/stations/figures/?station=abc").status_code == 404
    book = load_workbook(
        io.BytesIO(
            client.get(
                f"/stations/figures/export/?region={world.station_a.town.code}&from={since}&to={today}"
            ).content
        )
    )
    rows = {(r[1], r[2]) for r in book.active.iter_rows(min_row=3, values_only=True)}
    assert ("其中入户走访", 1) in rows
    # a bad period is named, in Chinese, and nothing is counted
    bad = client.get(f"/stations/figures/?station={world.station_a.pk}&from=2023-02-30&to={today}")
    assert bad.context["error"] == "开始日期格式应为“2023-01-01”。" and "table" not in bad.context
    # the viewer reads the counts of their city
    client.force_login(world.viewer)
    assert client.get("/stations/figures/?region=445300000000").status_code == 200


def test_the_command_line(world):
    _visit(world, "a", 1)
    today = timezone.localdate().isoformat()
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    out = io.StringIO()
    call_command(
        "report",
        "station-figures",
        "--region",
        "445381",
        "--from",
        since,
        "--to",
        today,
        "--json",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    figures = {f["key"]: f["value"] for s in data["sections"] for f in s["figures"]}
    assert data["from"] == since and figures["visits.home"] == 1
    text = io.StringIO()
    call_command(
        "report", "station-figures", "--region", "445381000000", "--from", since, "--to", today, stdout=text
    )
    assert "【走访】" in text.getvalue() and "其中入户走访" in text.getvalue()


def test_no_two_rows_of_a_section_share_a_label(world):
    """协助申请残疾人补贴 1人 / 协助申请残疾人补贴 1户 read as one figure twice: each row says what it counts."""
    from shuangbai.assistance.models import AssistanceStatus, AssistanceType, Party
    from shuangbai.assistance.services import assistance_create

    today = timezone.localdate()
    kind = AssistanceType.objects.filter(active=True).order_by("sort_order").first()
    assistance_create(
        actor=world.worker_a,
        beneficiary=world.beneficiary_a,
        type=kind,
        party=Party.values[0],
        on=today,
        status=AssistanceStatus.APPLYING,
    )
    _visit(world, "a", 1)
    table = station_figures(world.station_a.town, today - timedelta(days=10), today)
    linked = next(s for s in table.sections if s.name == "资源链接")
    labels = [f.label for f in linked.figures]
    assert labels == [kind.figure_label, f"{kind.figure_label}涉及户数"]
    for section in table.sections:
        names = [f.label for f in section.figures]
        assert len(names) == len(set(names)), section.name
