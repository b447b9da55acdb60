"""Households and beneficiaries (建档立卡), the category catalogue, and import runs.

Every large table carries `region_code` (the 12-digit code of the village it belongs to) and the station, so
scoping is one indexed filter and a county's rows never need another county's to answer a question.
The ID number is stored only encrypted; `id_hash` (keyed HMAC) finds and de-duplicates it, `id_masked` and
`id_tail` are what lists show and search, so a list never decrypts anything.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.crypto import EncryptedTextField
from shuangbai.core.scoping import ScopedModel, ScopedQuerySet
from shuangbai.core.validators import gps_constraint
from shuangbai.core.versioning import VersionedModel
from shuangbai.staff.models import Gender  # one gender code list for staff and beneficiaries


class Umbrella(models.TextChoices):
    HARDSHIP = "hardship", "困难群众"
    SPECIAL = "special", "特殊群体"


class Category(VersionedModel):
    """An entry of the catalogue (低保, 特困（分散供养）, 独居老人 ...), kept by the city bureau. Retired, never
    deleted, so old registrations keep their meaning."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    umbrella = models.CharField("归类", max_length=10, choices=Umbrella.choices)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)
    health_watch = models.BooleanField(
        "纳入健康监测",
        default=False,
        help_text="此类别的服务对象列入健康监测名单（如独居、失能、重度残疾）。",
    )

    class Meta:
        verbose_name = "服务对象类别"
        verbose_name_plural = "服务对象类别"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(umbrella__in=[c.value for c in Umbrella]), name="category_umbrella_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class NoIdReason(models.TextChoices):
    NO_HUKOU = "no_hukou", "无户籍"
    REFUSED = "refused", "拒绝提供"
    OTHER = "other", "其他"


class DisabilityType(models.TextChoices):
    VISION = "vision", "视力残疾"
    HEARING = "hearing", "听力残疾"
    SPEECH = "speech", "言语残疾"
    PHYSICAL = "physical", "肢体残疾"
    INTELLECTUAL = "intellectual", "智力残疾"
    MENTAL = "mental", "精神残疾"
    MULTIPLE = "multiple", "多重残疾"


DISABILITY_GRADES = [(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]


class LivingSituation(models.TextChoices):
    ALONE = "alone", "独居"
    EMPTY_NEST = "empty_nest", "空巢"
    LEFT_BEHIND = "left_behind", "留守"
    WITH_FAMILY = "with_family", "与家人同住"
    INSTITUTION = "institution", "集中供养/机构"


class RiskLevel(models.TextChoices):
    LOW = "low", "低"
    MEDIUM = "medium", "中"
    HIGH = "high", "高"


FOLLOW_UP_LEVELS = [(1, "一级"), (2, "二级"), (3, "三级"), (4, "四级")]


class Status(models.TextChoices):
    ACTIVE = "active", "在册"
    EXITED = "exited", "退出"


class ExitReason(models.TextChoices):
    DEATH = "death", "死亡"
    MOVED_OUT = "moved_out", "迁出"
    INELIGIBLE = "ineligible", "不再符合"
    OTHER = "other", "其他"


class HouseholdQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


def household_place(village: str, address: str) -> str:
    """Where a household lives, as shown: village and address, without the village twice when the ledger's
    address already names it (大甲村87号, not 大甲村大甲村87号)."""
    address = address.strip()
    return address if village in address else f"{village}{address}"


class Household(ScopedModel, VersionedModel):
    """户: the people of one address, one of them the head (户主)."""

    village = models.ForeignKey(
        "regions.Region", verbose_name="所在村（居）", on_delete=models.PROTECT, related_name="households"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="households"
    )
    point = models.ForeignKey(
        "stations.Point",
        verbose_name="社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField("住址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField("备注", blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = "户"
        verbose_name_plural = "户"
        ordering = ["region_code", "id"]
        indexes = [
            models.Index(fields=["station", "region_code"]),
            models.Index(fields=["region_code"]),
        ]
        constraints = [gps_constraint("household_gps_valid")]

    def __str__(self) -> str:
        return self.place

    @property
    def place(self) -> str:
        return household_place(self.village.name, self.address)

    def get_absolute_url(self) -> str:
        return reverse("registry:household", args=[self.pk])


class BeneficiaryQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def current(self):
        """Not merged into another record (a merged record stays only as history)."""
        return self.filter(merged_into__isnull=True)

    def active(self):
        return self.current().filter(status=Status.ACTIVE)


class Beneficiary(ScopedModel, VersionedModel):
    """服务对象: a registered person, in one household, at one station (and the point of their village)."""

    household = models.ForeignKey(
        Household, verbose_name="所在户", on_delete=models.PROTECT, related_name="members"
    )
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices, default=Relation.HEAD)
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号", blank=True)
    id_hash = models.CharField("身份证号索引", max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, blank=True, editable=False)
    id_tail = models.CharField("身份证号后四位", max_length=4, blank=True, editable=False)
    no_id_reason = models.CharField("无身份证号原因", max_length=10, choices=NoIdReason.choices, blank=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=30, blank=True)
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="beneficiaries"
    )
    point = models.ForeignKey(
        "stations.Point",
        verbose_name="社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    categories = models.ManyToManyField(
        Category, verbose_name="类别", through="BeneficiaryCategory", related_name="beneficiaries"
    )
    disability_type = models.CharField("残疾类别", max_length=12, choices=DisabilityType.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        "残疾等级", choices=DISABILITY_GRADES, null=True, blank=True
    )
    living_situation = models.CharField(
        "居住状况", max_length=12, choices=LivingSituation.choices, default=LivingSituation.WITH_FAMILY
    )
    guardian_name = models.CharField("监护人/紧急联系人", max_length=50, blank=True)
    guardian_relation = models.CharField("与本人关系", max_length=20, blank=True)
    guardian_phone = models.CharField("联系人电话", max_length=30, blank=True)
    health_notes = EncryptedTextField("健康状况", blank=True)
    # Whether any of the person's categories is under each umbrella: copied from the links by
    # `umbrellas_refresh` (and by the bulk writers), so coverage splits a city's people without a look-up each.
    in_hardship = models.BooleanField("属困难群众", default=False, editable=False)
    in_special = models.BooleanField("属特殊群体", default=False, editable=False)
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW)
    follow_up_level = models.PositiveSmallIntegerField("跟进级别", choices=FOLLOW_UP_LEVELS, default=3)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    exit_reason = models.CharField("退出原因", max_length=12, choices=ExitReason.choices, blank=True)
    exited_on = models.DateField("退出日期", null=True, blank=True)
    exit_note = models.CharField("退出说明", max_length=200, blank=True)
    registered_on = models.DateField("建档日期")
    registered_by = models.ForeignKey(
        "core.User",
        verbose_name="建档人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        db_index=False,  # beneficiary_registered leads with it
    )
    notes = models.TextField("备注", blank=True)

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "服务对象"
        verbose_name_plural = "服务对象"
        ordering = ["region_code", "household_id", "id"]
        indexes = [
            models.Index(fields=["station", "status", "region_code"], name="beneficiary_station"),
            models.Index(fields=["region_code", "status"], name="beneficiary_region"),
            # a person's merged records (merged_into = X), and a region's new registrations (新识别: merged_into
            # IS NULL, then the code range, registered_on read from the index). Led by merged_into so that SQLite,
            # planning without statistics, never prefers a bare merged_into index scanning every unmerged person.
            models.Index(
                fields=["merged_into", "region_code", "registered_on"], name="beneficiary_registered"
            ),
            models.Index(fields=["id_tail", "region_code"], name="beneficiary_id_tail"),
            models.Index(fields=["region_code", "name", "birth_date"], name="beneficiary_dupe"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_hash"], condition=Q(id_hash__isnull=False), name="beneficiary_id_unique"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head", merged_into__isnull=True),
                name="one_head_per_household",
            ),
            models.CheckConstraint(
                condition=Q(id_hash__isnull=False) | ~Q(no_id_reason=""), name="beneficiary_id_or_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="active", exited_on__isnull=True, exit_reason="")
                | Q(status="exited", exited_on__isnull=False) & ~Q(exit_reason=""),
                name="beneficiary_exit_complete",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_level__gte=1, follow_up_level__lte=4), name="beneficiary_level_1_4"
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="beneficiary_disability_grade_1_4",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("registered_on")),
                name="beneficiary_exit_after_registration",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", args=[self.pk])

    @property
    def has_id(self) -> bool:
        return bool(self.id_hash)


class BeneficiaryCategoryQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class BeneficiaryCategory(ScopedModel, models.Model):
    """A beneficiary's membership of a category. Carries the beneficiary's place and whether they count (in
    register, not merged), kept in step by the registry services, so counts per category are one index scan."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="category_links")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="links")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12)
    active = models.BooleanField(default=True)

    objects = BeneficiaryCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = "服务对象类别关系"
        verbose_name_plural = "服务对象类别关系"
        constraints = [
            models.UniqueConstraint(fields=["beneficiary", "category"], name="beneficiary_category_once")
        ]
        indexes = [
            models.Index(fields=["station", "active", "category"], name="bcat_station"),
            # county / city counts: a range of region_code, then grouped by category
            models.Index(fields=["region_code", "active", "category"], name="bcat_region"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_id}:{self.category_id}"


class ImportStatus(models.TextChoices):
    DONE = "done", "已导入"
    FAILED = "failed", "有错误，未导入"


class ImportRunQuerySet(ScopedQuerySet):
    scope_station_field = None

    def visible_to(self, user) -> ImportRunQuerySet:
        """An import's result is its importer's alone (in their scope)."""
        return super().visible_to(user).filter(actor_id=user.pk)


class ImportRun(ScopedModel, models.Model):
    """One upload of a ledger: who, into where, what came of it. The error file is kept encrypted."""

    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey("core.User", verbose_name="导入人", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField("文件名", max_length=200)
    region_code = models.CharField("导入范围", max_length=12, db_index=True)
    update_existing = models.BooleanField("更新已登记的记录", default=False)
    status = models.CharField("结果", max_length=8, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField("数据行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    households = models.PositiveIntegerField("新增户数", default=0)
    bad_rows = models.PositiveIntegerField("错误行数", default=0)
    errors = models.JSONField("错误摘要", default=list, blank=True)
    error_file = models.CharField("错误文件", max_length=200, blank=True)
    seconds = models.FloatField("用时（秒）", default=0)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("registry:import_result", args=[self.pk])
