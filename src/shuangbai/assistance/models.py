"""Resource linking (资源链接) and in-kind distribution (物资发放).

Assistance: a benefit or help linked to a beneficiary (and so to their household), of a type from a shared
catalogue, from one of the five parties of 五社联动. Its status moves along a fixed flow, each change a dated
`AssistanceStep` row that carries the person's place, so "people helped to apply for X in a period" is one
grouped query over the steps, never a tally kept by hand.

Distribution: a `Batch` of goods received by a holder (the city bureau, a county bureau or a station),
allocated down the region tree, handed to beneficiaries one by one, returned one level up. Every holder of a
batch has one `Holding` row (the row a movement locks); its stock is computed from the movements
(`stock_of`), never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, child_of, scope_of
from shuangbai.core.versioning import VersionedModel


class AssistanceType(models.Model):
    """One entry of the catalogue (残疾人补贴, 高龄津贴, 救助金 ...). Shared by every region; the province and
    city bureaus add and deactivate entries; an entry once used is never deleted."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    unit = models.CharField("计量单位", max_length=10, blank=True, help_text="金额填“元”，物资填“份”“件”等")
    is_application = models.BooleanField(
        "需申请审批",
        default=True,
        help_text="需向主管部门申请审批的待遇（如残疾人补贴），统计为“协助申请”；其余统计为“链接”。",
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "资源链接类型"
        verbose_name_plural = "资源链接类型"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def figure_label(self) -> str:
        return f"{'协助申请' if self.is_application else '链接'}{self.name}"


class Party(models.TextChoices):
    """The five parties of 五社联动 a resource can come from."""

    GOVERNMENT = "government", "政府部门"
    ENTERPRISE = "enterprise", "企业"
    CHARITY = "charity", "慈善组织"
    VOLUNTEER = "volunteer", "志愿者"
    COMMUNITY = "community", "社区"


class AssistanceStatus(models.TextChoices):
    CONSULT = "consult", "咨询"
    APPLYING = "applying", "协助申请"
    SUBMITTED = "submitted", "已提交"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "未通过"
    DELIVERED = "delivered", "已发放"


# The flow: where each status may go next. 未通过 is final; 已发放 is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AssistanceStatus.CONSULT: (AssistanceStatus.APPLYING,),
    AssistanceStatus.APPLYING: (AssistanceStatus.SUBMITTED,),
    AssistanceStatus.SUBMITTED: (AssistanceStatus.APPROVED, AssistanceStatus.REJECTED),
    AssistanceStatus.APPROVED: (AssistanceStatus.DELIVERED,),
    AssistanceStatus.REJECTED: (),
    AssistanceStatus.DELIVERED: (),
}
# A record starts at 咨询 or 协助申请; help that needs no application (a cash gift, goods) may start 已发放.
START_STATUSES = (AssistanceStatus.CONSULT, AssistanceStatus.APPLYING)
DIRECT_START = AssistanceStatus.DELIVERED
# "Helped to apply" / "linked": the person reached 协助申请 or beyond.
REACHED = (
    AssistanceStatus.APPLYING,
    AssistanceStatus.SUBMITTED,
    AssistanceStatus.APPROVED,
    AssistanceStatus.REJECTED,
    AssistanceStatus.DELIVERED,
)


class AssistanceQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Assistance(ScopedModel, VersionedModel):
    beneficiary = models.ForeignKey(
        "registry.Beneficiary", verbose_name="服务对象", on_delete=models.PROTECT, related_name="assistance"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name="所在户", on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    type = models.ForeignKey(AssistanceType, verbose_name="类型", on_delete=models.PROTECT, related_name="+")
    party = models.CharField("资源来源", max_length=12, choices=Party.choices)
    giver = models.CharField("提供方", max_length=100, blank=True, help_text="如：区残联、翔顺金水台温泉小镇")
    status = models.CharField("状态", max_length=10, choices=AssistanceStatus.choices)
    status_on = models.DateField("状态日期")
    started_on = models.DateField("开始日期")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField("数量", null=True, blank=True)
    notes = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssistanceQuerySet.as_manager()

    class Meta:
        verbose_name = "资源链接"
        verbose_name_plural = "资源链接"
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["beneficiary", "started_on"], name="assistance_person"),
            models.Index(fields=["station", "status"], name="assistance_station"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssistanceStatus.values), name="assistance_status_valid"
            ),
            models.CheckConstraint(condition=Q(party__in=Party.values), name="assistance_party_valid"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="assistance_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status_on__gte=F("started_on")), name="assistance_status_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type.name}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("assistance:detail", args=[self.pk])

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(code, AssistanceStatus(code).label) for code in TRANSITIONS[self.status]]


class AssistanceStepQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class AssistanceStep(ScopedModel, models.Model):
    """One dated status of an assistance record (its history). Carries the person, household, type and place
    of its record so the figures and the coverage read the steps alone."""

    assistance = models.ForeignKey(Assistance, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField("状态", max_length=10, choices=AssistanceStatus.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    beneficiary = models.ForeignKey("registry.Beneficiary", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(AssistanceType, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = AssistanceStepQuerySet.as_manager()

    class Meta:
        verbose_name = "资源链接进展"
        verbose_name_plural = "资源链接进展"
        ordering = ["assistance", "on", "id"]
        indexes = [
            models.Index(fields=["region_code", "on", "type"], name="assistance_step_region"),
            models.Index(fields=["beneficiary", "on"], name="assistance_step_person"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assistance", "status"], name="assistance_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_status_display()}"


# ---------------------------------------------------------------------------------------------- distribution


class HolderLevel(models.TextChoices):
    CITY = "city", "市民政局"
    COUNTY = "county", "县（市、区）民政局"
    STATION = "station", "社工站"


LEVEL_RANK = {HolderLevel.CITY: 0, HolderLevel.COUNTY: 1, HolderLevel.STATION: 2}


class BatchQuerySet(ScopedQuerySet):
    """A batch is visible to whoever can see one of its holders: a station sees the city's batch it was
    allocated from, a county bureau the batches of its county and stations."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        return self.filter(
            models.Exists(Holding.objects.visible_to(user).filter(batch=models.OuterRef("pk")))
        )


class Batch(ScopedModel, models.Model):
    item = models.CharField("物资名称", max_length=40, help_text="如：健康包、棉被、棉衣")
    unit = models.CharField("单位", max_length=6, help_text="如：份、床、件")
    quantity = models.PositiveIntegerField("数量")
    party = models.CharField("来源", max_length=12, choices=Party.choices)
    donor = models.CharField("捐赠/下发单位", max_length=100, blank=True)
    received_on = models.DateField("接收日期")
    level = models.CharField("接收层级", max_length=8, choices=HolderLevel.choices)
    region_code = models.CharField("接收单位区划代码", max_length=12)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="接收社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_category = models.ForeignKey(
        "registry.Category",
        verbose_name="发放对象类别",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="如：特困人员（分散供养）。填写后可查看该类别尚未领取的对象。",
    )
    notes = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = "物资批次"
        verbose_name_plural = "物资批次"
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="batch_quantity_positive"),
            models.CheckConstraint(condition=Q(party__in=Party.values), name="batch_party_valid"),
            models.CheckConstraint(
                condition=Q(level="station", station__isnull=False)
                | Q(~Q(level="station"), station__isnull=True),
                name="batch_station_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}{self.quantity}{self.unit}（{self.received_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("assistance:batch", args=[self.pk])


class HoldingQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Holding(ScopedModel, models.Model):
    """One holder of one batch: the receiving holder (no parent) or a child it allocated to. The row every
    movement out of the holder locks (select_for_update) before reading its stock, so two hand-outs at once
    cannot both spend the last pack."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="holdings")
    level = models.CharField("层级", max_length=8, choices=HolderLevel.choices)
    region_code = models.CharField(
        "区划代码", max_length=12
    )  # the city's or county's node; the station's code
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField("持有单位", max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    objects = HoldingQuerySet.as_manager()

    class Meta:
        verbose_name = "物资持有"
        verbose_name_plural = "物资持有"
        ordering = ["batch", "region_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "region_code", "level"], name="holding_once_per_batch"),
            models.CheckConstraint(
                condition=Q(level="station", station__isnull=False)
                | Q(~Q(level="station"), station__isnull=True),
                name="holding_station_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(ScopedModel, models.Model):
    """Goods passed from a holder to a holder below it."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="allocations")
    source = models.ForeignKey(
        Holding, verbose_name="调出单位", on_delete=models.PROTECT, related_name="allocated_out"
    )
    target = models.ForeignKey(
        Holding, verbose_name="调入单位", on_delete=models.PROTECT, related_name="allocated_in"
    )
    quantity = models.PositiveIntegerField("数量")
    on = models.DateField("调拨日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = child_of("target").as_manager()

    class Meta:
        verbose_name = "物资调拨"
        verbose_name_plural = "物资调拨"
        ordering = ["on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="allocation_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.source}→{self.target} {self.quantity}"


class Return(ScopedModel, models.Model):
    """Goods sent back from a holder to the holder that allocated them (one level up)."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="returns")
    source = models.ForeignKey(
        Holding, verbose_name="退回单位", on_delete=models.PROTECT, related_name="returned_out"
    )
    target = models.ForeignKey(
        Holding, verbose_name="退至单位", on_delete=models.PROTECT, related_name="returned_in"
    )
    quantity = models.PositiveIntegerField("数量")
    on = models.DateField("退回日期")
    reason = models.CharField("退回原因", max_length=200)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = child_of("source").as_manager()

    class Meta:
        verbose_name = "物资退回"
        verbose_name_plural = "物资退回"
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.source}→{self.target} {self.quantity}"


class HandOutQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class HandOut(ScopedModel, models.Model):
    """Goods handed to one beneficiary at a station; or, for people not on the register (a village committee's
    signed list), to `households` households named only in the note."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="hand_outs")
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="hand_outs")
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(
        "所属区划代码", max_length=12
    )  # the beneficiary's village, else the station's
    beneficiary = models.ForeignKey(
        "registry.Beneficiary",
        verbose_name="领取人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hand_outs",
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    households = models.PositiveIntegerField("户数", default=1)
    quantity = models.PositiveIntegerField("数量", default=1)
    handed_on = models.DateField("发放日期")
    worker = models.ForeignKey(
        "staff.Staff",
        verbose_name="发放社工",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("签收说明", max_length=200, blank=True, help_text="如：本人签收、家属代签")
    photo_path = models.CharField(max_length=200, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = HandOutQuerySet.as_manager()

    class Meta:
        verbose_name = "物资发放"
        verbose_name_plural = "物资发放"
        ordering = ["-handed_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "handed_on"], name="hand_out_region_day"),
            models.Index(fields=["beneficiary", "handed_on"], name="hand_out_person"),
            models.Index(fields=["batch", "beneficiary"], name="hand_out_batch_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="hand_out_quantity_positive"),
            models.CheckConstraint(
                condition=Q(beneficiary__isnull=False, household__isnull=False, households=1)
                | Q(beneficiary__isnull=True, household__isnull=True, households__gt=0) & ~Q(note=""),
                name="hand_out_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handed_on:%Y-%m-%d} {self.batch.item}{self.quantity}{self.batch.unit}"

    def get_photo_url(self) -> str:
        return reverse("assistance:hand_out_photo", args=[self.pk]) if self.photo_path else ""
