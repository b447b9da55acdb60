from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.scoping import ScopedQuerySet
from shuangbai.core.versioning import VersionedModel


class Kind(models.TextChoices):
    WORKER = "worker", "社工"
    SUPERVISOR = "supervisor", "督导"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Qualification(models.TextChoices):
    NONE = "none", "无"
    ASSISTANT = "assistant", "助理社会工作师"
    SOCIAL_WORKER = "social_worker", "社会工作师"
    SENIOR = "senior", "高级社会工作师"


class StaffStatus(models.TextChoices):
    IN_POST = "in_post", "在岗"
    LEFT = "left", "离职"


class Position(models.TextChoices):
    HEAD = "head", "站长"
    DEPUTY = "deputy", "副站长"
    WORKER = "worker", "社工"
    SUPERVISOR = "supervisor", "督导"


class StaffQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def in_post(self):
        return self.filter(status=StaffStatus.IN_POST)


class Staff(VersionedModel):
    """A social worker or supervisor. Where they work now is kept here for fast scoping; where they worked
    before is the Assignment history, which is only ever appended to and closed."""

    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.WORKER)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    qualification = models.CharField(
        "职业资格", max_length=16, choices=Qualification.choices, default=Qualification.NONE
    )
    hired_on = models.DateField("入职日期")
    status = models.CharField("状态", max_length=10, choices=StaffStatus.choices, default=StaffStatus.IN_POST)
    left_on = models.DateField("离职日期", null=True, blank=True)
    left_reason = models.CharField("离职原因", max_length=200, blank=True)
    # Current placement, maintained by the staff services alongside the assignment history.
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="当前社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    point = models.ForeignKey(
        "stations.Point",
        verbose_name="当前社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    position = models.CharField("岗位", max_length=12, choices=Position.choices, default=Position.WORKER)
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)

    objects = StaffQuerySet.as_manager()

    class Meta:
        verbose_name = "社工/督导"
        verbose_name_plural = "社工/督导"
        ordering = ["region_code", "name", "id"]
        indexes = [models.Index(fields=["station", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_post", left_on__isnull=True) | Q(status="left", left_on__isnull=False),
                name="staff_left_has_date",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("hired_on")),
                name="staff_left_after_hired",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("staff:detail", args=[self.pk])


class AssignmentQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def open(self):
        return self.filter(ended_on__isnull=True)


class Assignment(models.Model):
    """One stretch of a person's work at a station (and point). Closed, never overwritten, when they move."""

    staff = models.ForeignKey(
        Staff, verbose_name="人员", on_delete=models.PROTECT, related_name="assignments"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="assignments"
    )
    point = models.ForeignKey(
        "stations.Point",
        verbose_name="社工点",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    position = models.CharField("岗位", max_length=12, choices=Position.choices)
    # A worker may also serve a second point besides their own (兼任): each point they serve counts them as
    # staff in post, while a head count counts them once.
    is_cover = models.BooleanField("兼任", default=False)
    started_on = models.DateField("起始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "岗位安排"
        verbose_name_plural = "岗位安排"
        ordering = ["staff", "started_on", "id"]
        indexes = [models.Index(fields=["station", "ended_on"]), models.Index(fields=["staff", "ended_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="assignment_dates_order",
            ),
        ]

    def __str__(self) -> str:
        place = self.point.name if self.point_id else self.station.name
        return f"{self.staff.name} @ {place}"


class TrainingKind(models.TextChoices):
    INDUCTION = "induction", "岗前培训"
    PROFESSIONAL = "professional", "专业培训"
    SUPERVISION = "supervision", "督导培训"


# The progress table's note 3 counts induction and professional trainings only.
TABLE_TRAINING_KINDS = (TrainingKind.INDUCTION, TrainingKind.PROFESSIONAL)


class TrainingQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Training(VersionedModel):
    """A training held for the programme's workers. `region_code` is the organiser's: the city's code for the
    city bureau, a county's for a county bureau, the station's for a station."""

    kind = models.CharField("培训类别", max_length=14, choices=TrainingKind.choices)
    held_on = models.DateField("培训日期")
    region_code = models.CharField("主办单位区划代码", max_length=12, db_index=True)
    organiser = models.CharField("主办单位", max_length=100)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="主办社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    topic = models.CharField("培训主题", max_length=200)
    trainers = models.CharField("授课人", max_length=200, blank=True)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, null=True, blank=True)
    materials = models.TextField("培训资料", blank=True)
    attendees = models.ManyToManyField(Staff, verbose_name="参训人员", blank=True, related_name="trainings")
    created_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "培训"
        verbose_name_plural = "培训"
        ordering = ["-held_on", "id"]
        indexes = [models.Index(fields=["region_code", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in TrainingKind]), name="training_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("staff:training", args=[self.pk])
