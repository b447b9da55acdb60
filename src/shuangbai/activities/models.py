"""Community and group activities (社区活动 / 小组活动), the volunteers (志愿者) and partner organisations (合作单位)
of 五社联动.

An activity belongs to a station (and optionally one of its points) and carries the `region_code` of where it was
held, so scope and figure questions are one indexed range. The links to the registered beneficiaries who took
part and to the volunteers copy the activity's day and region code: coverage asks "did this person take part in
an activity in their window" and the figures count distinct people per region and period from the link alone.

Volunteers and partners belong to a region node (a town for a station's own, a county or the city for the
bureau's), not to one station: a station sees those of its town and those registered above it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from shuangbai.core.masking import mask_phone
from shuangbai.core.photos import StoredPhoto
from shuangbai.core.scoping import CODE_LENGTH, ScopedModel, ScopedQuerySet, child_of, scope_of
from shuangbai.core.versioning import VersionedModel


class ActivityKind(models.TextChoices):
    COMMUNITY = "community", "社区活动"
    GROUP = "group", "小组活动"


class Theme(models.TextChoices):
    FESTIVAL = "festival", "节日"
    CHILDREN = "children", "儿童"
    ELDERLY = "elderly", "长者"
    ANTI_DRUG = "anti_drug", "禁毒"
    HERITAGE = "heritage", "非遗"
    VOLUNTEERING = "volunteering", "志愿服务"
    HEALTH = "health", "健康"
    WOMEN = "women", "妇女"
    SAFETY = "safety", "安全"
    OTHER = "other", "其他"


class PartnerKind(models.TextChoices):
    """The five parties of 五社联动 first, then the other kinds of organisation a station works with."""

    COMMUNITY = "community", "社区"
    SOCIAL_ORG = "social_org", "社会组织"
    SOCIAL_WORK = "social_work", "社工"
    VOLUNTEERS = "volunteers", "志愿者"
    CHARITY = "charity", "慈善资源"
    ENTERPRISE = "enterprise", "企业"
    GOVERNMENT = "government", "政府部门"
    SCHOOL = "school", "学校"
    HOSPITAL = "hospital", "医院"


FIVE_PARTIES = frozenset(
    {
        PartnerKind.COMMUNITY,
        PartnerKind.SOCIAL_ORG,
        PartnerKind.SOCIAL_WORK,
        PartnerKind.VOLUNTEERS,
        PartnerKind.CHARITY,
    }
)


def codes_above(prefixes) -> list[str]:
    """The 12-digit codes of the region nodes above each prefix (province, city, county; town for a village)."""
    codes = set()
    for prefix in prefixes:
        for n in (2, 4, 6, 9):
            if n < len(prefix):
                codes.add(prefix[:n].ljust(CODE_LENGTH, "0"))
    return sorted(codes)


class RegionRecordQuerySet(ScopedQuerySet):
    """Records of a region node: visible in the user's subtree (a station's town), and those registered above
    it (the county's or the city's volunteers and partners) so a station can name them in its activities."""

    scope_station_field = None

    def visible_to(self, user) -> RegionRecordQuerySet:
        scope = scope_of(user)
        inside = super().visible_to(user)
        if scope.everything or not scope.prefixes:
            return inside
        return inside | self.filter(region_code__in=codes_above(scope.prefixes))

    def active(self):
        return self.filter(active=True)


class Partner(ScopedModel, VersionedModel):
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=PartnerKind.choices)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    region_name = models.CharField("所属区域", max_length=50, editable=False)
    notes = models.CharField("备注", max_length=200, blank=True)
    active = models.BooleanField("合作中", default=True)

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "合作单位"
        verbose_name_plural = "合作单位"
        ordering = ["region_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="partner_name_once_per_region"),
            models.CheckConstraint(condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:partner", args=[self.pk])

    @property
    def is_five_party(self) -> bool:
        return self.kind in FIVE_PARTIES

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Volunteer(ScopedModel, VersionedModel):
    name = models.CharField("姓名", max_length=50)
    organisation = models.CharField("所属组织", max_length=100, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name="所属合作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="所属社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    region_code = models.CharField("所属区划代码", max_length=12, db_index=True, editable=False)
    region_name = models.CharField("所属区域", max_length=50, editable=False)
    active = models.BooleanField("在册", default=True)

    objects = RegionRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["region_code", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:volunteer", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def organisation_label(self) -> str:
        return self.partner.name if self.partner_id else self.organisation


class ActivityQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"


class Activity(ScopedModel, VersionedModel):
    kind = models.CharField(
        "活动类型", max_length=10, choices=ActivityKind.choices, default=ActivityKind.COMMUNITY
    )
    title = models.CharField("活动名称", max_length=100)
    theme = models.CharField("主题", max_length=12, choices=Theme.choices)
    held_on = models.DateField("活动日期")
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("活动地点", max_length=100)
    station = models.ForeignKey(
        "stations.Station", verbose_name="社工站", on_delete=models.PROTECT, related_name="activities"
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
    organiser = models.CharField("主办单位", max_length=100, blank=True)
    partners = models.ManyToManyField(
        Partner, verbose_name="合作单位", through="ActivityPartner", related_name="activities"
    )
    segments = models.JSONField("活动环节", default=list, blank=True)
    participants = models.PositiveIntegerField("参与人数")
    people = models.ManyToManyField(
        "registry.Beneficiary",
        verbose_name="参与的服务对象",
        through="ActivityPerson",
        related_name="activities",
    )
    volunteers = models.ManyToManyField(
        Volunteer, verbose_name="志愿者", through="ActivityVolunteer", related_name="activities"
    )
    materials = models.JSONField("发放资料/物品", default=list, blank=True)  # [{"item", "quantity", "unit"}]
    narrative = models.TextField("活动情况", blank=True)
    recorded_by = models.ForeignKey(
        "core.User",
        verbose_name="记录人",
        null=True,  # none for the demo's records
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["region_code", "held_on"], name="activity_region_day"),
            models.Index(fields=["station", "held_on"], name="activity_station_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(theme__in=Theme.values), name="activity_theme_valid"),
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="activity_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def materials_display(self) -> list[str]:
        return [f"{m['item']} {m['quantity']}{m.get('unit', '')}" for m in self.materials]

    def facts(self) -> dict:
        """The plain facts a bulletin article is written from: no personal data, only counts of people (the
        registered participants' and the volunteers' names stay in the system)."""
        links = list(self.volunteer_links.all())
        return {
            "title": self.title,
            "kind": self.get_kind_display(),
            "theme": self.get_theme_display(),
            "date": self.held_on,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "place": self.place,
            "station": self.station.name,
            "point": self.point.name if self.point_id else "",
            "region_code": self.region_code,
            "organiser": self.organiser,
            "partners": [partner.name for partner in self.partners.order_by("activity_links__id")],
            "segments": list(self.segments),
            "participants": self.participants,
            "beneficiaries": self.person_links.count(),
            "volunteers": len(links),
            "volunteer_hours": sum((link.hours for link in links), start=0),
            "materials": [dict(m) for m in self.materials],
            "narrative": self.narrative,
        }


class ActivityPartner(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="partner_links")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="activity_links")

    class Meta:
        verbose_name = "活动合作单位"
        verbose_name_plural = "活动合作单位"
        constraints = [models.UniqueConstraint(fields=["activity", "partner"], name="activity_partner_once")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.partner_id}"


class ActivityPerson(models.Model):
    """A registered beneficiary who took part; the activity's day and region copied for coverage and figures."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="person_links")
    beneficiary = models.ForeignKey("registry.Beneficiary", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    region_code = models.CharField(max_length=12)

    class Meta:
        verbose_name = "参与的服务对象"
        verbose_name_plural = "参与的服务对象"
        constraints = [
            models.UniqueConstraint(fields=["activity", "beneficiary"], name="activity_person_once")
        ]
        indexes = [
            models.Index(fields=["beneficiary", "held_on"], name="activity_person_day"),
            models.Index(fields=["region_code", "held_on"], name="activity_person_region"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.beneficiary_id}"


class ActivityVolunteer(models.Model):
    """A volunteer's part in an activity and the hours it took them."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="volunteer_links")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="activity_links")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    held_on = models.DateField()
    region_code = models.CharField(max_length=12)

    class Meta:
        verbose_name = "活动志愿者"
        verbose_name_plural = "活动志愿者"
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="activity_volunteer_once"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="activity_volunteer_hours"),
        ]
        indexes = [models.Index(fields=["region_code", "held_on"], name="activity_volunteer_region")]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.volunteer_id}"


class VolunteerServiceQuerySet(ScopedQuerySet):
    scope_station_field = None


class VolunteerService(ScopedModel, models.Model):
    """Hours a volunteer served outside a recorded activity (accompanying a visit, a day at the station ...)."""

    volunteer = models.ForeignKey(
        Volunteer, verbose_name="志愿者", on_delete=models.PROTECT, related_name="services"
    )
    served_on = models.DateField("服务日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    description = models.CharField("服务内容", max_length=200)
    region_code = models.CharField(max_length=12, editable=False)  # the volunteer's, on that day
    recorded_by = models.ForeignKey(
        "core.User", verbose_name="记录人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = VolunteerServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["region_code", "served_on"], name="volunteer_service_region")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="volunteer_service_hours"),
        ]

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.description}"


class ActivityPhoto(ScopedModel, StoredPhoto):
    """A photo re-encoded without its metadata (see core.photos), stored encrypted under the instance folder."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")

    objects = child_of("activity").as_manager()

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["activity", "id"]

    def get_absolute_url(self) -> str:
        return reverse("activities:photo", args=[self.pk])
