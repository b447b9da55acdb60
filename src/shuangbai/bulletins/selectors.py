"""Reading bulletins and articles, always for a user.

- An issue is a city's. A draft is seen by that city's bureau only; a published issue by everyone whose scope
  lies in that city (its counties, stations, supervisors, the viewer) and by the province above it.
- An article is seen by its own unit (the station, or the county or city whose range holds its code) and by the
  city's bureau; an article of a published issue also by whoever sees the issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from shuangbai.core.models import AuditEntry, User
from shuangbai.core.permissions import has_perm
from shuangbai.core.scoping import code_range, scope_of
from shuangbai.regions.models import Level, Region

from .models import Article, ArticlePhoto, ArticleStatus, Bulletin, BulletinStatus
from .services import city_code_of


def _published_cities(user: User) -> Q | None:
    """The condition on Bulletin.region_code for the cities whose published issues the user reads."""
    scope = scope_of(user)
    if scope.everything:
        return Q()
    condition = None
    for prefix in scope.prefixes:
        if len(prefix) >= 4:  # a city, county or station's town: its city
            part = Q(region_code=prefix[:4].ljust(12, "0"))
        else:  # the province: every city under it
            low, high = code_range(prefix)
            part = Q(region_code__gte=low, region_code__lte=high)
        condition = part if condition is None else condition | part
    return condition


def bulletin_condition(user: User) -> Q | None:
    """The rule of BulletinQuerySet.visible_to: None when the user sees no issue at all."""
    published = _published_cities(user)
    condition = Q(status=BulletinStatus.PUBLISHED) & published if published is not None else None
    own_city = city_code_of(user)
    if user.is_superuser:
        condition = Q()
    elif own_city and has_perm(user, "bulletin.manage", own_city):
        drafts = Q(region_code=own_city, status=BulletinStatus.DRAFT)
        condition = drafts if condition is None else condition | drafts
    return condition


def bulletins_for(user: User) -> QuerySet[Bulletin]:
    return Bulletin.objects.visible_to(user)


def get_bulletin_for_user(user: User, pk: int) -> Bulletin:
    try:
        return bulletins_for(user).get(pk=pk)
    except Bulletin.DoesNotExist:
        raise Http404 from None


def bulletin_list(user: User) -> QuerySet[Bulletin]:
    return bulletins_for(user).order_by("-year", "-sequence", "-id")


def article_condition(user: User) -> Q:
    """The rule of ArticleQuerySet.visible_to."""
    city = city_code_of(user)
    condition = Q(bulletin__in=bulletins_for(user).filter(status=BulletinStatus.PUBLISHED))
    if (
        city
    ):  # a writer: their unit's articles (a county's include its stations'); others read published ones only
        condition |= Q(pk__in=Article.objects.of_unit(user).filter(city_code=city).values("pk"))
    if city and has_perm(user, "bulletin.manage", city):
        condition |= Q(city_code=city)
    return condition


def articles_for(user: User) -> QuerySet[Article]:
    return Article.objects.visible_to(user)


def get_article_for_user(user: User, pk: int) -> Article:
    try:
        return articles_for(user).select_related("bulletin", "station").get(pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None


def inbox(user: User, city_code: str) -> QuerySet[Article]:
    """What the city's units sent in and the bureau has not yet accepted or returned."""
    if not has_perm(user, "bulletin.manage", city_code):
        return Article.objects.none()
    return (
        Article.objects.unscoped("the city's inbox, for its bureau (checked above)")
        .filter(city_code=city_code, status=ArticleStatus.SUBMITTED)
        .select_related("station")
        .order_by("updated_at", "id")
    )


def own_articles(user: User) -> QuerySet[Article]:
    """The user's unit's articles not yet in a published issue (a city's bureau: its own drafts)."""
    city = city_code_of(user)
    if city is None:
        return Article.objects.none()
    articles = Article.objects.of_unit(user).filter(city_code=city)
    if has_perm(user, "bulletin.manage", city):
        articles = articles.filter(region_code=city, bulletin__isnull=True)
    else:
        articles = articles.exclude(bulletin__status=BulletinStatus.PUBLISHED)
    return articles.select_related("bulletin").order_by("-updated_at", "-id")


def issue_articles(bulletin: Bulletin) -> QuerySet[Article]:
    return (
        bulletin.articles.all()
        .select_related("station", "created_by", "updated_by")
        .prefetch_related("photos")
        .order_by("section", "position", "id")
    )  # the page groups them by section; within one, by place


@dataclass(frozen=True)
class ArchiveFilter:
    text: str = ""
    region: Region | None = None  # a county or a town: articles from or about it
    start: date | None = None
    end: date | None = None


def archive_search(user: User, filters: ArchiveFilter) -> QuerySet[Article]:
    """Articles of the published issues the user reads, newest issue first."""
    articles = (
        Article.objects.visible_to(user)
        .filter(bulletin__in=bulletins_for(user).filter(status=BulletinStatus.PUBLISHED))
        .select_related("bulletin")
    )
    if filters.text:
        articles = articles.filter(
            Q(title__icontains=filters.text) | Q(published_text__icontains=filters.text)
        )
    if filters.region is not None:
        low, high = code_range(filters.region.prefix)
        articles = articles.filter(about_code__gte=low, about_code__lte=high)
    if filters.start:
        articles = articles.filter(bulletin__issued_on__gte=filters.start)
    if filters.end:
        articles = articles.filter(bulletin__issued_on__lte=filters.end)
    return articles.order_by("-bulletin__issued_on", "-bulletin__sequence", "section", "position")


def draft_issues(user: User, city_code: str) -> QuerySet[Bulletin]:
    """The city's issues still being edited, that an article may be accepted into (its bureau's only)."""
    return bulletins_for(user).filter(region_code=city_code, status=BulletinStatus.DRAFT)


def get_photo_for_user(user: User, pk: int) -> ArticlePhoto:
    """An article's photo, 404 unless the user may open the article."""
    photo = ArticlePhoto.objects.visible_to(user).filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo


def article_history(article: Article) -> list[tuple[AuditEntry, list[str]]]:
    """Who changed what, from the audit log, each change's fields named as the form names them. Callers show it
    to bureau roles only, as they do the audit log."""
    labels = {f.name: str(f.verbose_name) for f in Article._meta.fields} | {"photos": "照片"}
    entries = AuditEntry.objects.unscoped("an article's own history; the article was found in scope")
    entries = entries.filter(object_type="bulletins.article", object_id=str(article.pk)).order_by("at")
    return [(entry, [labels.get(name, name) for name in entry.changes]) for entry in entries]


def archive_regions(user: User) -> QuerySet[Region]:
    """The counties and towns of the cities whose published issues the user reads: the archive's place filter."""
    cities = set(
        bulletins_for(user).filter(status=BulletinStatus.PUBLISHED).values_list("region_code", flat=True)
    )
    if not cities:
        return Region.objects.none()
    in_cities = Q()
    for code in cities:
        in_cities |= Q(code__startswith=code[:4])
    return Region.objects.filter(in_cities, level__in=[Level.COUNTY, Level.TOWN]).order_by("code")
