"""Who may do what: the one permission table.

Every permission names the roles that hold it, the rule an object must meet, and the permission a user needs to
see the page at all (`seen_with`). A record outside the user's scope is never found (404, before any of this);
lacking `seen_with` answers 404 too, so a page is not confirmed to a role that may not see it; lacking the
permission itself answers 403. A permission without `seen_with` is a read permission: lacking it is 404.
Superusers (and the system account) hold every permission.

Views (`@requires`, `require_page`), services (`require`), templates (`user|may:"…"`, `{% may … as … %}`),
menus and the access matrix all read this table. Object rules that need an app's knowledge (whose visit, which
holder of goods) are registered by that app (`register_rule`) and deny until registered.

Who may hand out goods? Read the `batch.hand_out` row: the station's head and workers, at their own station's
holding of the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from .models import BUREAU_ROLES, REGION_ROLES, STATION_ROLES, Role
from .scoping import ScopedQuerySet, scope_of

if TYPE_CHECKING:
    from .models import User

PROVINCE, CITY, HEAD, SUPERVISOR, VIEWER = (
    Role.PROVINCE,
    Role.CITY,
    Role.STATION_HEAD,
    Role.SUPERVISOR,
    Role.VIEWER,
)

ALL = frozenset(Role) - {Role.SYSTEM}  # the system account is a superuser: it holds every permission
PERSONAL = ALL - {VIEWER}  # personal data: everyone but the viewer, who sees counts only
REGION = REGION_ROLES  # region roles: bureau tables without names
BUREAU = BUREAU_ROLES
STATION = STATION_ROLES
BUREAU_AND_HEAD = BUREAU | {HEAD}
EDITORS = BUREAU | STATION  # who registers people and records the work; supervisors read
PROVINCE_AND_CITY = frozenset({PROVINCE, CITY})
WRITERS = (BUREAU - {PROVINCE}) | STATION  # bulletin articles, for their own city

# Object rules. SCOPE: the object lies in the user's scope. SHARED: no object (catalogues, settings).
SCOPE, SHARED = "scope", "shared"
HOLDER = "holder"  # goods: a station's holding by its own staff, a city's or county's by its bureau
VISIT_AUTHOR = "visit_author"  # its author within days of the visit, or the head of its station any time
OWN_CITY = "own_city"  # the city the user's unit belongs to (a bulletin is a city's)
ARTICLE_EDITOR = "article_editor"  # the city's bureau, or the writing unit while the article is its own
ARTICLE_UNIT = "article_unit"  # the unit that wrote the article (not the city's bureau itself)
REGION_RECORD = "region_record"  # a volunteer or partner of the user's own region or station, not one above
RULE_LABELS = {  # as `shuangbai permissions` says them
    SCOPE: "在其管辖范围内",
    SHARED: "全局目录",
    HOLDER: "本单位持有的物资",
    VISIT_AUTHOR: "本人记录且7天内，或本站站长",
    OWN_CITY: "本市",
    ARTICLE_EDITOR: "市民政局，或未报送的本单位稿件",
    ARTICLE_UNIT: "本单位的稿件",
    REGION_RECORD: "本区域登记的",
}


@dataclass(frozen=True)
class Permission:
    name: str
    label: str  # what the permission allows, as users say it
    roles: frozenset[str]
    rule: str = SCOPE
    seen_with: str | None = None  # the read permission behind the page; None: this is a read permission


def _table(*permissions: Permission) -> dict[str, Permission]:
    table = {p.name: p for p in permissions}
    assert len(table) == len(permissions), "a permission is named twice"
    for p in permissions:
        assert p.seen_with is None or table[p.seen_with].seen_with is None, f"{p.name}: gate must be a read"
    return table


PERMISSIONS: dict[str, Permission] = _table(
    # -- the organisation
    Permission("region.view", "查看区划", ALL),
    Permission("station.view", "查看社工站（点）", ALL),
    Permission("station.manage", "新建、修改、撤销社工站（点）", BUREAU, seen_with="station.view"),
    Permission("equipment.record", "登记设备设施清单", BUREAU_AND_HEAD, seen_with="station.view"),
    Permission("progress.view", "查看建设进度一览表", REGION),
    Permission("progress.report", "登记建设推进情况", BUREAU, seen_with="progress.view"),
    Permission("figures.view", "查看工作数据", ALL),
    Permission("staff.view", "查看社工与督导", PERSONAL),
    Permission("staff.manage", "登记、修改、调动社工与督导，办理离职", BUREAU, seen_with="staff.view"),
    Permission("staff.cover", "安排、结束兼任", BUREAU_AND_HEAD, seen_with="staff.view"),
    Permission("training.view", "查看培训记录", PERSONAL),
    Permission("training.record", "登记、修改培训", BUREAU_AND_HEAD, seen_with="training.view"),
    Permission("recruitment.view", "查看招聘情况", REGION),
    Permission("recruitment.view_names", "查看报名人员名单", BUREAU),
    Permission(
        "recruitment.manage",
        "组织招聘（名额、报名、成绩）",
        PROVINCE_AND_CITY,
        seen_with="recruitment.view_names",
    ),
    Permission("recruitment.hire", "录用报名人员", BUREAU, seen_with="recruitment.view_names"),
    Permission("audit.view", "查看审计日志", BUREAU),
    Permission("account.unlock", "解除本地区账号的登录锁定", BUREAU, seen_with="audit.view"),
    # -- the people served
    Permission("beneficiary.view", "查看服务对象", PERSONAL),
    Permission("beneficiary.stats", "查看服务对象统计", ALL),
    Permission(
        "beneficiary.edit", "登记、修改服务对象（退出、恢复、合并）", EDITORS, seen_with="beneficiary.view"
    ),
    Permission("beneficiary.reveal_id", "查看完整身份证号", BUREAU_AND_HEAD, seen_with="beneficiary.view"),
    Permission("beneficiary.import", "导入台账", BUREAU_AND_HEAD, seen_with="beneficiary.view"),
    Permission("catalogue.view", "查看目录", ALL, rule=SHARED),
    Permission(
        "catalogue.manage",
        "维护目录（服务对象类别、协作机构、资源链接类型、督导检查项目）",
        PROVINCE_AND_CITY,
        rule=SHARED,
        seen_with="catalogue.view",
    ),
    # -- the work
    Permission("visit.view", "查看走访记录", PERSONAL),
    Permission("visit.record", "记录走访", EDITORS, seen_with="visit.view"),
    Permission("visit.amend", "修改走访记录", EDITORS, rule=VISIT_AUTHOR, seen_with="visit.view"),
    Permission("follow_up_level.view", "查看跟进级别", ALL),
    Permission(
        "follow_up_level.edit", "设置四级跟进的走访间隔", PROVINCE_AND_CITY, seen_with="follow_up_level.view"
    ),
    Permission("coverage.view", "查看入户率与服务覆盖率", ALL),
    # the service map: where the stations and points are, and each town's counts, for everyone; where the
    # households are (a person's home), for those who serve or oversee them: not the province, nor the viewer
    Permission("map.view", "查看服务地图（社工站、点的分布与各镇（街）的户数）", ALL),
    Permission("map.households", "在服务地图上查看本站服务对象的户", PERSONAL - {PROVINCE}),
    Permission("dashboard.view", "查看数据看板与数据大屏", REGION),
    # the province monitors counts: the people behind them are the city's and the county's to see
    Permission("dashboard.view_names", "查看数据看板“需要关注”的人员名单", BUREAU - {PROVINCE}),
    Permission("case.view", "查看个案与转介", PERSONAL),
    Permission("case.work", "开案、个案工作与转介", STATION, seen_with="case.view"),
    Permission("case.review", "记录个案督导意见", frozenset({SUPERVISOR}), seen_with="case.view"),
    Permission("assistance.view", "查看资源链接与物资发放名单", PERSONAL),
    Permission("assistance.record", "登记资源链接、更新办理进展", EDITORS, seen_with="assistance.view"),
    Permission("batch.view", "查看物资批次（数量与库存）", ALL),
    Permission("batch.receive", "登记接收的物资", BUREAU_AND_HEAD, seen_with="assistance.view"),
    Permission("batch.allocate", "向下调拨物资", BUREAU, rule=HOLDER, seen_with="assistance.view"),
    Permission("batch.hand_out", "向服务对象发放物资", STATION, rule=HOLDER, seen_with="assistance.view"),
    Permission("batch.return", "向上退回物资", BUREAU | STATION, rule=HOLDER, seen_with="assistance.view"),
    Permission("activity.list", "查看社区活动（不含姓名）", ALL),
    Permission("activity.view", "查看活动详情、志愿者与合作单位", PERSONAL),
    Permission("activity.record", "记录、修改社区活动", EDITORS, seen_with="activity.view"),
    Permission(
        "volunteer.edit", "登记、修改志愿者与合作单位", EDITORS, rule=REGION_RECORD, seen_with="activity.view"
    ),
    # -- the management
    Permission("inspection.view", "查看督导检查与监测评估", PERSONAL),
    Permission("inspection.record", "记录督导检查", BUREAU | {SUPERVISOR}, seen_with="inspection.view"),
    Permission(
        "recommendation.follow_up",
        "标记整改意见已完成",
        BUREAU_AND_HEAD | {SUPERVISOR},
        seen_with="inspection.view",
    ),
    # -- the output
    Permission("bulletin.view", "查看工作简报", ALL),
    Permission(
        "bulletin.manage",
        "编辑本市简报（新建、报头、导入、排版、插表）",
        frozenset({CITY}),
        rule=OWN_CITY,
        seen_with="bulletin.view",
    ),
    Permission("bulletin.publish", "发布简报", frozenset({CITY}), rule=OWN_CITY, seen_with="bulletin.view"),
    Permission("article.view", "查看稿件", ALL),
    Permission("article.write", "为本市简报撰写稿件", WRITERS, rule=OWN_CITY, seen_with="bulletin.view"),
    Permission("article.edit", "修改稿件及其照片", WRITERS, rule=ARTICLE_EDITOR, seen_with="article.view"),
    Permission("article.submit", "报送稿件", WRITERS, rule=ARTICLE_UNIT, seen_with="article.view"),
    Permission(
        "article.review",
        "采用、退回、移出、排序稿件",
        frozenset({CITY}),
        rule=OWN_CITY,
        seen_with="article.view",
    ),
)


# ---------------------------------------------------------------------------------------------- object rules

Rule = Callable[["User", Any], bool]


def in_scope(user: User, obj: models.Model) -> bool:
    """The record lies in the user's scope, by the same rule as its queryset's visible_to (no query where the
    rule is the plain one of region code and station)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    queryset = type(obj)._default_manager.all()
    if not isinstance(queryset, ScopedQuerySet):
        return True  # reference data
    own_rule = any(
        "visible_to" in vars(cls)
        for cls in type(queryset).__mro__
        if cls is not ScopedQuerySet and issubclass(cls, ScopedQuerySet)
    )
    if own_rule:
        return queryset.visible_to(user).filter(pk=obj.pk).exists()
    station_field = queryset.scope_station_field
    if scope.station_ids is not None and station_field:
        return getattr(obj, "pk" if station_field == "id" else station_field) in scope.station_ids
    return scope.covers_code(getattr(obj, queryset.scope_region_field))


RULES: dict[str, Rule] = {
    SCOPE: in_scope,
    SHARED: lambda user, obj: True,
}


def register_rule(name: str, rule: Rule) -> Rule:
    """An app's object rule (from its AppConfig.ready()); the rule is asked after the role matched."""
    RULES[name] = rule
    return rule


# ---------------------------------------------------------------------------------------------- asking


def has_perm(user: User, name: str, obj: Any = None) -> bool:
    """Whether `user` holds the permission, on `obj` when one is given (its rule then applies)."""
    permission = PERMISSIONS[name]
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role not in permission.roles:
        return False
    if obj is None:
        return True
    rule = RULES.get(permission.rule)
    return rule is not None and rule(user, obj)


def require(actor: User, name: str, obj: Any = None) -> None:
    """For services: refuse (PermissionDenied) unless the actor holds the permission on `obj`."""
    if not has_perm(actor, name, obj):
        raise PermissionDenied


def hidden_from(user: User, name: str) -> bool:
    """The page of this permission is not to be confirmed to the user (404 rather than 403)."""
    gate = PERMISSIONS[name].seen_with or name
    return not has_perm(user, gate)


def require_page(user: User, name: str, obj: Any = None) -> None:
    """For views: 404 when the user may not even see such a page, 403 when they see it but may not do this."""
    if has_perm(user, name, obj):
        return
    if hidden_from(user, name):
        raise Http404
    raise PermissionDenied


def requires(name: str):
    """View decorator: the role must hold the permission (objects are checked in the view, after look-up)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_page(request.user, name)
            return view(request, *args, **kwargs)

        wrapped.permission = name  # read by the access matrix and the menus
        return wrapped

    return decorator


def permissions_of(user: User) -> frozenset[str]:
    """Every permission the user's role holds (object rules aside): for menus and templates."""
    return frozenset(name for name in PERMISSIONS if has_perm(user, name))
