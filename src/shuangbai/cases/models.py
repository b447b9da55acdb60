"""Casework (个案) and referrals (转介).

A case belongs to one beneficiary and carries their station and `region_code` (copied when it is opened), so
every scope and figures question is one indexed filter. Intake and assessment are fields of the case; the plan
is a list of goals; case notes, supervisors' reviews and referrals hang off it. A person has at most one open
case at a time. Closing a case is final (no reopening): a new need opens a new case.

A referral goes to an agency of the catalogue and moves by dated steps (已转出 → 已接收 → 已办结 / 已拒绝), each
step at an agency of its own when the case passes from one to the next (the 桂圩镇 case of seed 000 went
佛山市高明区救助站 → 云浮市救助站 → 郁南县救助站 → 民安医院 as one referral). The referral keeps the status of its
latest step and the day it was finished, for the figures.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.crypto import EncryptedTextField
from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, child_of
from shuangbai.core.versioning import VersionedModel
from shuangbai.registry.models import RiskLevel


class AgencyKind(models.TextChoices):
    RESCUE_STATION = "rescue_station", "救助站"
    DISABLED_FEDERATION = "disabled_federation", "残联"
    HOSPITAL = "hospital", "医院"
    POLICE = "police", "派出所"
    VILLAGE_COMMITTEE = "village_committee", "村委"
    WOMENS_FEDERATION = "womens_federation", "妇联"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    SCHOOL = "school", "学校"
    OTHER = "other", "其他"


class Agency(models.Model):
    """An outside agency a case can be referred to or shared with. A catalogue shared by every region (like the
    categories), edited by the province and city bureaus; retired by deactivation, never deleted."""

    name = models.CharField("机构名称", max_length=100, unique=True)
    kind = models.CharField("机构类型", max_length=20, choices=AgencyKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所在区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "协作机构"
        verbose_name_plural = "协作机构"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    """How the case came to the station (个案来源)."""

    VISIT = "visit", "走访发现"
    WALK_IN = "walk_in", "来站求助"
    VILLAGE = "village", "村委转介"
    AGENCY = "agency", "其他机构转介"
    HOTLINE = "hotline", "热线"
    OTHER = "other", "其他"


class CaseStatus(models.TextChoices):
    OPEN = "open", "在案"
    CLOSED = "closed", "已结案"


class Outcome(models.TextChoices):
    ACHIEVED = "achieved", "目标达成"
    PARTLY = "partly", "部分达成"
    REFERRED = "referred", "转介结案"
    REFUSED = "refused", "服务对象拒绝"
    LOST = "lost", "失联"
    DEATH = "death", "死亡"
    OTHER = "other", "其他"


class CaseQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class Case(ScopedModel, VersionedModel):
    beneficiary = models.ForeignKey(
        "registry.Beneficiary", verbose_name="服务对象", on_delete=models.PROTECT, related_name="cases"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="cases"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    worker = models.ForeignKey(
        "staff.Staff",
        verbose_name="负责社工",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # intake (接案)
    opened_on = models.DateField("接案日期")
    source = models.CharField("个案来源", max_length=10, choices=Source.choices)
    presenting_problem = EncryptedTextField("求助问题")
    opened_by = models.ForeignKey(
        "core.User", verbose_name="接案人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # assessment (预估)
    problems = models.TextField("主要问题", blank=True)
    strengths = models.TextField("优势与资源", blank=True)
    risk_level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    assessment_notes = EncryptedTextField("评估说明", blank=True)
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    # closure (结案)
    status = models.CharField("状态", max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.CharField("结案原因类别", max_length=10, choices=Outcome.choices, blank=True)
    close_reason = models.TextField("结案说明", blank=True)
    closed_by = models.ForeignKey(
        "core.User", verbose_name="结案人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # exemplary case (优秀案例): the publishable, de-identified write-up
    exemplary = models.BooleanField("优秀案例", default=False)
    nickname = models.CharField("化名", max_length=10, blank=True)
    write_up_title = models.CharField("案例标题", max_length=100, blank=True)
    write_up = models.TextField("案例正文", blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "个案"
        verbose_name_plural = "个案"
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "opened_on"], name="case_region_opened"),
            models.Index(fields=["region_code", "closed_on"], name="case_region_closed"),
            models.Index(fields=["station", "status"], name="case_station_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary"], condition=Q(status="open"), name="case_one_open_per_person"
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="case_source_valid"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True, outcome="")
                | Q(status="closed", closed_on__isnull=False) & ~Q(outcome=""),
                name="case_closure_complete",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(exemplary=False) | ~Q(nickname="") & ~Q(write_up_title="") & ~Q(write_up=""),
                name="case_exemplary_has_write_up",
            ),
        ]

    def __str__(self) -> str:
        return f"个案{self.pk}（{self.opened_on:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class GoalStatus(models.TextChoices):
    ONGOING = "ongoing", "进行中"
    ACHIEVED = "achieved", "已达成"
    PARTLY = "partly", "部分达成"
    DROPPED = "dropped", "已放弃"


class Goal(ScopedModel, models.Model):
    """One goal of a case's service plan (服务计划)."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="goals")
    text = models.CharField("目标", max_length=200)
    target_on = models.DateField("目标日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=GoalStatus.choices, default=GoalStatus.ONGOING)

    objects = child_of("case").as_manager()

    class Meta:
        verbose_name = "服务目标"
        verbose_name_plural = "服务目标"
        ordering = ["case", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=GoalStatus.values), name="goal_status_valid"),
        ]

    def __str__(self) -> str:
        return self.text


class CaseNote(ScopedModel, models.Model):
    """个案记录: a dated note of what was done, by a worker of the station."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField("服务日期")
    worker = models.ForeignKey(
        "staff.Staff", verbose_name="社工", on_delete=models.PROTECT, related_name="case_notes"
    )
    text = EncryptedTextField("记录内容")
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = child_of("case").as_manager()

    class Meta:
        verbose_name = "个案记录"
        verbose_name_plural = "个案记录"
        ordering = ["case", "written_on", "id"]
        indexes = [models.Index(fields=["case", "written_on"], name="case_note_day")]

    def __str__(self) -> str:
        return f"{self.written_on:%Y-%m-%d} {self.text[:30]}"


class Review(ScopedModel, models.Model):
    """A supervisor's review of a case (督导意见)."""

    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        "core.User", verbose_name="督导", on_delete=models.PROTECT, related_name="case_reviews"
    )
    reviewed_on = models.DateField("督导日期")
    comment = models.TextField("督导意见")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = child_of("case").as_manager()

    class Meta:
        verbose_name = "个案督导"
        verbose_name_plural = "个案督导"
        ordering = ["case", "reviewed_on", "id"]

    def __str__(self) -> str:
        return f"{self.reviewed_on:%Y-%m-%d} {self.comment[:30]}"


class StepStatus(models.TextChoices):
    SENT = "sent", "已转出"
    ACCEPTED = "accepted", "已接收"
    DONE = "done", "已办结"
    DECLINED = "declined", "已拒绝"


FINISHED = frozenset({StepStatus.DONE, StepStatus.DECLINED})


class ReferralQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Referral(ScopedModel, models.Model):
    case = models.ForeignKey(Case, verbose_name="个案", on_delete=models.CASCADE, related_name="referrals")
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name="转介机构", on_delete=models.PROTECT, related_name="referrals"
    )
    purpose = models.CharField("转介事由", max_length=200)
    referred_on = models.DateField("转介日期")
    # the latest step's status, and the day the referral was done or declined: kept by the step service
    status = models.CharField("状态", max_length=10, choices=StepStatus.choices, default=StepStatus.SENT)
    finished_on = models.DateField("办结日期", null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = "转介"
        verbose_name_plural = "转介"
        ordering = ["case", "referred_on", "id"]
        indexes = [
            models.Index(fields=["region_code", "referred_on"], name="referral_region_day"),
            models.Index(fields=["region_code", "finished_on"], name="referral_region_finished"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=StepStatus.values), name="referral_status_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "declined"], finished_on__isnull=False)
                | Q(status__in=["sent", "accepted"], finished_on__isnull=True),
                name="referral_finished_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"转介至{self.agency.name}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class ReferralStep(ScopedModel, models.Model):
    """A dated step of a referral at an agency (the referral's own, or the next one of a chain)."""

    referral = models.ForeignKey(
        Referral, verbose_name="转介", on_delete=models.CASCADE, related_name="steps"
    )
    agency = models.ForeignKey(Agency, verbose_name="机构", on_delete=models.PROTECT, related_name="+")
    on_date = models.DateField("日期")
    status = models.CharField("状态", max_length=10, choices=StepStatus.choices)
    notes = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = child_of("referral").as_manager()

    class Meta:
        verbose_name = "转介进展"
        verbose_name_plural = "转介进展"
        ordering = ["referral", "on_date", "id"]
        indexes = [models.Index(fields=["referral", "on_date"], name="referral_step_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StepStatus.values), name="referral_step_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on_date:%Y-%m-%d} {self.agency} {self.get_status_display()}"
