"""The coverage pages: figures for every role (counts only), the 漏访 list and its export for those who may see
people, 404 outside the scope, Chinese answers to a bad period, and a pinned number of queries."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.regions.models import Region
from shuangbai.registry.models import Category
from shuangbai.registry.services import household_register
from shuangbai.visits import coverage_views
from tests.visits.coverage_fixture import LUODING, SULONG, YUNCHENG, YUNFU, build

JAN = "period=month&month=2025-01"
FEB = "period=month&month=2025-02"


@pytest.fixture
def data(world):
    return build(world)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    """The page's text without tags and with runs of white space made one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def coverage_url(query: str) -> str:
    return f"{reverse('visits:coverage')}?{query}"


# ----------------------------------------------------------------------------------------------- coverage


def test_the_city_page_shows_the_figures_and_links_each_county_keeping_the_period(world, data):
    response = client_for(world.city).get(coverage_url(f"region={YUNFU}&{JAN}"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "入户与服务覆盖：云浮市" in page
    words = text(response)
    assert "统计时段：2025年1月（2025年1月1日至2025年1月31日）。逾期按 2025年1月31日 计。" in words
    # the summary: 在册 39 (困难群众 27, 特殊群体 13); 入户率 14/39 = 35.9%; 服务覆盖率 17/39 = 43.6%
    assert "在册 39 27 13" in words
    assert "入户率 35.9% 40.7% 23.1%" in words  # 11/27, 3/13
    assert "逾期未访 23 15 9 其中一级 2 2 0 其中二级 3 2 2 其中三级 16 10 6 其中四级 2 1 1" in words
    assert "服务覆盖率 43.6% 48.1% 38.5%" in words  # 13/27, 5/13
    assert f'href="?region={LUODING}&amp;period=month&amp;month=2025-01&amp;group=total">罗定市</a>' in page
    assert "罗定市 26 7 26.9% 10 38.5% 17 2 2 11 2 19" in words  # 逾期 17 = 2+2+11+2; 漏访 26 - 7 = 19
    assert "云安区 0 0 — 0 — 0 0 0 0 0 0" in words
    assert "漏访名单（25人）" in words


def test_the_table_per_umbrella(world, data):
    response = client_for(world.city).get(coverage_url(f"region={YUNFU}&{JAN}&group=special"))
    words = text(response)
    assert "罗定市 12 3 25.0% 5 41.7%" in words
    assert "云城区 1 0 0.0% 0 0.0%" in words
    # the 漏访 link of the row names the umbrella too
    assert (
        f"region={LUODING}&amp;period=month&amp;month=2025-01&amp;umbrella=special"
        in response.content.decode()
    )


def test_a_town_lists_its_points_and_a_point_is_a_leaf(world, data):
    client = client_for(world.county)
    response = client.get(coverage_url(f"region={SULONG}&{JAN}"))
    page = response.content.decode()
    words = text(response)
    assert "按社工点" in words
    assert "A点 9 4 44.4% 5 55.6% 3 1 1 0 1 5" in words
    assert "站本部（未分配社工点） 2 0 0.0% 2 100.0% 2 0 1 1 0 2" in words
    assert f"?region={SULONG}&amp;point={world.point_a.pk}&amp;period=month" in page
    assert f"?region={SULONG}&amp;point=none&amp;period=month" in page

    leaf = client.get(coverage_url(f"region={SULONG}&point={world.point_a.pk}&{JAN}"))
    assert leaf.status_code == 200
    assert "入户与服务覆盖：素龙街道 · A点" in leaf.content.decode()
    assert 'id="children"' not in leaf.content.decode()
    assert "在册 9 " in text(leaf)


def test_a_point_elsewhere_or_under_a_county_is_404(world, data):
    client = client_for(world.county)
    assert client.get(coverage_url(f"region={SULONG}&point={world.point_b.pk}")).status_code == 404
    assert client.get(coverage_url(f"region={LUODING}&point={world.point_a.pk}")).status_code == 404
    assert client.get(coverage_url(f"region={SULONG}&point=abc")).status_code == 404


def test_a_region_outside_the_scope_is_404_on_every_page(world, data):
    outside = {
        world.county: YUNCHENG,
        world.worker_a: "445381001000",
        world.viewer: "440100000000",
    }
    for user, code in outside.items():
        client = client_for(user)
        for name in ("visits:coverage", "visits:missed", "visits:missed_export", "visits:two_coverages"):
            response = client.get(f"{reverse(name)}?region={code}")
            assert response.status_code == 404, (user.username, name)


def test_the_viewer_sees_the_figures_but_not_the_people(world, data):
    client = client_for(world.viewer)
    response = client.get(coverage_url(f"region={YUNFU}&{JAN}"))
    assert response.status_code == 200
    assert "在册 39 27 13" in text(response)
    assert "漏访名单" not in response.content.decode()
    assert client.get(f"{reverse('visits:missed')}?region={YUNFU}&{JAN}").status_code == 404
    assert client.get(f"{reverse('visits:missed_export')}?region={YUNFU}&{JAN}").status_code == 404
    two = client.get(f"{reverse('visits:two_coverages')}?region={YUNFU}")
    assert two.status_code == 200 and "罗定市" in text(two) and "对象A" not in two.content.decode()


def test_a_bad_period_is_answered_on_the_page(world, data):
    client = client_for(world.city)
    response = client.get(coverage_url(f"region={YUNFU}&period=dates&from=2025-02-15&to=2025-01-01"))
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in response.content.decode()
    assert 'id="summary"' not in response.content.decode()
    assert 'value="2025-02-15"' in response.content.decode()  # what was typed stays in the form
    response = client.get(coverage_url(f"region={YUNFU}&period=month&month=2025-1x"))
    assert "月份格式应为“2023-01”。" in response.content.decode()
    missed = client.get(f"{reverse('visits:missed')}?region={YUNFU}&period=quarter&year=2025&quarter=9")
    assert missed.status_code == 200 and "季度应为 1 至 4。" in missed.content.decode()
    export = client.get(f"{reverse('visits:missed_export')}?region={YUNFU}&period=year&year=abcd")
    assert export.status_code == 400 and "年份应为四位数字" in export.content.decode()


def test_without_a_region_the_page_opens_on_the_user_s_own(world, data):
    response = client_for(world.worker_b).get(coverage_url(JAN))
    assert "入户与服务覆盖：罗城街道" in response.content.decode()
    assert "B点 15 3 20.0% 3 20.0%" in text(response)
    # the supervisor has two stations: the page asks which
    response = client_for(world.supervisor).get(coverage_url(JAN))
    assert response.status_code == 200
    assert "请选择要统计的区域" in response.content.decode()


def test_the_coverage_page_runs_a_fixed_number_of_queries(world, data, django_assert_max_num_queries):
    client = client_for(world.city)
    # session, user, the user's scope region, the region asked, its ancestors (breadcrumbs), the schedule,
    # the catalogue's umbrellas, the grouped counts, the children's names; on PostgreSQL the JIT switch adds
    # a savepoint, SET LOCAL and the savepoint's release. The same whatever the number of people.
    expected = 9 + (3 if connection.vendor == "postgresql" else 0)
    for query in (f"region={YUNFU}&{JAN}", f"region={SULONG}&{JAN}", f"region={LUODING}&{FEB}"):
        with django_assert_max_num_queries(expected):
            assert client.get(coverage_url(query)).status_code == 200


# ---------------------------------------------------------------------------------------------------- 漏访


def test_the_missed_list_names_people_with_masked_ids(world, data, monkeypatch):
    monkeypatch.setattr(coverage_views, "PAGE_SIZE", 4)
    client = client_for(world.county)
    url = f"{reverse('visits:missed')}?region={SULONG}&{JAN}"
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    words = text(response)
    # A3 A4 A5 A7 A10 (凤塘村), A11 A12 (新村): 7 people, 4 a page
    assert "共 7 人" in words
    names = re.findall(r'<a href="/registry/\d+/">([^<]+)</a>', page)
    assert names == ["A3", "A4", "A5", "A7"]
    a4 = data.people["A4"]
    a4.refresh_from_db()
    assert a4.id_masked in page and a4.id_number not in page
    assert "A5 2025年1月15日退出" in words
    assert "2025年1月5日" in words  # A4's household: the home visit before A4's registration is its last
    assert "从未入户" in words  # A3 (phone only), A7
    second = client.get(url + "&page=2")
    assert re.findall(r'<a href="/registry/\d+/">([^<]+)</a>', second.content.decode()) == [
        "A10",
        "A11",
        "A12",
    ]
    assert "站本部" in text(second)


def test_the_missed_export_reopens_with_its_rows_and_is_audited(world, data):
    world.county.display_name = "罗定民政"
    world.county.save()
    client = client_for(world.county)
    response = client.get(f"{reverse('visits:missed_export')}?region={SULONG}&{JAN}&umbrella=special")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    now = timezone.localtime()
    assert rows[0][0].startswith(f"导出人：罗定民政（county） 导出时间：{now:%Y年%-m月%-d日}")
    assert rows[0][0].endswith("范围：素龙街道；2025年1月（2025年1月1日至2025年1月31日）；特殊群体")
    assert rows[1] == [
        "姓名",
        "身份证号",
        "镇（街）",
        "村（居）",
        "住址",
        "社工站",
        "社工点",
        "跟进级别",
        "建档日期",
        "退出日期",
        "最近入户日期",
    ]
    people = data.people
    for person in people.values():
        person.refresh_from_db()
    assert [row[0] for row in rows[2:]] == ["A3", "A10", "A12"]
    a3, a10, a12 = rows[2:]
    assert a3[1] == people["A3"].id_masked and people["A3"].id_number not in str(rows)
    assert a3[2:8] == ["素龙街道", "凤塘村", "2号", world.station_a.name, "A点", "二级"]
    assert a3[8].date() == date(2024, 12, 1) and a3[9] is None and a3[10] == "从未入户"
    assert a10[8].date() == date(2025, 1, 28) and a10[10].date() == date(2025, 1, 25)
    assert a12[3] == "新村" and a12[6] == "站本部（未分配社工点）"

    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert entry.actor == world.county
    assert entry.object_repr == "漏访名单（3人）"
    assert entry.changes == {
        "范围": "素龙街道；2025年1月（2025年1月1日至2025年1月31日）；特殊群体",
        "行数": 3,
    }


def test_the_export_keeps_a_formula_as_text(world, data):
    household_register(
        actor=world.county,
        village=Region.objects.get(code="445381002201"),
        address='=HYPERLINK("http://x")',
        head={
            "name": "=1+1",
            "no_id_reason": "refused",
            "gender": "F",
            "birth_date": date(1960, 1, 1),
            "categories": [Category.objects.get(code="dibao")],
            "registered_on": date(2024, 12, 1),
        },
    )
    response = client_for(world.county).get(f"{reverse('visits:missed_export')}?region={SULONG}&{JAN}")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    row = next(r for r in rows if r[0] and "1+1" in str(r[0]))
    assert row[0] == "'=1+1" and row[4] == '\'=HYPERLINK("http://x")' and row[1] == "无（拒绝提供）"


# ------------------------------------------------------------------------------------------------ 两个全覆盖


def test_two_coverages_page_names_the_gaps(world, data):
    url = f"{reverse('visits:two_coverages')}?region={SULONG}&period=dates&from=2025-01-01&to=2025-02-28"
    response = client_for(world.city).get(url)
    assert response.status_code == 200
    words = text(response)
    assert "两个全覆盖：云浮市" in words
    assert "罗定市 21 2 9.5% 3/2 27 18 66.7% 未建站：附城街道、双东街道" in words
    assert "未获服务：9人" in words
    assert (
        "云城区 8 1 12.5% 1/1 13 8 61.5% 未建站：云城街道、河口街道、安塘街道、腰古镇、思劳镇、前锋镇、南盛镇 未获服务：5人"
        in words
    )
    assert "合计 63 3 4.8% 4/3 40 26 65.0%" in words
    page = response.content.decode()
    assert (
        f'href="/visits/coverage/?region={LUODING}&amp;period=dates&amp;from=2025-01-01&amp;to=2025-02-28"'
        in page
    )


def test_two_coverages_default_to_this_year_and_a_province_picks_a_city(world):
    response = client_for(world.city).get(reverse("visits:two_coverages"))
    assert response.status_code == 200
    today = timezone.localdate()
    assert f'value="{today.year}-01-01"' in response.content.decode()
    # the world's own people, registered today, are all unserved this year
    assert "未获服务：2人" in text(response)  # 对象A, 对象B in 罗定市
    province = client_for(world.province).get(reverse("visits:two_coverages"))
    assert "请选择市" in province.content.decode() and "云浮市" in province.content.decode()


def test_a_station_user_sees_their_own_county_row_without_links_above_it(world, data):
    url = f"{reverse('visits:two_coverages')}?period=dates&from=2025-01-01&to=2025-02-28"
    response = client_for(world.worker_b).get(url)
    words = text(response)
    assert "罗定市 1 1 100.0% 1/1 16 10 62.5% 未获服务：6人" in words
    assert f"region={LUODING}" not in response.content.decode()


def test_coverage_opens_on_the_last_full_month_and_calls_a_running_month_running(world, data):
    from shuangbai.core.periods import last_full_month

    today = timezone.localdate()
    client = client_for(world.city)
    response = client.get(coverage_url(f"region={YUNFU}"))
    last = last_full_month(today)
    assert response.context["period"] == last and last.end < today.replace(day=1)
    assert f"统计时段：{last.label}（" in text(response) and "尚未结束" not in text(response)
    running = client.get(coverage_url(f"region={YUNFU}&period=month&month={today:%Y-%m}"))
    assert "尚未结束：数字截至今天" in text(running)
    past = client.get(coverage_url(f"region={YUNFU}&{JAN}"))
    assert "尚未结束" not in text(past)


def test_rows_at_zero_stand_out_and_the_table_sorts(world, data):
    page = client_for(world.city).get(coverage_url(f"region={YUNFU}&{JAN}&group=special")).content.decode()
    assert '<table id="children" class="compact sortable">' in page
    rows = re.findall(r"<tr( class=\"zero\")?>\s*<td><a [^>]*>([^<]+)</a>", page)
    marked = {name for zero, name in rows if zero}
    assert "云城区" in marked  # 1 in register, 0 visited
    assert "罗定市" not in marked and "云安区" not in marked  # visited; nobody in register
