from django.db import models

from shuangbai.core.scoping import ScopedQuerySet, code_range

CODE_LENGTH = 12


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWN = "town", "镇（街）"
    VILLAGE = "village", "村（居）"


# Significant digits of a 12-digit statistical division code at each level.
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12}
LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE]
CHILD_LEVEL = dict(zip(LEVEL_ORDER, LEVEL_ORDER[1:], strict=False))


class RegionQuerySet(ScopedQuerySet):
    scope_region_field = "code"
    scope_station_field = None  # station users see their stations' towns, handled by the scope's prefixes
    guarded = False  # the region tree is reference data: names and codes of places, read by everyone

    def subtree(self, region: "Region") -> "RegionQuerySet":
        """The region and everything below it: one index range scan on code, no walk."""
        low, high = code_range(region.prefix)
        return self.filter(code__gte=low, code__lte=high)


class Region(models.Model):
    code = models.CharField("区划代码", max_length=CODE_LENGTH, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    prefix = models.CharField("代码前缀", max_length=CODE_LENGTH, editable=False)
    fictional = models.BooleanField("虚构（演示数据）", default=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[choice.value for choice in Level]), name="region_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("regions:detail", args=[self.code])

    @staticmethod
    def prefix_for(code: str, level: str) -> str:
        return code[: PREFIX_LENGTH[Level(level)]]

    @property
    def county_code(self) -> str:
        return self.code[:6]

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(Level(self.level))

    def ancestors(self) -> list["Region"]:
        """From the root down to the parent, by code prefixes: one query."""
        codes = [
            self.code[: PREFIX_LENGTH[level]].ljust(CODE_LENGTH, "0")
            for level in LEVEL_ORDER[: LEVEL_ORDER.index(Level(self.level))]
        ]
        return list(Region.objects.filter(code__in=codes).order_by("code"))
