from django.db import models
from django.urls import reverse

from shuangbai.core.scoping import ScopedQuerySet
from shuangbai.core.versioning import RetirableModel


class SiteStatus(models.TextChoices):
    PLANNED = "planned", "计划建设"
    BUILT = "built", "已建成"
    OPERATING = "operating", "运营中"
    SUSPENDED = "suspended", "暂停"


class Site(RetirableModel):
    """What a station and a service point share: a place with an address, a phone and a status."""

    name = models.CharField("名称", max_length=100)
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=SiteStatus.choices, default=SiteStatus.PLANNED)

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
