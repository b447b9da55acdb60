"""Work bulletin pages. An issue or article outside the user's reach is a 404 (also on POST), before any role
check; a user who may read but not do something gets 403."""

from __future__ import annotations

import mimetypes
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shuangbai.core.audit import audit_record
from shuangbai.core.forms import submit
from shuangbai.core.models import AuditAction
from shuangbai.core.permissions import has_perm, require_page
from shuangbai.regions.models import Level

from . import compose, importer, selectors, services
from .content import Section as ContentSection
from .content import Table
from .docx import render_docx
from .forms import (
    AcceptForm,
    ActionForm,
    ArchiveForm,
    ArticleEditForm,
    ArticleForm,
    BulletinEditForm,
    BulletinForm,
    ImportArticleFormSet,
    ImportUploadForm,
    IssueForm,
    MastheadForm,
    PhotoForm,
    ReturnForm,
    TableForm,
)
from .models import (
    ArticleStatus,
    Bulletin,
    BulletinStatus,
    Section,
    SourceKind,
    TableKind,
)
from .sources import RECENT, SOURCES, record_facts

IMPORT_SESSION_KEY = "bulletins:import"
ISSUE_NUMBER = re.compile(r"(?:(\d{4})年)?第(\d+)期")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _manager_city(request: HttpRequest) -> str:
    """The city whose bulletin the user manages, or 403."""
    city = services.city_code_of(request.user) or ""
    require_page(request.user, "bulletin.manage", city)
    return city


def _writer_city(request: HttpRequest) -> str:
    """The city the user writes articles for, or 403."""
    city = services.city_code_of(request.user) or ""
    require_page(request.user, "article.write", city)
    return city


def _versioned(data: dict) -> dict:
    """A form's data for the services here, which take the version the user started from as `expected_version`."""
    changes = dict(data)
    changes["expected_version"] = changes.pop("version")
    return changes


def _int_arg(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        raise Http404 from None


# ---------------------------------------------------------------------------------------------- issues


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    city = services.city_code_of(user)
    manages = bool(city) and has_perm(user, "bulletin.manage", city)
    bulletins = selectors.bulletin_list(user)
    return render(
        request,
        "bulletins/index.html",
        {
            "drafts": bulletins.filter(status=BulletinStatus.DRAFT) if manages else [],
            "page": Paginator(bulletins.filter(status=BulletinStatus.PUBLISHED), 20).get_page(
                request.GET.get("page")
            ),
            "inbox": selectors.inbox(user, city) if manages else [],
            "own": selectors.own_articles(user)[:50],
            "manages": manages,
            "writes": city is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def masthead(request: HttpRequest) -> HttpResponse:
    city = _manager_city(request)
    current = services.masthead_for(city)
    form = MastheadForm(
        request.POST or None,
        initial={
            "version": current.version if current.pk else None,
            "name": current.name,
            "unit": current.unit,
            "sent_to": current.sent_to,
            "copied_to": current.copied_to,
        },
    )
    if submit(
        form, lambda data: services.masthead_save(actor=request.user, city_code=city, **_versioned(data))
    ):
        messages.success(request, "简报设置已保存，新建的期次将使用这些内容。")
        return redirect("bulletins:index")
    return render(
        request, "core/form.html", {"form": form, "title": "简报设置（名称、编印单位、发至、抄送）"}
    )


@require_http_methods(["GET", "POST"])
def bulletin_create(request: HttpRequest) -> HttpResponse:
    city = _manager_city(request)
    today = timezone.localdate()
    current = services.masthead_for(city)
    initial = {
        "year": today.year,
        "sequence": services.next_sequence(city, today.year),
        "issued_on": today,
        "name": current.name,
        "unit": current.unit,
        "sent_to": current.sent_to,
        "copied_to": current.copied_to,
    }
    form = BulletinForm(request.POST or None, initial=initial)
    if done := submit(
        form, lambda data: services.bulletin_create(actor=request.user, city_code=city, **data)
    ):
        messages.success(request, f"已新建{done.value.number}，请添加稿件。")
        return redirect(done.value)
    return render(
        request, "core/form.html", {"form": form, "title": "新建一期简报", "back_url": "bulletins:index"}
    )


@require_http_methods(["GET", "POST"])
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    require_page(request.user, "bulletin.manage", bulletin)
    if bulletin.is_published:
        raise PermissionDenied
    fields = ("year", "sequence", "issued_on", "name", "unit", "sent_to", "copied_to")
    form = BulletinEditForm(
        request.POST or None,
        initial={"version": bulletin.version, **{f: getattr(bulletin, f) for f in fields}},
    )
    if submit(
        form, lambda data: services.bulletin_update(actor=request.user, bulletin=bulletin, **_versioned(data))
    ):
        messages.success(request, "已保存。")
        return redirect(bulletin)
    return render(
        request, "core/form.html", {"form": form, "title": f"修改{bulletin.number}", "back": bulletin}
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    manages = has_perm(request.user, "bulletin.manage", bulletin)
    editing = manages and not bulletin.is_published
    articles = list(selectors.issue_articles(bulletin))
    sections = [(key, label, [a for a in articles if a.section == key]) for key, label in Section.choices]
    context = {
        "bulletin": bulletin,
        "sections": sections,
        "editing": editing,
        "document": compose.compose(bulletin) if bulletin.is_published else None,
    }
    if editing:
        context.update(
            {
                "inbox": selectors.inbox(request.user, bulletin.region_code),
                "table_form": TableForm(initial={"as_of": timezone.localdate()}),
                "source_kinds": SourceKind.choices,
                "section_choices": Section.choices,
            }
        )
    return render(request, "bulletins/detail.html", context)


@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    return render(
        request,
        "bulletins/preview.html",
        {
            "bulletin": bulletin,
            "document": compose.compose(bulletin),
            "media_url": _media_prefix(bulletin),
        },
    )


def _media_prefix(bulletin: Bulletin) -> str:
    """The URL photo paths of the issue are appended to (the preview template writes prefix + path)."""
    return reverse("bulletins:media", args=[bulletin.pk, "-"])[:-1]


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    data = render_docx(compose.compose(bulletin), media_root=Path(settings.MEDIA_ROOT))
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=bulletin, region_code=bulletin.region_code
    )
    response = HttpResponse(data, content_type=DOCX_TYPE)
    filename = f"{bulletin.name}{bulletin.number}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@require_GET
def media(request: HttpRequest, pk: int, path: str) -> HttpResponse:
    """A photo of the issue, only when the issue (as the reader sees it composed) shows it."""
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    shown = {photo.path for s in compose.compose(bulletin).sections for a in s.articles for photo in a.photos}
    if path not in shown:
        raise Http404
    return _file(path)


def _file(relative: str) -> FileResponse:
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / relative).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    response = FileResponse(target.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(bulletin)
    require_page(request.user, "bulletin.publish", bulletin)
    # Not submit(), as for the other buttons of the issue and article pages: no form page to show the errors
    # on, so they go back to the page posted from as messages.
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再发布。")
        return redirect(bulletin)
    try:
        services.bulletin_publish(
            actor=request.user, bulletin=bulletin, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"{bulletin.number}已发布，内容已固定。")
    return redirect(bulletin)


@require_http_methods(["GET", "POST"])
def table_insert(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(bulletin)
    require_page(request.user, "bulletin.manage", bulletin)
    form = TableForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(f"{form.fields[f].label}：{e}" for f, es in form.errors.items() for e in es)
        )
        return redirect(bulletin)
    try:
        article = services.table_article_create(actor=request.user, bulletin=bulletin, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(bulletin)
    messages.success(request, f"已插入《{article.title}》。")
    return redirect(bulletin)


# ---------------------------------------------------------------------------------------------- articles


def _bulletin_arg(request: HttpRequest) -> Bulletin | None:
    pk = _int_arg(request.GET.get("bulletin") or request.POST.get("bulletin"))
    if pk is None:
        return None
    bulletin = selectors.get_bulletin_for_user(request.user, pk)
    require_page(request.user, "bulletin.manage", bulletin)
    if bulletin.is_published:
        raise PermissionDenied
    return bulletin


@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    city = _writer_city(request)
    bulletin = _bulletin_arg(request)
    section = (
        request.GET.get("section")
        if request.GET.get("section") in Section.values
        else _default_section(request)
    )
    form = ArticleForm(request.POST or None, initial={"section": section})
    if done := submit(
        form,
        lambda data: services.article_create(actor=request.user, city_code=city, bulletin=bulletin, **data),
    ):
        messages.success(request, "稿件已保存。")
        return redirect(done.value)
    return render(
        request, "bulletins/article_form.html", {"form": form, "bulletin": bulletin, "article": None}
    )


def _default_section(request: HttpRequest) -> str:
    user = request.user
    if user.scope_station_id:
        return Section.STATION
    if user.scope_region_id and user.scope_region.level == Level.COUNTY:
        return Section.COUNTY
    return Section.CITY


@require_http_methods(["GET", "POST"])
def article_draft(request: HttpRequest) -> HttpResponse:
    """Pick a record (GET ?kind=) and draft an article from it (POST kind, id[, bulletin])."""
    city = _writer_city(request)
    bulletin = _bulletin_arg(request)
    kind = request.POST.get("kind") or request.GET.get("kind") or SourceKind.ACTIVITY
    if kind not in SOURCES:
        raise Http404
    if request.method == "POST":
        try:
            article = services.article_from_source(
                actor=request.user,
                kind=kind,
                pk=_int_arg(request.POST.get("id")) or 0,
                city_code=city,
                bulletin=bulletin,
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已根据记录起草稿件，数字将随记录更新，发布后固定。请修改润色。")
            return redirect(article)
    spec = SOURCES[kind]
    records = [(record.pk, spec.label(record)) for record in spec.records(request.user)[:RECENT]]
    return render(
        request,
        "bulletins/article_draft.html",
        {"kind": kind, "kinds": SourceKind.choices, "records": records, "bulletin": bulletin},
    )


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    user = request.user
    manages = has_perm(user, "bulletin.manage", article)
    published = bool(article.bulletin_id) and article.bulletin.is_published
    # who changed what: the audit log's, so for bureau roles only
    history = selectors.article_history(article) if has_perm(user, "audit.view") else None
    live = article.source_kind and not published
    context = {
        "article": article,
        "content": compose.printed_article(article),  # a published one as frozen, not as its records are now
        "facts": record_facts(article.source_kind, article.source_id) if live else {},
        "photos": list(article.photos.all()),
        "can_edit": has_perm(user, "article.edit", article),
        "can_submit": not manages
        and article.status in {ArticleStatus.DRAFT, ArticleStatus.RETURNED}
        and has_perm(user, "article.edit", article),
        "manages": manages and not published,
        "history": history,
        "photo_form": PhotoForm(),
    }
    if manages and not published:
        drafts = selectors.draft_issues(user, article.city_code)
        context["accept_form"] = AcceptForm(
            bulletins=drafts, initial={"version": article.version, "section": article.section}
        )
        context["return_form"] = ReturnForm(initial={"version": article.version})
    return render(request, "bulletins/article_detail.html", context)


@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    require_page(request.user, "article.edit", article)
    initial = {
        "version": article.version,
        "section": article.section,
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "table_as_of": article.table_as_of,
    }
    form = ArticleEditForm(request.POST or None, initial=initial)
    if article.table_kind != TableKind.PROGRESS:
        del form.fields["table_as_of"]
    if submit(
        form, lambda data: services.article_update(actor=request.user, article=article, **_versioned(data))
    ):
        messages.success(request, "稿件已保存。")
        return redirect(article)
    facts = record_facts(article.source_kind, article.source_id) if article.source_kind else {}
    return render(
        request,
        "bulletins/article_form.html",
        {"form": form, "article": article, "bulletin": article.bulletin, "facts": facts},
    )


def _article_action(
    request: HttpRequest, pk: int, permission: str, run, done: str, form_class=ActionForm, **form_kwargs
):
    """POST a status change: the article (404 outside reach), the permission, the version, the service; back to
    the article, with any errors as messages (a button of the article page: no form page, so not submit())."""
    article = selectors.get_article_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(article)
    require_page(request.user, permission, article)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        errors = [
            f"{form.fields[f].label}：{e}" if f in form.fields else e
            for f, es in form.errors.items()
            for e in es
        ]
        messages.error(request, "；".join(errors))
        return redirect(article)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        run(article, version, data)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(article)


@require_http_methods(["GET", "POST"])
def article_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _article_action(
        request,
        pk,
        "article.submit",
        lambda a, v, d: services.article_submit(actor=request.user, article=a, expected_version=v),
        "已报送市民政局，等待采用。",
    )


@require_http_methods(["GET", "POST"])
def article_accept(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(article)
    require_page(request.user, "article.review", article)
    drafts = selectors.draft_issues(request.user, article.city_code)

    def run(a, version, data):
        bulletin = drafts.filter(pk=data["bulletin"]).first()
        if bulletin is None:
            raise ValidationError("所选期次已发布或不存在，请另选一期。")
        services.article_accept(
            actor=request.user,
            article=a,
            bulletin=bulletin,
            section=data["section"],
            expected_version=version,
        )

    return _article_action(request, pk, "article.review", run, "已采用到本期。", AcceptForm, bulletins=drafts)


@require_http_methods(["GET", "POST"])
def article_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _article_action(
        request,
        pk,
        "article.review",
        lambda a, v, d: services.article_return(
            actor=request.user, article=a, comment=d["comment"], expected_version=v
        ),
        "已退回供稿单位。",
        ReturnForm,
    )


@require_http_methods(["GET", "POST"])
def article_take_out(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(article)
    bulletin = article.bulletin
    _article_action(
        request,
        pk,
        "article.review",
        lambda a, v, d: services.article_take_out(actor=request.user, article=a, expected_version=v),
        "已移出本期。",
    )
    return redirect(bulletin) if bulletin else redirect(article)


@require_http_methods(["GET", "POST"])
def article_move(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(article)
    require_page(request.user, "article.review", article)
    step = -1 if request.POST.get("step") == "up" else 1
    try:
        services.article_move(actor=request.user, article=article, step=step)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(
        f"{article.bulletin.get_absolute_url()}#article-{article.pk}" if article.bulletin_id else article
    )


@require_http_methods(["GET", "POST"])
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk)
    if request.method == "GET":
        return redirect(article)
    require_page(request.user, "article.edit", article)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                article=article,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "照片已添加。")
    else:
        messages.error(
            request, "；".join(f"{form.fields[f].label}：{e}" for f, es in form.errors.items() for e in es)
        )
    return redirect(article)


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    return _file(selectors.get_photo_for_user(request.user, pk).path)


@require_http_methods(["GET", "POST"])
def photo_remove(request: HttpRequest, pk: int) -> HttpResponse:
    photo = selectors.get_photo_for_user(request.user, pk)
    article = photo.article
    if request.method == "GET":
        return redirect(article)
    require_page(request.user, "article.edit", article)
    services.photo_remove(actor=request.user, photo=photo)
    messages.success(request, "照片已删除。")
    return redirect(article)


# ---------------------------------------------------------------------------------------------- archive


@require_GET
def archive(request: HttpRequest) -> HttpResponse:
    regions = selectors.archive_regions(request.user)
    form = ArchiveForm(request.GET or None, regions=regions)
    if request.GET and not form.is_valid():  # say what is wrong; never list everything under the error
        return render(request, "bulletins/archive.html", {"form": form, "page": None})
    data = form.cleaned_data if request.GET else {}
    region = regions.filter(code=data["region"]).first() if data.get("region") else None
    articles = selectors.archive_search(
        request.user,
        selectors.ArchiveFilter(
            text=data.get("q", ""), region=region, start=data.get("date_from"), end=data.get("date_to")
        ),
    )
    page = Paginator(articles, 30).get_page(request.GET.get("page"))
    return render(request, "bulletins/archive.html", {"form": form, "page": page})


# ---------------------------------------------------------------------------------------------- back issues


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    city = _manager_city(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        places = [r.name for r in services.city_places(city)]
        try:
            parsed = importer.read_upload(upload.name, upload.read(), places)
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "token": uuid.uuid4().hex,
                "name": upload.name,
                "parsed": parsed.as_dict(),
            }
            return redirect("bulletins:import_review")
    return render(request, "bulletins/import_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
def import_review(request: HttpRequest) -> HttpResponse:
    """The split as found, for the officer to correct: section, title and text of each article, merged into the
    one before or left out; the number and date of the issue. Nothing is saved until this page is posted."""
    city = _manager_city(request)
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending:
        messages.error(request, "没有待确认的导入，请先上传文件。")
        return redirect("bulletins:import")
    parsed = pending["parsed"]
    found = [(s["key"], a) for s in parsed["sections"] for a in s["articles"]]
    issued_on = parsed.get("issued_on")
    number = ISSUE_NUMBER.search(parsed.get("number") or "")
    issue_initial = {
        "year": int(number.group(1))
        if number and number.group(1)
        else (int(issued_on[:4]) if issued_on else None),
        "sequence": int(number.group(2)) if number else None,
        "issued_on": issued_on,
        "sent_to": parsed["sent_to"],
        "copied_to": parsed["copied_to"],
    }
    initial = [{"section": key, "title": a["title"], "body": "\n".join(a["paragraphs"])} for key, a in found]
    if request.method == "POST" and (
        request.POST.get("token") != pending["token"] or _posted_count(request) != len(found)
    ):
        # posted from the page of another upload (a second tab), or a form that lost its rows
        messages.error(request, "页面已过期（已上传了另一个文件），请核对下面的拆分结果后重新保存。")
        return redirect("bulletins:import_review")
    issue_form = IssueForm(request.POST or None, initial=issue_initial)
    formset = ImportArticleFormSet(request.POST or None, initial=initial, prefix="a")
    if done := submit(
        issue_form,
        lambda data: services.import_issue(
            actor=request.user,
            city_code=city,
            sections=_corrected_sections(formset, [a for _, a in found]),
            **data,
        ),
        formset,
    ):
        bulletin = done.value
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, f"已导入{bulletin.number}，共{bulletin.articles.count()}篇稿件。")
        return redirect(bulletin)
    rows = list(zip(formset.forms, [a for _, a in found], strict=True))
    return render(
        request,
        "bulletins/import_review.html",
        {
            "issue_form": issue_form,
            "formset": formset,
            "rows": rows,
            "skipped": parsed["skipped"],
            "file_name": pending["name"],
            "token": pending["token"],
        },
    )


def _posted_count(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("a-TOTAL_FORMS", ""))
    except ValueError:
        return None


def _corrected_sections(formset, found: list[dict]) -> list[ContentSection]:
    """The articles as corrected: left out, merged into the one before (its title becomes a paragraph there,
    its tables follow), moved between sections."""
    from .content import Article as ContentArticle

    kept: list[tuple[str, ContentArticle]] = []
    for form, original in zip(formset.forms, found, strict=True):
        data = form.cleaned_data
        if data.get("drop"):
            continue
        paragraphs = [line.strip() for line in data.get("body", "").splitlines() if line.strip()]
        tables = [Table.from_dict(t) for t in original.get("tables", [])]
        if data.get("merge") and kept:
            previous = kept[-1][1]
            previous.paragraphs.extend([data["title"], *paragraphs])
            previous.tables.extend(tables)
            previous.byline = original.get("byline") or previous.byline  # a byline ends the article it closes
            continue
        kept.append(
            (
                data["section"],
                ContentArticle(
                    title=data["title"],
                    paragraphs=paragraphs,
                    tables=tables,
                    byline=original.get("byline", ""),
                ),
            )
        )
    return [
        ContentSection(key=key, articles=[article for k, article in kept if k == key])
        for key in Section.values
        if any(k == key for k, _ in kept)
    ]
