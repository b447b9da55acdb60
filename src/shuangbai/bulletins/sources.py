"""Records an article can be drafted from, and the facts each one gives it.

A source kind knows three things: which of its records a user may draft from (scoped, newest first), the facts of
one record (dated, counted, named — never a person's name: an exemplary case gives its write-up and nickname
only), and a first draft (section, title, body). The draft's body names facts as placeholders — {参与人数} — and
`fill` puts the record's current values in whenever the issue is composed, until it is published and frozen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from shuangbai.activities.models import Activity
from shuangbai.assistance.models import Batch
from shuangbai.cases.models import Case
from shuangbai.core.dates import day_label
from shuangbai.core.models import User
from shuangbai.core.permissions import has_perm
from shuangbai.regions.models import Region
from shuangbai.supervision.models import Inspection

from .models import Section, SourceKind

PLACEHOLDER = re.compile(r"\{([^{}\s]{1,12})\}")
RECENT = 30  # records offered to draft from, per kind


@dataclass(frozen=True)
class DraftText:
    section: str
    title: str
    body: str
    byline: str = ""


@dataclass(frozen=True)
class SourceKindSpec:
    kind: str
    every: Callable[[], QuerySet]  # every record that can be a source
    records: Callable[[User], QuerySet]  # the user's records to draft from, newest first
    facts: Callable[[object], dict[str, str]]
    draft: Callable[[object, dict[str, str]], DraftText]
    label: Callable[[object], str]  # one line in the picker


def fill(body: str, facts: dict[str, str]) -> str:
    """The body with each {name} replaced by the record's current value (unknown names are left as typed; saving
    an article refuses them, see `unknown_placeholders`)."""
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), body)


def unknown_placeholders(body: str, facts: dict[str, str]) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(body) if name not in facts})


def _county_name(code: str) -> str:
    region = Region.objects.filter(code=code[:6].ljust(12, "0")).only("name").first()
    return region.name if region else ""


def _joined(names) -> str:
    return "、".join(name for name in names if name)


# ---------------------------------------------------------------------------------------------- activities


def _activity_records(user: User) -> QuerySet:
    return Activity.objects.visible_to(user).select_related("station").order_by("-held_on", "-id")


def activity_phrase(title: str) -> str:
    """How an article names an activity after 开展: “喜迎新春送春联”活动, and a title that already has its
    quotes or ends in 活动 as it is (“兔开心，庆元宵”童趣小花灯主题活动, not “…主题活动”活动)."""
    title = title.strip()
    if "“" in title or '"' in title:
        return title if title.endswith("活动") else f"{title}活动"
    core = title.removesuffix("活动") or title
    return f"“{core}”活动"


def _activity_facts(activity: Activity) -> dict[str, str]:
    facts = activity.facts()
    hours = facts["volunteer_hours"]
    return {
        "活动名称": facts["title"],
        "活动": activity_phrase(facts["title"]),
        "日期": day_label(facts["date"]),
        "时间": f"{facts['start_time']:%H:%M}" if facts["start_time"] else "",
        "地点": facts["place"],
        "社工站": f"{_county_name(activity.region_code)}{facts['station']}",
        "社工点": facts["point"],
        "主题": facts["theme"],
        "合作单位": _joined(facts["partners"]),
        "环节数": str(len(facts["segments"])),
        "环节": "；".join(facts["segments"]),
        "参与人数": str(facts["participants"]),
        "服务对象人数": str(facts["beneficiaries"]),
        "志愿者人数": str(facts["volunteers"]),
        "志愿服务时长": f"{hours:g}" if hours else "0",
    }


def _activity_draft(activity: Activity, facts: dict[str, str]) -> DraftText:
    with_partners = "联合{合作单位}" if facts["合作单位"] else ""
    lines = [f"{{日期}}，{{社工站}}{with_partners}在{{地点}}开展{{活动}}，共有{{参与人数}}名群众参与。"]
    if facts["环节"]:
        lines.append("本次活动共分为{环节数}个环节：{环节}。")
    if facts["志愿者人数"] != "0":
        lines.append("{志愿者人数}名志愿者参与服务，服务时长共{志愿服务时长}小时。")
    lines.extend(line for line in activity.narrative.splitlines() if line.strip())
    return DraftText(
        section=Section.STATION,
        title=f"{facts['社工站']}开展{facts['活动']}",
        body="\n".join(lines),
        byline=f"（{facts['社工站']}供稿）",
    )


# ---------------------------------------------------------------------------------------------- cases


def _case_records(user: User) -> QuerySet:
    # only an exemplary case has a publishable write-up; nothing else of a case may leave the system
    if not has_perm(user, "case.view"):
        return Case.objects.none()
    return (
        Case.objects.visible_to(user).filter(exemplary=True).select_related("station").order_by("-opened_on")
    )


def _case_facts(case: Case) -> dict[str, str]:
    # what the published write-up already says, no more: dates and referrals of a case stay in the system
    return {
        "化名": case.nickname,
        "案例标题": case.write_up_title,
        "社工站": f"{_county_name(case.region_code)}{case.station.name}",
    }


def _case_draft(case: Case, facts: dict[str, str]) -> DraftText:
    return DraftText(
        section=Section.STATION,
        title=f"{facts['社工站']}：{case.write_up_title}",
        body=case.write_up,
        byline=f"（{facts['社工站']}供稿）",
    )


# ---------------------------------------------------------------------------------------------- batches


def _batch_records(user: User) -> QuerySet:
    return Batch.objects.visible_to(user).order_by("-received_on", "-id")


def _batch_facts(batch: Batch) -> dict[str, str]:
    handed = batch.hand_outs.aggregate(
        quantity=Sum("quantity"),
        people=Count("beneficiary", distinct=True),
        households=Sum("households"),
        stations=Count("station", distinct=True),
    )
    receiver = batch.holdings.filter(parent__isnull=True).values_list("name", flat=True).first()
    return {
        "物资": batch.item,
        "单位": batch.unit,
        "下发单位": batch.donor or batch.get_party_display(),
        "接收单位": receiver or "",
        "接收日期": day_label(batch.received_on),
        "接收数量": str(batch.quantity),
        "已发放数量": str(handed["quantity"] or 0),
        "发放人数": str(handed["people"]),
        "发放户数": str(handed["households"] or 0),
        "发放站点数": str(handed["stations"]),
    }


def _batch_draft(batch: Batch, facts: dict[str, str]) -> DraftText:
    section = {"city": Section.CITY, "county": Section.COUNTY}.get(batch.level, Section.STATION)
    # Goods a bureau gathered itself are not "received" from itself (云浮市民政局接收云浮市民政局等部门的…).
    own = not facts["接收单位"] or facts["接收单位"] in facts["下发单位"]
    first = (
        "{接收日期}，{下发单位}筹集{物资}{接收数量}{单位}。"
        if own
        else "{接收日期}，{接收单位}接收{下发单位}的{物资}{接收数量}{单位}。"
    )
    return DraftText(
        section=section,
        title=f"{facts['接收单位'] or facts['下发单位']}发放{facts['物资']}{facts['已发放数量']}{facts['单位']}",
        body=first
        + "截至目前，已通过{发放站点数}个社工站向{发放户数}户困难群众发放{物资}{已发放数量}{单位}。",
    )


# ---------------------------------------------------------------------------------------------- inspections


def _inspection_records(user: User) -> QuerySet:
    if not has_perm(user, "inspection.view"):
        return Inspection.objects.none()
    return Inspection.objects.visible_to(user).select_related("station").order_by("-visited_on", "-id")


def _inspection_facts(inspection: Inspection) -> dict[str, str]:
    return {
        "日期": day_label(inspection.visited_on),
        "类型": inspection.get_kind_display(),
        "检查组": inspection.team,
        "社工站": f"{_county_name(inspection.region_code)}{inspection.station.name}",
        "检查方式": _joined(inspection.get_methods_display()),
        "检查项目数": str(inspection.scores.count()),
        "建议条数": str(inspection.recommendations.count()),
    }


def _inspection_draft(inspection: Inspection, facts: dict[str, str]) -> DraftText:
    lines = [
        "{日期}，{检查组}到{社工站}开展{类型}工作，通过{检查方式}等方式了解站点服务开展情况，共检查{检查项目数}个项目，提出{建议条数}条改进建议。"
    ]
    lines.extend(line for line in inspection.findings.splitlines() if line.strip())
    return DraftText(
        section=Section.COUNTY,
        title=f"{facts['检查组']}到{facts['社工站']}开展{facts['类型']}",
        body="\n".join(lines),
    )


# An article's source record is read whoever reads the article: its facts carry no personal data.
SOURCE_REASON = "an article's source record, read for whoever may see the article"
SOURCES: dict[str, SourceKindSpec] = {
    SourceKind.ACTIVITY: SourceKindSpec(
        SourceKind.ACTIVITY,
        lambda: Activity.objects.unscoped(SOURCE_REASON).select_related("station"),
        _activity_records,
        _activity_facts,
        _activity_draft,
        lambda a: f"{day_label(a.held_on)} {a.station.name} {a.title}",
    ),
    SourceKind.CASE: SourceKindSpec(
        SourceKind.CASE,
        lambda: Case.objects.unscoped(SOURCE_REASON).filter(exemplary=True).select_related("station"),
        _case_records,
        _case_facts,
        _case_draft,
        lambda c: f"{day_label(c.opened_on)} {c.station.name} {c.write_up_title}",
    ),
    SourceKind.BATCH: SourceKindSpec(
        SourceKind.BATCH,
        lambda: Batch.objects.unscoped(SOURCE_REASON),
        _batch_records,
        _batch_facts,
        _batch_draft,
        lambda b: f"{day_label(b.received_on)} {b}",
    ),
    SourceKind.INSPECTION: SourceKindSpec(
        SourceKind.INSPECTION,
        lambda: Inspection.objects.unscoped(SOURCE_REASON).select_related("station"),
        _inspection_records,
        _inspection_facts,
        _inspection_draft,
        lambda i: f"{day_label(i.visited_on)} {i.station.name} {i.get_kind_display()}",
    ),
}


def record_facts(kind: str, pk: int) -> dict[str, str]:
    """The current facts of an article's source, read unscoped: whoever may see the article may see them (they
    carry no personal data). {} when the record is gone or is no longer a source (a case no longer exemplary)."""
    spec = SOURCES[kind]
    record = spec.every().filter(pk=pk).first()
    return spec.facts(record) if record is not None else {}
