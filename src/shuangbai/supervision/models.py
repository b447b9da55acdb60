"""Supervision (督导检查) and monitoring & evaluation (监测评估): a team's visit to a station, what it checked
and how it scored each item, what it found, and what it recommended, with the follow-up of each recommendation.

Inspections and recommendations carry their station and its `region_code`, so every scope question is one
indexed filter. A recommendation is open while it has no `done_on`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, child_of

MAX_SCORE = 100


class CheckItem(models.Model):
    """One item of the configurable catalogue of what an inspection checks (入户走访, 建档立卡 ...).
    Shared by every region, like the beneficiary categories; retired by deactivation, never deleted."""

    name = models.CharField("检查项目", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "检查项目"
        verbose_name_plural = "检查项目"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", "督导检查"
    EVALUATION = "evaluation", "监测评估"


class Method(models.TextChoices):
    SITE = "site", "实地查看"
    RECORDS = "records", "查阅台账资料"
    MEETING = "meeting", "座谈会"
    HOME_CHECK = "home_check", "入户抽查"
    REPORT = "report", "听取汇报"


class InspectionQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Inspection(ScopedModel, models.Model):
    kind = models.CharField("类型", max_length=12, choices=InspectionKind.choices)
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="inspections"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    visited_on = models.DateField("检查日期")
    team = models.CharField("检查组", max_length=200)
    lead = models.ForeignKey(
        "staff.Staff",
        verbose_name="带队督导",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections_led",
    )
    methods = models.JSONField("检查方式", default=list)
    findings = models.TextField("发现的情况", blank=True)
    recorded_by = models.ForeignKey(
        "core.User",
        verbose_name="记录人",
        null=True,  # none for the demo's records
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "督导检查/监测评估"
        verbose_name_plural = "督导检查/监测评估"
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "visited_on"], name="inspection_region_day"),
            models.Index(fields=["station", "visited_on"], name="inspection_station_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:detail", args=[self.pk])

    def get_methods_display(self) -> list[str]:
        return [Method(code).label for code in self.methods if code in Method.values]


class InspectionScore(ScopedModel, models.Model):
    """How one check item fared: a score out of 100, a verdict (合格, 需加强 ...), or both."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(CheckItem, verbose_name="检查项目", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("评分", max_digits=4, decimal_places=1, null=True, blank=True)
    verdict = models.CharField("结论", max_length=50, blank=True)

    objects = child_of("inspection").as_manager()

    class Meta:
        verbose_name = "检查项目评分"
        verbose_name_plural = "检查项目评分"
        ordering = ["inspection", "item__sort_order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=MAX_SCORE),
                name="inspection_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=False) | ~Q(verdict=""), name="inspection_score_or_verdict"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}"


class RecommendationQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def open(self):
        return self.filter(done_on__isnull=True)


class Recommendation(ScopedModel, models.Model):
    """A recommendation of an inspection and its follow-up: done on which day, by whom, how."""

    inspection = models.ForeignKey(
        Inspection, verbose_name="检查记录", on_delete=models.CASCADE, related_name="recommendations"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("所属区划代码", max_length=12, editable=False)
    text = models.TextField("意见建议")
    deadline = models.DateField("整改期限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by = models.ForeignKey(
        "core.User",
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_note = models.CharField("落实情况", max_length=200, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["inspection", "id"]
        indexes = [models.Index(fields=["station", "done_on"], name="recommendation_station_open")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(done_on__isnull=True) | Q(done_by__isnull=True, done_note=""),
                name="recommendation_follow_up_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def is_open(self) -> bool:
        return self.done_on is None
