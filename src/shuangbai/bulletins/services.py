"""Operations on the work bulletin. Each is atomic, validates (in Chinese, naming the field) and audits.

`actor` None is the system (the demo loader, a command-line import): no permission check, audited as nobody.

Who does what:
- a city's bureau (role `city` whose scope is that city) opens issues, writes and edits any article of the city,
  accepts or returns what was sent in, orders the issue and publishes it;
- a county bureau and a station's staff write articles for their own city only (the city is taken from their
  scope, never from what they post), send them in, and edit them while they are drafts or returned;
- nobody changes a published issue or its articles.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from shuangbai.core.audit import audit_record
from shuangbai.core.models import AuditAction, User
from shuangbai.core.permissions import has_perm, require
from shuangbai.core.photos import CleanPhoto, clean_photo
from shuangbai.core.versioning import STALE_MESSAGE, update_versioned
from shuangbai.regions.models import Level, Region

from . import compose
from .content import Document
from .models import (
    Article,
    ArticlePhoto,
    ArticleStatus,
    Bulletin,
    BulletinStatus,
    Masthead,
    Section,
    SourceKind,
    TableKind,
)
from .sources import SOURCE_REASON, SOURCES, record_facts, unknown_placeholders

MAX_PHOTOS_PER_ARTICLE = 6

# ---------------------------------------------------------------------------------------------- who may


def city_code_of(user: User) -> str | None:
    """The city whose bulletin the user writes for: the city of their region or station; None for those who
    write for none (the province, supervisors, the viewer; a superuser)."""
    if user.is_superuser or not has_perm(user, "article.write"):
        return None
    code = user.home_region_code
    if (
        not code
        or len(code) < 4
        or (user.scope_station_id is None and user.scope_region.level == Level.PROVINCE)
    ):
        return None
    return code[:4].ljust(12, "0")


def _city_of(obj) -> str:
    """The city an issue, an article, a masthead (or a city code itself) belongs to."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Article):
        return obj.city_code
    return obj.region_code


def own_city_rule(user: User, obj) -> bool:
    """The rule of the bulletin permissions (core.permissions.OWN_CITY): the user's unit is of that city."""
    city = city_code_of(user)
    return city is not None and city == _city_of(obj)


def article_editor_rule(user: User, article: Article) -> bool:
    """The rule of `article.edit` (core.permissions.ARTICLE_EDITOR): the city's bureau while the article is not
    in a published issue; its own unit while the city has not taken it (draft or returned)."""
    if article.bulletin_id and article.bulletin.is_published:
        return False
    if has_perm(user, "bulletin.manage", article):
        return True
    return article.status in {ArticleStatus.DRAFT, ArticleStatus.RETURNED} and _own_unit(user, article)


def article_unit_rule(user: User, article: Article) -> bool:
    """The rule of `article.submit` (core.permissions.ARTICLE_UNIT): the unit that wrote it, not the city's
    bureau (whose own articles go straight into an issue)."""
    return _own_unit(user, article) and not has_perm(user, "bulletin.manage", article)


def _own_unit(user: User, article: Article) -> bool:
    """Written by the user's station, or by their county or city bureau itself (a county reads, but does not
    edit, what its stations write)."""
    if user.scope_station_id:
        return article.station_id == user.scope_station_id
    return user.scope_region_id is not None and article.region_code == user.scope_region.code


def _require_draft(bulletin: Bulletin) -> None:
    if bulletin.is_published:
        raise ValidationError("本期简报已发布，内容已固定，不能再修改。", code="published")


def _open_issue(bulletin_id: int) -> Bulletin:
    """The issue an article change is about to touch: locked (publishing waits, or this waits for it), still a
    draft, and its version raised so that a publish posted from a page loaded before this change is refused."""
    bulletin = (
        Bulletin.objects.unscoped("the issue of an article found in scope")
        .select_for_update()
        .get(pk=bulletin_id)
    )
    _require_draft(bulletin)
    Bulletin.objects.held(bulletin).update(version=F("version") + 1)
    bulletin.version += 1
    return bulletin


# ---------------------------------------------------------------------------------------------- masthead


def masthead_for(city_code: str) -> Masthead:
    """The city's settings, or the defaults a city starts from (unsaved)."""
    masthead = Masthead.objects.filter(region_code=city_code).first()
    if masthead is not None:
        return masthead
    city = Region.objects.get(code=city_code)
    return Masthead(
        region_code=city_code,
        name=f"{city.name}“双百工程”工作简报",
        unit=f"{city.name}民政局",
        sent_to="",
        copied_to="",
    )


@transaction.atomic
def masthead_save(
    *,
    actor: User,
    city_code: str,
    name: str,
    unit: str,
    sent_to: str,
    copied_to: str,
    expected_version: int | None = None,
) -> Masthead:
    """Save the city's settings: the first time, or over the version the editor started from."""
    require(actor, "bulletin.manage", city_code)
    changes = {
        "name": name.strip(),
        "unit": unit.strip(),
        "sent_to": sent_to.strip(),
        "copied_to": copied_to.strip(),
    }
    masthead = Masthead.objects.filter(region_code=city_code).first()
    if masthead is None:
        masthead = Masthead(region_code=city_code, **changes)
        masthead.full_clean()
        try:
            with transaction.atomic():
                masthead.save()
        except IntegrityError:  # another officer saved the first settings a moment ago
            raise ValidationError(STALE_MESSAGE, code="stale") from None
        audit_record(actor=actor, action=AuditAction.CREATE, obj=masthead)
        return masthead
    version = masthead.version if expected_version is None else expected_version
    return update_versioned(masthead, actor=actor, expected_version=version, changes=changes)


# ---------------------------------------------------------------------------------------------- issues


def next_sequence(city_code: str, year: int) -> int:
    issues = Bulletin.objects.unscoped("issue numbers run per city and year")
    last = issues.filter(region_code=city_code, year=year).aggregate(n=Max("sequence"))["n"]
    return (last or 0) + 1


def _number_taken(city_code: str, year: int, sequence: int, exclude: int | None = None) -> bool:
    issues = Bulletin.objects.unscoped("issue numbers run per city and year")
    taken = issues.filter(region_code=city_code, year=year, sequence=sequence)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def _check_number(
    city_code: str, year: int, sequence: int, issued_on: date, exclude: int | None = None
) -> None:
    if issued_on.year != year:
        raise ValidationError({"issued_on": f"印发日期应在{year}年内。"})
    if _number_taken(city_code, year, sequence, exclude):
        raise ValidationError({"sequence": f"{year}年第{sequence}期已存在，请换一个期数。"})


@transaction.atomic
def bulletin_create(
    *,
    actor: User,
    city_code: str,
    year: int,
    sequence: int,
    issued_on: date,
    name: str = "",
    unit: str = "",
    sent_to: str | None = None,
    copied_to: str | None = None,
    imported: bool = False,
) -> Bulletin:
    """A new draft issue; name, unit and the distribution lines default to the city's masthead."""
    require(actor, "bulletin.manage", city_code)
    masthead = masthead_for(city_code)
    _check_number(city_code, year, sequence, issued_on)
    bulletin = Bulletin(
        region_code=city_code,
        year=year,
        sequence=sequence,
        issued_on=issued_on,
        name=(name or masthead.name).strip(),
        unit=(unit or masthead.unit).strip(),
        sent_to=(masthead.sent_to if sent_to is None else sent_to).strip(),
        copied_to=(masthead.copied_to if copied_to is None else copied_to).strip(),
        imported=imported,
        created_by=actor,
    )
    bulletin.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            bulletin.save()
    except IntegrityError:  # two officers numbering at once
        raise ValidationError({"sequence": f"{year}年第{sequence}期已存在，请换一个期数。"}) from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=bulletin)
    return bulletin


@transaction.atomic
def bulletin_update(*, actor: User, bulletin: Bulletin, expected_version: int, **changes) -> Bulletin:
    require(actor, "bulletin.manage", bulletin)
    _require_draft(bulletin)
    year, sequence = changes.get("year", bulletin.year), changes.get("sequence", bulletin.sequence)
    issued_on = changes.get("issued_on", bulletin.issued_on)
    _check_number(bulletin.region_code, year, sequence, issued_on, exclude=bulletin.pk)
    return update_versioned(bulletin, actor=actor, expected_version=expected_version, changes=changes)


@transaction.atomic
def bulletin_publish(*, actor: User, bulletin: Bulletin, expected_version: int) -> Bulletin:
    """Freeze the issue: compose it once more from its articles and their records, and keep that copy."""
    require(actor, "bulletin.publish", bulletin)
    bulletin = Bulletin.objects.held(bulletin).select_for_update().get()
    _require_draft(bulletin)
    document = compose.compose(bulletin)
    if not any(section.articles for section in document.sections):
        raise ValidationError("本期还没有稿件，不能发布。", code="empty")
    _check_sources(bulletin)
    _freeze(bulletin, document, actor=actor, expected_version=expected_version)
    return bulletin


def _check_sources(bulletin: Bulletin) -> None:
    """Refuse to freeze an article whose record is gone (or a case no longer exemplary), or whose text still
    names a fact the record does not give: the printed numbers would be wrong or blank."""
    problems = []
    for article in bulletin.articles.exclude(source_kind=""):
        facts = record_facts(article.source_kind, article.source_id)
        if not facts:
            problems.append(f"《{article.title}》的来源记录已不存在或不再可用")
        elif unknown_placeholders(article.body, facts):
            problems.append(f"《{article.title}》中有无法取数的数据项")
        elif article.source_kind == SourceKind.CASE:
            try:
                _check_case_text(article.source_id, title=article.title, body=article.body)
            except ValidationError:
                problems.append(f"《{article.title}》含有服务对象的身份信息")
    if problems:
        raise ValidationError("；".join(problems) + "，请修改或移出本期后再发布。", code="sources")


def _freeze(bulletin: Bulletin, document: Document, *, actor: User, expected_version: int) -> None:
    now = timezone.now()
    updated = (
        Bulletin.objects.held(bulletin)
        .filter(version=expected_version)
        .update(
            status=BulletinStatus.PUBLISHED,
            snapshot=document.as_dict(),
            published_at=now,
            published_by=actor,
            version=expected_version + 1,
            updated_at=now,
        )
    )
    if not updated:
        raise ValidationError(STALE_MESSAGE, code="stale")
    bulletin.refresh_from_db()
    for record, printed in zip(compose.issue_articles(bulletin), document.articles(), strict=True):
        Article.objects.held(record).update(published_text=printed.text())
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=bulletin,
        changes={"status": [BulletinStatus.DRAFT.label, BulletinStatus.PUBLISHED.label]},
    )


# ---------------------------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class Unit:
    """Who an article comes from: the code of the city, county or station, and the station when it is one."""

    region_code: str
    station_id: int | None


def unit_of(user: User, city_code: str) -> Unit:
    """The writing unit: the user's station, or their bureau's region (a city's bureau: the city itself)."""
    if user.scope_station_id:
        return Unit(user.scope_station.region_code, user.scope_station_id)
    if user.scope_region_id:
        return Unit(user.scope_region.code, None)
    return Unit(city_code, None)


def _check_body(body: str, source_kind: str, source_id: int | None, title: str = "") -> None:
    facts = record_facts(source_kind, source_id) if source_kind else {}
    unknown = unknown_placeholders(body, facts)
    if unknown:
        names = "、".join(f"{{{name}}}" for name in unknown)
        raise ValidationError({"body": f"正文中的 {names} 不是来源记录的数据项，请改正或删去花括号。"})
    if source_kind == SourceKind.CASE:
        _check_case_text(source_id, title=title, body=body)


def _check_case_text(case_id: int | None, *, title: str, body: str) -> None:
    """An article about a case stays de-identified through every edit: the same check as the write-up's."""
    from shuangbai.cases.models import Case
    from shuangbai.cases.services import check_de_identified

    case = Case.objects.unscoped(SOURCE_REASON).filter(pk=case_id).first()
    if case is None:
        return
    try:
        check_de_identified(case, nickname=case.nickname, title=title, text=body)
    except ValidationError as error:
        found = error.message_dict
        mapped = {"title": found["title"]} if "title" in found else {}
        if "text" in found:
            mapped["body"] = found["text"]
        raise ValidationError(mapped or {"body": error.messages}) from None


def _end_position(bulletin: Bulletin, section: str) -> int:
    last = bulletin.articles.filter(section=section).aggregate(n=Max("position"))["n"]
    return (last or 0) + 1


@transaction.atomic
def article_create(
    *,
    actor: User,
    city_code: str,
    section: str,
    title: str,
    body: str = "",
    byline: str = "",
    bulletin: Bulletin | None = None,
    source_kind: str = "",
    source_id: int | None = None,
    table_kind: str = "",
    table_region_code: str = "",
    table_as_of: date | None = None,
    table_data: dict | None = None,
    unit: Unit | None = None,
    about_code: str = "",
) -> Article:
    """An article: straight into a draft issue (the city's own), or a draft of a unit to send in later."""
    if bulletin is not None:
        require(actor, "bulletin.manage", bulletin)
    else:
        require(actor, "article.write", city_code)
    if bulletin is not None:
        bulletin = _open_issue(bulletin.pk)
        city_code = bulletin.region_code
    unit = unit or unit_of(actor, city_code)
    _check_body(body, source_kind, source_id, title)
    article = Article(
        city_code=city_code,
        region_code=unit.region_code,
        about_code=about_code or unit.region_code,
        station_id=unit.station_id,
        bulletin=bulletin,
        section=section,
        position=_end_position(bulletin, section) if bulletin is not None else 0,
        title=title.strip(),
        body=body.strip(),
        byline=byline.strip(),
        status=ArticleStatus.ACCEPTED if bulletin is not None else ArticleStatus.DRAFT,
        source_kind=source_kind,
        source_id=source_id,
        table_kind=table_kind,
        table_region_code=table_region_code,
        table_as_of=table_as_of,
        table_data=table_data,
        created_by=actor,
        updated_by=actor,
    )
    article.full_clean()
    article.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=article)
    return article


EDITABLE = ("title", "body", "byline", "section", "table_as_of")


@transaction.atomic
def article_update(*, actor: User, article: Article, expected_version: int, **changes) -> Article:
    require(actor, "article.edit", article)
    if article.bulletin_id:
        _open_issue(article.bulletin_id)
    unknown_fields = set(changes) - set(EDITABLE)
    if unknown_fields:
        raise ValueError(f"not editable: {unknown_fields}")
    for name in ("title", "body", "byline"):
        if name in changes:
            changes[name] = changes[name].strip()
    if article.table_kind != TableKind.PROGRESS:
        changes.pop("table_as_of", None)
    elif "table_as_of" in changes:
        as_of = changes["table_as_of"]
        if as_of is None:
            raise ValidationError({"table_as_of": "请填写一览表截至日期。"})
        if as_of > timezone.localdate():
            raise ValidationError({"table_as_of": "截至日期不能晚于今天。"})
        if changes.get("title", article.title) == compose.progress_title(
            article.table_region_code, article.table_as_of
        ):
            changes["title"] = compose.progress_title(
                article.table_region_code, as_of
            )  # the year follows the day
    if "body" in changes or "title" in changes:
        _check_body(
            changes.get("body", article.body),
            article.source_kind,
            article.source_id,
            changes.get("title", article.title),
        )
    if changes.get("section", article.section) != article.section and article.bulletin_id:
        changes["position"] = _end_position(article.bulletin, changes["section"])
    changes["updated_by"] = actor
    return update_versioned(article, actor=actor, expected_version=expected_version, changes=changes)


def _transition(article: Article, actor: User, expected_version: int, **changes) -> Article:
    """A status change, with the optimistic check, audited as what it is."""
    return update_versioned(
        article, actor=actor, expected_version=expected_version, changes={**changes, "updated_by": actor}
    )


@transaction.atomic
def article_submit(*, actor: User, article: Article, expected_version: int) -> Article:
    """Send a unit's article to the city (again, after it was returned)."""
    require(actor, "article.submit", article)
    if article.status not in {ArticleStatus.DRAFT, ArticleStatus.RETURNED}:
        raise ValidationError("这篇稿件已报送或已被采用。", code="state")
    return _transition(article, actor, expected_version, status=ArticleStatus.SUBMITTED)


@transaction.atomic
def article_accept(
    *, actor: User, article: Article, bulletin: Bulletin, section: str, expected_version: int
) -> Article:
    require(actor, "article.review", article)
    require(actor, "article.review", bulletin)
    bulletin = _open_issue(bulletin.pk)
    if article.status != ArticleStatus.SUBMITTED:
        raise ValidationError("只能采用已报送、待处理的稿件。", code="state")
    if section not in Section.values:
        raise ValidationError({"section": "请选择栏目。"})
    return _transition(
        article,
        actor,
        expected_version,
        status=ArticleStatus.ACCEPTED,
        bulletin=bulletin,
        section=section,
        position=_end_position(bulletin, section),
        review_comment="",
    )


@transaction.atomic
def article_return(*, actor: User, article: Article, comment: str, expected_version: int) -> Article:
    """Hand a unit's article back with the reason (from the inbox, or out of a draft issue)."""
    require(actor, "article.review", article)
    if article.bulletin_id:
        _open_issue(article.bulletin_id)
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": "请填写退回意见，说明需要怎样修改。"})
    if article.region_code == article.city_code:
        raise ValidationError("本级稿件无需退回，可直接修改或移出本期。", code="own")
    if article.status not in {ArticleStatus.SUBMITTED, ArticleStatus.ACCEPTED}:
        raise ValidationError("只能退回已报送或已采用的稿件。", code="state")
    return _transition(
        article, actor, expected_version, status=ArticleStatus.RETURNED, bulletin=None, review_comment=comment
    )


@transaction.atomic
def article_take_out(*, actor: User, article: Article, expected_version: int) -> Article:
    """Take an article out of a draft issue: a unit's goes back to the inbox, the city's own becomes a draft."""
    require(actor, "article.review", article)
    if article.bulletin_id is None:
        raise ValidationError("这篇稿件不在任何一期中。", code="state")
    _open_issue(article.bulletin_id)
    status = ArticleStatus.DRAFT if article.region_code == article.city_code else ArticleStatus.SUBMITTED
    return _transition(article, actor, expected_version, status=status, bulletin=None, position=0)


@transaction.atomic
def article_move(*, actor: User, article: Article, step: int) -> None:
    """One place up (-1) or down (+1) within its section of the issue."""
    require(actor, "article.review", article)
    if article.bulletin_id is None:
        raise ValidationError("这篇稿件不在任何一期中。", code="state")
    _open_issue(article.bulletin_id)
    article = Article.objects.held(article).get()  # its section and place as they are now, under the lock
    if article.bulletin_id is None:
        raise ValidationError("这篇稿件已被移出本期。", code="state")
    siblings = list(
        Article.objects.unscoped("the articles of an issue found in scope")
        .select_for_update()
        .filter(bulletin_id=article.bulletin_id, section=article.section)
        .order_by("position", "id")
    )
    index = next(i for i, a in enumerate(siblings) if a.pk == article.pk)
    other = index + step
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            Article.objects.held(sibling).update(position=position)
    audit_record(
        actor=actor, action=AuditAction.CHANGE, obj=article, changes={"position": [index + 1, other + 1]}
    )


# ---------------------------------------------------------------------------------------------- from records


@transaction.atomic
def article_from_source(
    *, actor: User, kind: str, pk: int, city_code: str, bulletin: Bulletin | None = None
) -> Article:
    """A first draft from a record the actor may see: its text with the facts as placeholders."""
    if kind not in SOURCES:
        raise ValidationError("不支持的来源记录类型。", code="kind")
    spec = SOURCES[kind]
    record = spec.records(actor).filter(pk=pk).first()
    if record is None:
        raise ValidationError("找不到这条记录，或无权使用。", code="missing")
    draft = spec.draft(record, spec.facts(record))
    article = article_create(
        actor=actor,
        city_code=city_code,
        section=draft.section,
        title=draft.title[:120],
        body=draft.body,
        byline=draft.byline,
        bulletin=bulletin,
        source_kind=kind,
        source_id=pk,
        about_code=record.region_code,
    )
    # The record's own photos are not copied: they are kept encrypted and often show the people served; a
    # picture for publication is chosen and uploaded for the article (with the people's consent).
    return article


@transaction.atomic
def table_article_create(
    *, actor: User, bulletin: Bulletin, as_of: date, section: str = Section.CITY
) -> Article:
    """The city's station construction progress table (一览表) as of a day, live until the issue is published."""
    title = compose.progress_title(bulletin.region_code, as_of)
    return article_create(
        actor=actor,
        city_code=bulletin.region_code,
        section=section,
        title=title,
        bulletin=bulletin,
        table_kind=TableKind.PROGRESS,
        table_region_code=bulletin.region_code,
        table_as_of=as_of,
    )


# ---------------------------------------------------------------------------------------------- photos


def photo_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _store_photo(article: Article, photo: CleanPhoto, caption: str) -> ArticlePhoto:
    relative = f"bulletins/{article.city_code[:4]}/{uuid.uuid4().hex}.jpg"
    target = photo_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(photo.data)
    position = (article.photos.aggregate(n=Max("position"))["n"] or 0) + 1
    return ArticlePhoto.objects.create(
        article=article,
        path=relative,
        width=photo.width,
        height=photo.height,
        caption=caption.strip()[:100],
        position=position,
    )


@transaction.atomic
def photo_add(*, actor: User, article: Article, upload, caption: str) -> ArticlePhoto:
    require(actor, "article.edit", article)
    if article.bulletin_id:
        _open_issue(article.bulletin_id)
    if article.photos.count() >= MAX_PHOTOS_PER_ARTICLE:
        raise ValidationError({"image": f"每篇稿件最多 {MAX_PHOTOS_PER_ARTICLE} 张照片。"})
    try:
        photo = clean_photo(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    stored = _store_photo(article, photo, caption)
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=article, changes={"photos": ["", stored.path]})
    return stored


@transaction.atomic
def photo_remove(*, actor: User, photo: ArticlePhoto) -> None:
    article = photo.article
    require(actor, "article.edit", article)
    if article.bulletin_id:
        _open_issue(article.bulletin_id)
    path = photo.path
    photo.delete()
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=article, changes={"photos": [path, ""]})
    # no published issue refers to it (a published issue's articles are frozen): the file goes once this commits
    transaction.on_commit(lambda: (photo_root() / path).unlink(missing_ok=True))


# ---------------------------------------------------------------------------------------------- back issues


def city_places(city_code: str) -> list[Region]:
    """The city, its counties and its towns: the names an imported article's title is matched against."""
    prefix = city_code[:4]
    return list(
        Region.objects.filter(code__startswith=prefix, level__in=[Level.CITY, Level.COUNTY, Level.TOWN]).only(
            "code", "name", "level"
        )
    )


def place_code(title: str, places: list[Region], default: str) -> str:
    """The code of the most specific place a title names (a town before its county): 郁南县桂圩镇社工站… →
    桂圩镇. A full name anywhere in the title outranks a short one at its start (郁南：… → 郁南县), so that
    "云城区河口街道…" is 河口街道's and not 云城街道's."""
    depth = {Level.CITY: 1, Level.COUNTY: 2, Level.TOWN: 3}
    best, best_rank = None, None
    for region in places:
        if region.name in title:
            rank = (depth[region.level], 1, len(region.name))
        else:
            short = _short_name(region.name)
            if not short or not title.startswith(short):
                continue
            rank = (depth[region.level], 0, len(short))
        if best_rank is None or rank > best_rank:
            best, best_rank = region, rank
    return best.code if best is not None else default


def _short_name(name: str) -> str:
    for suffix in ("街道", "区", "市", "县", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return ""


@transaction.atomic
def import_issue(
    *,
    actor: User,
    city_code: str,
    sections: list,
    year: int,
    sequence: int,
    issued_on: date,
    sent_to: str,
    copied_to: str,
) -> Bulletin:
    """File a back issue as corrected on the review page (`sections`: content.Section list): a published issue
    of the archive, its articles filed under the place their titles name, its tables kept as they are."""
    require(actor, "bulletin.manage", city_code)
    if not any(section.articles for section in sections):
        raise ValidationError("没有要导入的稿件。", code="empty")
    bulletin = bulletin_create(
        actor=actor,
        city_code=city_code,
        year=year,
        sequence=sequence,
        issued_on=issued_on,
        sent_to=sent_to,
        copied_to=copied_to,
        imported=True,
    )
    places = city_places(city_code)
    for section in sections:
        for position, item in enumerate(section.articles, start=1):
            article = Article(
                city_code=city_code,
                region_code=city_code,  # filed by the city's bureau
                about_code=place_code(item.title, places, city_code),
                bulletin=bulletin,
                section=section.key,
                position=position,
                title=item.title[:120],
                body="\n".join(item.paragraphs),
                byline=item.byline[:60],
                status=ArticleStatus.ACCEPTED,
                table_kind=TableKind.FIXED if item.tables else "",
                table_data={"tables": [asdict(t) for t in item.tables]} if item.tables else None,
                created_by=actor,
                updated_by=actor,
            )
            article.full_clean()
            article.save()
    document = compose.compose(bulletin)
    _freeze(bulletin, document, actor=actor, expected_version=bulletin.version)
    return bulletin
