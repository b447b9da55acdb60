"""Home visits (入户走访), the four-level follow-up schedule (四级跟进) and the follow-up summary.

A visit is to a household: the ledgers count visits per household, and one home visit counts for every member
of the household who is in the register on that day (入户以户计). Who was actually met is recorded too.
The visit carries the household's `region_code` and station, so every scope and coverage question is one
indexed range, never a join up the tree.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from shuangbai.core.crypto import EncryptedTextField
from shuangbai.core.photos import StoredPhoto
from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, child_of
from shuangbai.core.validators import gps_constraint
from shuangbai.core.versioning import VersionedModel
from shuangbai.registry.models import FOLLOW_UP_LEVELS, RiskLevel

# The schedule a city starts with: level -> (name, days between home visits). Level 1 every 3 days is
# "twice a week", as 河口街道 visits its 45 civil-affairs households.
DEFAULT_LEVELS = {
    1: ("一级（每周两次）", 3),
    2: ("二级（每周）", 7),
    3: ("三级（每月）", 30),
    4: ("四级（每季度）", 90),
}
MAX_INTERVAL_DAYS = 366


class FollowUpLevelQuerySet(ScopedQuerySet):
    guarded = False  # a city's schedule: settings everyone in the city reads, not records of people
    scope_region_field = "city_code"
    scope_station_field = None


class FollowUpLevel(VersionedModel):
    """One level of a city's follow-up schedule: its name and the days allowed between home visits."""

    city_code = models.CharField("所属市区划代码", max_length=12)
    level = models.PositiveSmallIntegerField("级别", choices=FOLLOW_UP_LEVELS)
    name = models.CharField("名称", max_length=30)
    interval_days = models.PositiveSmallIntegerField("走访间隔（天）")

    objects = FollowUpLevelQuerySet.as_manager()

    class Meta:
        verbose_name = "跟进级别"
        verbose_name_plural = "跟进级别"
        ordering = ["city_code", "level"]
        constraints = [
            models.UniqueConstraint(fields=["city_code", "level"], name="follow_up_level_once_per_city"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=4), name="follow_up_level_1_4"),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1, interval_days__lte=MAX_INTERVAL_DAYS),
                name="follow_up_interval_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（每{self.interval_days}天）"


class VisitKind(models.TextChoices):
    HOME = "home", "入户走访"
    PHONE = "phone", "电话回访"
    VIDEO = "video", "视频回访"
    GROUP = "group", "集中走访"
    ESCORT = "escort", "陪同就医/办事"
    AT_STATION = "at_station", "来站（点）求助"
    OTHER = "other", "其他"


# Only a visit in the home counts for the home-visit rate and the follow-up schedule; every kind is a service.
HOME_KINDS = frozenset({VisitKind.HOME})


class MentalState(models.TextChoices):
    GOOD = "good", "良好"
    FAIR = "fair", "一般"
    LOW = "low", "情绪低落"
    ANXIOUS = "anxious", "焦虑/紧张"
    CONCERN = "concern", "异常，需关注"


class Hazard(models.TextChoices):
    FIRE = "fire", "用火隐患"
    ELECTRIC = "electric", "用电隐患"
    GAS = "gas", "燃气隐患"
    HOUSING = "housing", "房屋安全"
    FALL = "fall", "跌倒风险"
    HYGIENE = "hygiene", "卫生状况差"
    OTHER = "other", "其他隐患"


class Need(models.TextChoices):
    """The needs a visit can find; the assistance issue links them to help."""

    MEDICAL = "medical", "医疗"
    SUPPLIES = "supplies", "生活物资"
    POLICY = "policy", "政策咨询"
    COUNSELLING = "counselling", "心理疏导"
    CARE = "care", "照料"
    EMPLOYMENT = "employment", "就业"
    EDUCATION = "education", "教育"
    HOUSING = "housing", "住房安全"
    BENEFIT = "benefit", "救助申请"
    OTHER = "other", "其他"


class VisitQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def home(self):
        return self.filter(is_home=True)


class Visit(ScopedModel, VersionedModel):
    household = models.ForeignKey(
        "registry.Household", verbose_name="走访户", on_delete=models.PROTECT, related_name="visits"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="visits"
    )
    point = models.ForeignKey(
        "stations.Point",
        verbose_name="社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    visited_at = models.DateTimeField("走访时间")
    visited_on = models.DateField("走访日期", editable=False)  # local date of visited_at, for periods
    kind = models.CharField("走访方式", max_length=12, choices=VisitKind.choices, default=VisitKind.HOME)
    is_home = models.BooleanField("入户", editable=False)
    workers = models.ManyToManyField(
        "staff.Staff", verbose_name="走访社工", through="VisitWorker", related_name="visits"
    )
    met = models.ManyToManyField(
        "registry.Beneficiary", verbose_name="见到的服务对象", through="VisitPerson", related_name="visits"
    )
    met_others = models.CharField("见到的其他人", max_length=100, blank=True)
    health = EncryptedTextField("身体状况", blank=True)
    living = EncryptedTextField("生活状况", blank=True)
    mental_state = models.CharField("精神状态", max_length=10, choices=MentalState.choices, blank=True)
    mental_notes = EncryptedTextField("精神状态说明", blank=True)
    hazards = models.JSONField("安全隐患", default=list, blank=True)
    hazard_notes = models.CharField("隐患说明", max_length=200, blank=True)
    needs = models.JSONField("发现的需求", default=list, blank=True)
    actions = EncryptedTextField("跟进措施", blank=True)
    notes = EncryptedTextField("备注", blank=True)
    late_reason = models.CharField("补录原因", max_length=200, blank=True)
    # A change of risk or follow-up level decided at this visit, for one member, with its reason.
    changed_person = models.ForeignKey(
        "registry.Beneficiary",
        verbose_name="调整级别的对象",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="level_changes",
    )
    risk_before = models.CharField("原风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    risk_after = models.CharField("新风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    level_before = models.PositiveSmallIntegerField(
        "原跟进级别", choices=FOLLOW_UP_LEVELS, null=True, blank=True
    )
    level_after = models.PositiveSmallIntegerField(
        "新跟进级别", choices=FOLLOW_UP_LEVELS, null=True, blank=True
    )
    change_reason = models.CharField("调整原因", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy = models.PositiveIntegerField("定位精度（米）", null=True, blank=True)
    recorded_by = models.ForeignKey(
        "core.User",
        verbose_name="记录人",
        null=True,  # none for visits loaded from a ledger or by the demo
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The browser's id for one save of the form: a save repeated after a lost answer finds the visit it made.
    client_token = models.CharField(max_length=36, unique=True, null=True, blank=True, editable=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_at", "-id"]
        indexes = [
            # follow-up summary and a household's history
            models.Index(fields=["household", "is_home", "visited_on"], name="visit_household"),
            # coverage and lists over a region and period; household and is_home make it covering for the
            # station figures' counts of a county's year (read from the index alone, no row lookups)
            models.Index(
                fields=["region_code", "visited_on", "household", "is_home"], name="visit_region_day_home"
            ),
            models.Index(fields=["station", "visited_on"], name="visit_station_day"),
        ]
        constraints = [
            gps_constraint("visit_gps_valid"),
            models.CheckConstraint(
                condition=Q(changed_person__isnull=True) | ~Q(change_reason=""),
                name="visit_change_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("visits:detail", args=[self.pk])

    def get_hazards_display(self) -> list[str]:
        return [Hazard(code).label for code in self.hazards if code in Hazard.values]

    def get_needs_display(self) -> list[str]:
        return [Need(code).label for code in self.needs if code in Need.values]


class VisitWorker(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="worker_links")
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "走访社工"
        verbose_name_plural = "走访社工"
        constraints = [models.UniqueConstraint(fields=["visit", "staff"], name="visit_worker_once")]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.staff_id}"


class VisitPerson(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="person_links")
    beneficiary = models.ForeignKey("registry.Beneficiary", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "见到的服务对象"
        verbose_name_plural = "见到的服务对象"
        indexes = [models.Index(fields=["beneficiary"], name="visit_person_beneficiary")]

    def __str__(self) -> str:
        return f"{self.visit_id}:{self.beneficiary_id}"


class VisitRevision(ScopedModel, models.Model):
    """The visit as it was before an amendment; the snapshot is encrypted as the visit's health fields are."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版本")
    snapshot = EncryptedTextField("修改前内容")
    changed_by = models.ForeignKey(
        "core.User", verbose_name="修改人", on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)
    reason = models.CharField("修改原因", max_length=200, blank=True)

    objects = child_of("visit").as_manager()

    class Meta:
        verbose_name = "走访记录修改历史"
        verbose_name_plural = "走访记录修改历史"
        ordering = ["visit", "-version"]
        constraints = [models.UniqueConstraint(fields=["visit", "version"], name="visit_revision_once")]

    def __str__(self) -> str:
        return f"{self.visit_id} v{self.version}"


class VisitPhoto(ScopedModel, StoredPhoto):
    """A photo re-encoded without its metadata, stored encrypted under the instance folder."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")

    objects = child_of("visit").as_manager()

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"
        ordering = ["visit", "id"]

    def get_absolute_url(self) -> str:
        return reverse("visits:photo", args=[self.pk])


class FollowUpQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class FollowUp(ScopedModel, models.Model):
    """Summary: each household's last home visit, the date the follow-up schedule counts from. Kept by the
    visit services (`follow_up_refresh`), rebuilt whole by `follow_up_rebuild`, and tested equal to the
    visits themselves. A household without a row has never been visited at home."""

    household = models.OneToOneField(
        "registry.Household", primary_key=True, on_delete=models.CASCADE, related_name="follow_up"
    )
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12)
    last_home_visit_on = models.DateField("最近入户日期")

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = "跟进汇总"
        verbose_name_plural = "跟进汇总"
        indexes = [models.Index(fields=["station", "last_home_visit_on"], name="follow_up_station")]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.last_home_visit_on}"


class VisitMonthQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class VisitMonth(ScopedModel, models.Model):
    """Summary: a household's visits in one calendar month (how many, how many at home, the first and last
    home-visit day). Coverage over whole months asks it which households were visited, as one set, instead of
    asking the visits person by person. Kept by the visit services with `FollowUp`, rebuilt by
    `follow_up_rebuild`, and tested equal to the visits themselves."""

    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # its first day
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12)
    visits = models.PositiveIntegerField("走访次数")
    home_visits = models.PositiveIntegerField("入户次数")
    first_home_on = models.DateField("当月首次入户", null=True, blank=True)
    last_home_on = models.DateField("当月最近入户", null=True, blank=True)

    objects = VisitMonthQuerySet.as_manager()

    class Meta:
        verbose_name = "月度走访汇总"
        verbose_name_plural = "月度走访汇总"
        constraints = [models.UniqueConstraint(fields=["household", "month"], name="visit_month_once")]
        # covering: coverage reads the households of a region's months, at home or not, from the index alone
        indexes = [
            models.Index(
                fields=["month", "region_code", "household", "home_visits", "last_home_on"],
                name="visit_month_region",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m}"
