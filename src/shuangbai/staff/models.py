from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, scope_of
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


class Staff(ScopedModel, VersionedModel):
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


class Assignment(ScopedModel, models.Model):
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

    def visible_to(self, user) -> "TrainingQuerySet":
        """Trainings organised in the user's scope (a station user: their station's), and those organised by
        the bureaus above it (the county's, the city's, the province's), which are held for the people below."""
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        above = sorted(
            {prefix[:n].ljust(12, "0") for prefix in scope.prefixes for n in (2, 4, 6) if n < len(prefix)}
        )
        return super().visible_to(user) | self.filter(station__isnull=True, region_code__in=above)


class Training(ScopedModel, VersionedModel):
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


# ---------------------------------------------------------------------------------------------- 招聘


def _score_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100})


class BureauQuerySet(ScopedQuerySet):
    """Recruitment is bureau business: rows by the region they belong to; station roles and supervisors (whose
    scope is a set of stations) see none."""

    scope_station_field = None

    def visible_to(self, user) -> "BureauQuerySet":
        scope = scope_of(user)
        if not scope.everything and scope.station_ids is not None:
            return self.none()
        return super().visible_to(user)


class RecruitmentQuerySet(BureauQuerySet):
    def visible_to(self, user) -> "RecruitmentQuerySet":
        """The rounds of the cities in the user's scope, and for a county user the rounds with positions in
        their county."""
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        with_positions = RoundPosition.objects.visible_to(user).values("round_id")
        return super().visible_to(user) | self.filter(pk__in=with_positions)


class RecruitmentRound(ScopedModel, VersionedModel):
    """A recruitment round (招聘) of a city bureau in a year: for social workers or for supervisors. How many are
    recruited is the sum of its positions per county; how many applied is its applicant list, or, where no
    list was imported, the number the bureau announced."""

    city = models.ForeignKey(
        "regions.Region", verbose_name="市", on_delete=models.PROTECT, related_name="recruitment_rounds"
    )
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("招聘类别", max_length=12, choices=Kind.choices, default=Kind.WORKER)
    title = models.CharField("招聘名称", max_length=200)
    announced_on = models.DateField("公告日期", null=True, blank=True)
    written_exam_on = models.DateField("笔试日期", null=True, blank=True)
    interview_on = models.DateField("面试日期", null=True, blank=True)
    written_pass_line = models.DecimalField(
        "笔试合格分数线", max_digits=5, decimal_places=2, null=True, blank=True
    )
    applicant_count = models.PositiveIntegerField(
        "报名人数", null=True, blank=True, help_text="仅在未导入报名名单时使用；导入名单后按名单统计。"
    )
    notes = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RecruitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘"
        verbose_name_plural = "招聘"
        ordering = ["-year", "region_code", "kind", "id"]
        indexes = [models.Index(fields=["region_code", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in Kind]), name="recruitment_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="recruitment_year_range"
            ),
            models.CheckConstraint(
                condition=_score_in_range("written_pass_line"), name="recruitment_pass_line_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:recruitment_round", args=[self.pk])


class RoundPosition(ScopedModel, models.Model):
    """How many a round recruits for one county; a city-level post (市本级, e.g. the city's supervisors) has the
    city itself as its `county`."""

    round = models.ForeignKey(
        RecruitmentRound, verbose_name="招聘", on_delete=models.CASCADE, related_name="positions"
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    positions = models.PositiveIntegerField("招聘名额")

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = "招聘名额"
        verbose_name_plural = "招聘名额"
        ordering = ["round", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "county"], name="round_position_unique_county"),
            models.CheckConstraint(condition=Q(positions__gt=0), name="round_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.county}：{self.positions}人"


class Applicant(ScopedModel, VersionedModel):
    """A person who applied in a round, for the posts of one county (or the city's own, 市本级). What stage they
    reached is read from their scores and hire, never typed: see `selectors.STAGES`. No ID number is kept."""

    round = models.ForeignKey(
        RecruitmentRound, verbose_name="招聘", on_delete=models.PROTECT, related_name="applicants"
    )
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name="报考县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    written_score = models.DecimalField("笔试成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    interview_score = models.DecimalField("面试成绩", max_digits=5, decimal_places=2, null=True, blank=True)
    withdrawn = models.BooleanField("放弃", default=False)
    hired_staff = models.OneToOneField(
        Staff,
        verbose_name="录用后的人员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applicant",
    )

    objects = BureauQuerySet.as_manager()

    class Meta:
        verbose_name = "报名人员"
        verbose_name_plural = "报名人员"
        ordering = ["round", "region_code", "id"]
        indexes = [models.Index(fields=["round", "region_code"])]
        constraints = [
            models.CheckConstraint(
                condition=_score_in_range("written_score"), name="applicant_written_range"
            ),
            models.CheckConstraint(
                condition=_score_in_range("interview_score"), name="applicant_interview_range"
            ),
            models.CheckConstraint(
                condition=Q(hired_staff__isnull=True) | Q(withdrawn=False),
                name="applicant_hired_not_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return self.name
