"""The work bulletin (工作简报): a city's issues, the articles in them and those sent in for them.

An issue (`Bulletin`) belongs to a city (`region_code` is the city's code). While it is a draft only the city's
bureau sees it; once published it is frozen — `snapshot` holds the whole composed `content.Document`, and the
issue is rendered from that copy alone, so later edits to the records behind its articles do not change it.

An article is written for a city (`city_code`) by a unit (`region_code`: the city's, a county's or a station's
code; `station` for a station's own), sent in (submitted) and accepted into an issue's section, or returned with
a comment. An article drafted from a record (`source_kind`, `source_id`) keeps its numbers as placeholders such as
{参与人数}, filled from the record each time the issue is composed: the numbers cannot drift from the data.
A table (the progress table as of a day, or the fixed cells of an imported back issue) is part of its article.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse

from shuangbai.core.scoping import ScopedModel, ScopedQuerySet, child_of
from shuangbai.core.versioning import VersionedModel

from .content import SECTIONS


class Section(models.TextChoices):
    CITY = "city", SECTIONS["city"]
    COUNTY = "county", SECTIONS["county"]
    STATION = "station", SECTIONS["station"]


class Masthead(VersionedModel):
    """A city's standing bulletin settings: the name on the masthead, the compiling unit and the distribution
    lists a new issue starts from."""

    region_code = models.CharField("城市区划代码", max_length=12, unique=True)
    name = models.CharField("简报名称", max_length=60)
    unit = models.CharField("编印单位", max_length=60)
    sent_to = models.TextField("发至", blank=True)
    copied_to = models.TextField("抄送", blank=True)

    class Meta:
        verbose_name = "简报设置"
        verbose_name_plural = "简报设置"

    def __str__(self) -> str:
        return self.name


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PUBLISHED = "published", "已发布"


class BulletinQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> BulletinQuerySet:
        """An issue is a city's: a draft is seen by that city's bureau only; a published issue by everyone whose
        scope lies in that city, and by the province above it."""
        from .selectors import bulletin_condition

        condition = bulletin_condition(user)
        return self.none() if condition is None else self.filter(condition)

    def published(self) -> BulletinQuerySet:
        return self.filter(status=BulletinStatus.PUBLISHED)


class Bulletin(ScopedModel, VersionedModel):
    region_code = models.CharField("城市区划代码", max_length=12)
    year = models.PositiveSmallIntegerField("年度")
    sequence = models.PositiveSmallIntegerField("期数")
    issued_on = models.DateField("印发日期")
    name = models.CharField("简报名称", max_length=60)
    unit = models.CharField("编印单位", max_length=60)
    sent_to = models.TextField("发至", blank=True)
    copied_to = models.TextField("抄送", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=BulletinStatus.choices, default=BulletinStatus.DRAFT
    )
    imported = models.BooleanField("往期导入", default=False)
    snapshot = models.JSONField("发布内容", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        "core.User", verbose_name="发布人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "core.User", verbose_name="创建人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "工作简报"
        verbose_name_plural = "工作简报"
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year", "sequence"], name="bulletin_number_once"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="bulletin_sequence_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False),
                name="bulletin_published_has_snapshot",
            ),
        ]
        indexes = [models.Index(fields=["region_code", "status", "issued_on"], name="bulletin_city_status")]

    def __str__(self) -> str:
        return f"{self.name} {self.number}"

    @property
    def number(self) -> str:
        return f"{self.year}年第{self.sequence}期"

    @property
    def is_published(self) -> bool:
        return self.status == BulletinStatus.PUBLISHED

    def get_absolute_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已采用"


class SourceKind(models.TextChoices):
    ACTIVITY = "activity", "社区活动"
    CASE = "case", "优秀案例"
    BATCH = "batch", "物资发放"
    INSPECTION = "inspection", "督导检查"


class TableKind(models.TextChoices):
    PROGRESS = "progress", "建设进度一览表"
    FIXED = "fixed", "表格（导入）"


class ArticleQuerySet(ScopedQuerySet):
    scope_station_field = "station_id"

    def of_unit(self, user) -> ArticleQuerySet:
        """The articles of the user's own unit: their station's, or those whose code their region holds."""
        return ScopedQuerySet.visible_to(self, user)

    def visible_to(self, user) -> ArticleQuerySet:
        """Articles the user may open: their unit's, all of the city for its bureau, and those of issues they
        read."""
        from .selectors import article_condition

        return self.filter(article_condition(user))


class Article(ScopedModel, VersionedModel):
    city_code = models.CharField("城市区划代码", max_length=12)
    region_code = models.CharField("供稿单位区划代码", max_length=12)
    # where the article is about, for the archive's county / town filter: its record's place, an imported
    # title's place, else its unit's code (the city drafts about a station's activity)
    about_code = models.CharField("所涉区划代码", max_length=12, blank=True)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name="供稿社工站",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bulletin = models.ForeignKey(
        Bulletin,
        verbose_name="所在期",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    section = models.CharField("栏目", max_length=8, choices=Section.choices)
    position = models.PositiveIntegerField("顺序", default=0)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", blank=True, help_text="每段一行。可用{参与人数}等引用来源记录的数据。")
    byline = models.CharField("供稿署名", max_length=60, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    review_comment = models.CharField("退回意见", max_length=300, blank=True)
    source_kind = models.CharField("来源记录", max_length=12, choices=SourceKind.choices, blank=True)
    source_id = models.PositiveIntegerField("来源记录编号", null=True, blank=True)
    table_kind = models.CharField("表格", max_length=10, choices=TableKind.choices, blank=True)
    table_region_code = models.CharField("表格区划代码", max_length=12, blank=True)
    table_as_of = models.DateField("表格截至日期", null=True, blank=True)
    table_data = models.JSONField("表格内容", null=True, blank=True)
    # the words as printed, kept when the issue is published (numbers filled, table cells, captions): the archive
    # searches them
    published_text = models.TextField("发布文本", blank=True, editable=False)
    created_by = models.ForeignKey(
        "core.User", verbose_name="撰稿人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        "core.User",
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "简报稿件"
        verbose_name_plural = "简报稿件"
        ordering = ["bulletin", "section", "position", "id"]
        indexes = [
            models.Index(fields=["city_code", "status"], name="article_city_status"),
            models.Index(fields=["region_code", "status"], name="article_region_status"),
            models.Index(fields=["about_code"], name="article_about"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(section__in=Section.values), name="article_section_valid"),
            models.CheckConstraint(
                condition=Q(bulletin__isnull=True) | Q(status="accepted"), name="article_in_issue_accepted"
            ),
            models.CheckConstraint(
                condition=Q(source_kind="", source_id__isnull=True)
                | ~Q(source_kind="") & Q(source_id__isnull=False),
                name="article_source_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletins:article", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


class ArticlePhoto(ScopedModel, models.Model):
    """A photo for publication: re-encoded without its metadata (no GPS in a published picture, see
    core.photos) and kept under MEDIA_ROOT/bulletins/, served only through a scoped view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    path = models.CharField(max_length=200, editable=False)  # relative to MEDIA_ROOT
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    caption = models.CharField("图片说明", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    objects = child_of("article").as_manager()

    class Meta:
        verbose_name = "稿件照片"
        verbose_name_plural = "稿件照片"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.path
