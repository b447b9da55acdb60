"""The menu: every page a role may open, from the permission table. A project decision (it names every app's
pages), so it lives above the apps.

Each entry names its page and the permission the page needs; a user is shown the entries they hold. The top bar
shows the entries marked `bar` (on a phone, those marked `tab` sit at the bottom of the screen); the 全部功能 page
lists every entry of the user's, by group, so every page is within two clicks of home.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.urls import reverse

from shuangbai.core.permissions import has_perm


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    permission: str | None  # None: anyone signed in
    group: str
    bar: bool = False  # in the top bar
    tab: int = 0  # its place in the phone's bottom bar (the first three the user holds), 0: none
    hint: str = ""  # what the page is for, on the 全部功能 page
    short: str = ""  # the label in the phone's bottom bar
    station_only: bool = False  # a page about one's own station (the due list): for users of a station

    @property
    def url(self) -> str:
        return reverse(self.url_name)


GROUPS = ["日常工作", "服务对象", "服务与资源", "社工站与社工", "统计与报表", "简报", "设置"]

MENU: list[Entry] = [
    # 日常工作
    Entry("首页", "home", None, "日常工作", bar=True, tab=1, hint="本人、本站或本地区的概况"),
    Entry(
        "到期走访",
        "visits:due",
        "visit.record",
        "日常工作",
        tab=3,
        short="走访",
        station_only=True,
        hint="逾期、今日到期和七日内到期的户",
    ),
    Entry("走访记录", "visits:index", "visit.view", "日常工作", bar=True, hint="已记录的入户走访和电话回访"),
    Entry("健康监测", "visits:health", "visit.view", "日常工作", hint="高风险和重点类别的服务对象"),
    Entry(
        "服务地图",
        "maps:index",
        "map.view",
        "日常工作",
        hint="本站服务对象户的分布与到期情况；各镇（街）社工站、点的分布",
    ),
    # 服务对象
    Entry(
        "服务对象",
        "registry:index",
        "beneficiary.view",
        "服务对象",
        bar=True,
        tab=2,
        hint="建档立卡名单与查询",
    ),
    Entry("登记新户", "registry:household_create", "beneficiary.edit", "服务对象", hint="新建一户并登记户主"),
    Entry("按身份证号查找", "registry:lookup", "beneficiary.view", "服务对象"),
    Entry("疑似重复记录", "registry:duplicates", "beneficiary.edit", "服务对象"),
    Entry("导入台账", "registry:import", "beneficiary.import", "服务对象", hint="Excel 台账批量建档"),
    Entry("服务对象统计", "registry:stats", "beneficiary.stats", "服务对象", hint="按类别、区域的人数"),
    # 服务与资源
    Entry("个案", "cases:index", "case.view", "服务与资源", bar=True, hint="开案、转介、结案"),
    Entry(
        "物资发放", "assistance:batches", "batch.view", "服务与资源", bar=True, hint="物资批次、调拨与发放"
    ),
    Entry(
        "资源链接", "assistance:index", "assistance.view", "服务与资源", hint="协助申请救助、补贴等的办理记录"
    ),
    Entry("社区活动", "activities:index", "activity.list", "服务与资源", bar=True),
    Entry("志愿者", "activities:volunteers", "activity.view", "服务与资源"),
    Entry("登记志愿者", "activities:volunteer_create", "volunteer.edit", "服务与资源"),
    Entry("合作单位", "activities:partners", "activity.view", "服务与资源"),
    Entry("登记合作单位", "activities:partner_create", "volunteer.edit", "服务与资源"),
    Entry(
        "登记物资批次",
        "assistance:batch_create",
        "batch.receive",
        "服务与资源",
        hint="上级下拨或社会捐赠的物资",
    ),
    # 社工站与社工
    Entry("社工站", "stations:index", "station.view", "社工站与社工", bar=True),
    Entry("区划", "regions:index", "region.view", "社工站与社工"),
    Entry("社工与督导", "staff:index", "staff.view", "社工站与社工"),
    Entry("培训", "staff:trainings", "training.view", "社工站与社工"),
    Entry("登记培训", "staff:training_create", "training.record", "社工站与社工"),
    Entry("督导检查", "supervision:index", "inspection.view", "社工站与社工"),
    Entry("招聘", "staff:recruitment", "recruitment.view", "社工站与社工"),
    # 统计与报表
    Entry(
        "入户率与服务覆盖", "visits:coverage", "coverage.view", "统计与报表", bar=True, tab=4, short="覆盖率"
    ),
    Entry("两个全覆盖", "visits:two_coverages", "coverage.view", "统计与报表"),
    Entry("工作数据", "stations:figures", "figures.view", "统计与报表", hint="简报所引的各项数字"),
    Entry(
        "数据看板", "dashboards:index", "dashboard.view", "统计与报表", hint="覆盖率、走访、个案、物资的图表"
    ),
    Entry("数据大屏", "dashboards:screen", "dashboard.view", "统计与报表", hint="全屏展示，每5分钟自动刷新"),
    Entry(
        "一级对象超期未入户",
        "dashboards:high_risk",
        "dashboard.view_names",
        "统计与报表",
        hint="超过两倍走访间隔未入户的一级对象名单",
    ),
    Entry("建设进度一览表", "stations:progress", "progress.view", "统计与报表", bar=True),
    # 简报
    Entry("工作简报", "bulletins:index", "bulletin.view", "简报", bar=True),
    Entry("往期检索", "bulletins:archive", "bulletin.view", "简报"),
    Entry("撰写稿件", "bulletins:article_create", "article.write", "简报"),
    # 设置
    Entry("四级跟进间隔", "visits:levels", "follow_up_level.view", "设置"),
    Entry("服务对象类别", "registry:categories", "catalogue.view", "设置"),
    Entry("协作机构目录", "cases:agencies", "catalogue.manage", "设置"),
    Entry("资源链接类型", "assistance:types", "catalogue.manage", "设置"),
    Entry("督导检查项目", "supervision:items", "catalogue.manage", "设置"),
    Entry("简报报头", "bulletins:masthead", "bulletin.manage", "设置"),
    Entry("审计日志", "audit_log", "audit.view", "设置"),
    Entry("修改密码", "password_change", None, "设置"),
]


def menu_for(user) -> list[Entry]:
    """The entries the user holds; home is 今日 for the people of a station."""
    entries = []
    for entry in MENU:
        if entry.permission is not None and not has_perm(user, entry.permission):
            continue
        if entry.station_only and not user.scope_station_id:
            continue
        if entry.url_name == "home" and user.scope_station_id:
            entry = replace(entry, label="今日", short="今日", hint="到期走访、在办个案、待发物资")
        entries.append(entry)
    return entries


def grouped(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    return [
        (group, [e for e in entries if e.group == group])
        for group in GROUPS
        if any(e.group == group for e in entries)
    ]


def menu(request) -> dict:
    """Context processor: the signed-in user's top bar, phone tabs and the current page's entry."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = menu_for(user)
    path = request.path
    current = next(
        (e for e in sorted(entries, key=lambda e: -len(e.url)) if path.startswith(e.url) and e.url != "/"),
        None,
    )
    if current is None and path == "/":
        current = entries[0]
    return {
        "menu_bar": [e for e in entries if e.bar],
        "menu_tabs": sorted((e for e in entries if e.tab), key=lambda e: e.tab)[:3],
        "menu_current": current,
    }
