from django.db import models
from django.urls import reverse

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet
from shuangbai.core.versioning import RetirableModel


class SiteStatus(models.TextChoices):
    PLANNED = "planned", "计划建设"
    BUILT = "built", "已建成"
    OPERATING = "operating", "运营中"
    SUSPENDED = "suspended", "暂停"


class Site(ScopedModel, RetirableModel):
    """What a station and a service point share: a place with an address, a phone and a status."""

    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=SiteStatus.choices, default=SiteStatus.PLANNED)
    # Construction, as the progress table counts it: dated, so the table of any day can be answered.
    planned_year = models.PositiveSmallIntegerField("应建年度", null=True, blank=True)
    built_on = models.DateField("建成日期", null=True, blank=True)
    office_secured_on = models.DateField("落实办公场所日期", null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class StationQuerySet(ScopedQuerySet):
    scope_station_field = "id"

    def active(self):
        return self.filter(retired_on__isnull=True)


class Station(Site):
    """社工站: the social-work station of one town or street."""

    town = models.ForeignKey(
        "regions.Region", verbose_name="所在镇（街）", on_delete=models.PROTECT, related_name="stations"
    )

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = "社工站"
        verbose_name_plural = "社工站"
        ordering = ["region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=models.Q(retired_on__isnull=True),
                name="one_active_station_per_town",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[choice.value for choice in SiteStatus]),
                name="station_status_valid",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("stations:detail", args=[self.pk])

    @property
    def county_code(self) -> str:
        return self.region_code[:6]


class PointQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def active(self):
        return self.filter(retired_on__isnull=True)


class Point(Site):
    """社工点: a service point of a station, in a village or community."""

    station = models.ForeignKey(
        Station, verbose_name="所属社工站", on_delete=models.PROTECT, related_name="points"
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name="所在村（居）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
    )
    # The people of the village it serves (户籍人口): what a station's service area covers (seed 001: 河口街道
    # 共覆盖4条自然村963人).
    population = models.PositiveIntegerField("服务村（居）人口", null=True, blank=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = "社工点"
        verbose_name_plural = "社工点"
        ordering = ["region_code", "name"]
        indexes = [models.Index(fields=["station", "retired_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[choice.value for choice in SiteStatus]),
                name="point_status_valid",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("stations:point", args=[self.pk])


# ------------------------------------------------------------------------------------------ construction


class EquipmentItem(models.TextChoices):
    """The eight items of the progress table's note 1, in its order."""

    DESKS = "desks", "办公桌椅"
    AIR_CONDITIONER = "air_conditioner", "空调"
    COMPUTER = "computer", "电脑"
    PRINTER = "printer", "打印机"
    TELEPHONE = "telephone", "电话"
    FILING_CABINET = "filing_cabinet", "档案柜"
    STATIONERY = "stationery", "办公文具"
    FIRE_SAFETY = "fire_safety", "消防设施"


class EquipmentStatus(models.TextChoices):
    """Ordered best to worst: a county shows the worst of its sites."""

    FULL = "full", "全部配备"
    BASIC = "basic", "基本配备"
    INCOMPLETE = "incomplete", "未配备齐全"


def equipment_status(missing: int) -> EquipmentStatus:
    """The table's own rule: all 8 items, one or two missing, three or more missing."""
    if missing <= 0:
        return EquipmentStatus.FULL
    if missing <= 2:
        return EquipmentStatus.BASIC
    return EquipmentStatus.INCOMPLETE


class EquipmentRecordQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class EquipmentRecord(ScopedModel, models.Model):
    """A site's equipment checklist as it stood from `effective_on`. A change appends a record, never edits
    one, so the table of an earlier date reads the checklist in force that day. `point` empty: the station's
    own office."""

    station = models.ForeignKey(
        Station, verbose_name="社工站", on_delete=models.PROTECT, related_name="equipment_records"
    )
    point = models.ForeignKey(
        Point,
        verbose_name="社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment_records",
    )
    items = models.JSONField("已配备项目", default=list)
    missing = models.PositiveSmallIntegerField("缺少项数", editable=False)
    effective_on = models.DateField("生效日期")
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = EquipmentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "设备设施记录"
        verbose_name_plural = "设备设施记录"
        ordering = ["station", "point", "effective_on", "id"]
        indexes = [models.Index(fields=["station", "point", "effective_on"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(missing__lte=8), name="equipment_missing_at_most_8"),
        ]

    def __str__(self) -> str:
        return f"{self.point or self.station} {self.effective_on}"

    @property
    def status(self) -> EquipmentStatus:
        return equipment_status(self.missing)


class ProgressReportQuerySet(ScopedQuerySet):
    scope_station_field = None


class ProgressReport(ScopedModel, models.Model):
    """What a county (or the city level itself) has in place for the programme, from `effective_on`:
    plan issued, mechanisms, funding. Appended, never edited: the record in force on a date answers for it."""

    region = models.ForeignKey(
        "regions.Region", verbose_name="县（市、区）或市本级", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    effective_on = models.DateField("生效日期")
    plan_issued = models.BooleanField("已出台实施方案", default=False)
    plan_issued_on = models.DateField("方案出台日期", null=True, blank=True)
    plan_document = models.CharField("方案文件", max_length=200, blank=True)
    coordination = models.BooleanField("已建立工作协调机制", default=False)
    management = models.BooleanField("已建立站点管理机制", default=False)
    funding_requested = models.BooleanField("已申请经费", default=False)
    funding_approved = models.BooleanField("经费已批复", default=False)
    funding_amount = models.DecimalField(
        "经费数额（万元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    funding_note = models.CharField("落实经费情况", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "建设推进情况"
        verbose_name_plural = "建设推进情况"
        ordering = ["region_code", "effective_on", "id"]
        indexes = [models.Index(fields=["region_code", "effective_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan_issued=True) | models.Q(plan_issued_on__isnull=True),
                name="progress_plan_date_only_when_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(funding_requested=True) | models.Q(funding_approved=False),
                name="progress_approved_only_when_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.effective_on}"
