"""The access matrix: every URL pattern the project serves, for every role, inside and outside its scope.

ROUTES names each URL pattern with the kind of object its argument points at and the access it needs. A pattern
the project serves that is not in ROUTES (nor in UNCHECKED, with a reason) is itself a failure: a new view
cannot be added without saying who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Served by Django itself and guarded by its own staff check, or needing no login at all.
UNCHECKED = {
    "login": "the login page is public",
    "logout": "POST-only logout of the current session",
    "healthz": "liveness probe, public, no data",
}
UNCHECKED_NAMESPACES = {"admin": "Django admin, superusers only (is_staff check by Django)"}


@dataclass(frozen=True)
class Route:
    kind: (
        str | None
    )  # what the URL argument points at: station, point, staff, region, town; None: no argument
    # read | manage | personal | personal_manage | bureau | self | edit | reveal | import | import_read |
    # catalogue | amend (a visit: its author, or the head of its station) | region_read (region roles only) |
    # bureau_or_head
    access: str
    query: str | None = None  # for list pages: the query parameter that takes the object
    scoped: bool = True  # False: shared data (the category catalogue), no "outside" to test


ROUTES: dict[str, Route] = {
    "home": Route(None, "self"),
    "password_change": Route(None, "self"),
    "audit_log": Route(None, "bureau"),
    "regions:index": Route(None, "read"),
    "regions:detail": Route("region", "read"),
    "stations:index": Route("region", "read", query="region"),
    "stations:create": Route("town", "manage"),
    "stations:detail": Route("station", "read"),
    "stations:edit": Route("station", "manage"),
    "stations:retire": Route("station", "manage"),
    "stations:point_create": Route("station", "manage"),
    "stations:point": Route("point", "read"),
    "stations:point_edit": Route("point", "manage"),
    "stations:point_retire": Route("point", "manage"),
    "staff:index": Route("station", "personal", query="station"),
    "staff:create": Route("station", "personal_manage", query="station"),
    "staff:create_supervisor": Route(None, "personal_manage"),
    "staff:detail": Route("staff", "personal"),
    "staff:edit": Route("staff", "personal_manage"),
    "staff:move": Route("staff", "personal_manage"),
    "staff:leave": Route("staff", "personal_manage"),
    "registry:index": Route("region", "personal", query="region"),
    "registry:export": Route("region", "personal", query="region"),
    "registry:lookup": Route(None, "personal"),
    "registry:stats": Route("region", "read", query="region"),
    "registry:duplicates": Route(None, "personal"),
    "registry:detail": Route("beneficiary", "personal"),
    "registry:edit": Route("beneficiary", "edit"),
    "registry:exit": Route("beneficiary", "edit"),
    "registry:reinstate": Route("beneficiary", "edit"),
    "registry:reveal": Route("beneficiary", "reveal"),
    "registry:merge": Route("beneficiary", "edit"),
    "registry:household_create": Route(None, "edit"),
    "registry:household": Route("household", "personal"),
    "registry:household_edit": Route("household", "edit"),
    "registry:member_create": Route("household", "edit"),
    "registry:categories": Route(None, "read"),
    "registry:category_create": Route(None, "catalogue"),
    "registry:category_edit": Route("category", "catalogue", scoped=False),
    "registry:import": Route("region", "import", query="into"),
    "registry:import_template": Route(None, "import"),
    "registry:import_result": Route("import", "import_read"),
    "registry:import_errors": Route("import", "import_read"),
    "visits:index": Route("station", "personal", query="station"),
    "visits:due": Route("station", "personal", query="station"),
    "visits:create": Route("household", "edit", query="household"),
    "visits:detail": Route("visit", "personal"),
    "visits:edit": Route("visit", "amend"),
    "visits:photo": Route("photo", "personal"),
    "visits:health": Route("station", "personal", query="station"),
    "visits:levels": Route(None, "read"),
    "visits:coverage": Route("region", "read", query="region"),
    "visits:missed": Route("region", "personal", query="region"),
    "visits:missed_export": Route("region", "personal", query="region"),
    "visits:two_coverages": Route("region", "read", query="region"),
    # -- construction and the progress table
    "stations:equipment": Route("station", "read"),
    "stations:point_equipment": Route("point", "read"),
    "stations:progress": Route("county", "region_read", query="region"),
    "stations:progress_export": Route("county", "region_read", query="region"),
    "stations:progress_sites": Route("county", "region_read", query="region"),
    "stations:progress_report": Route("county", "region_read"),
    # -- trainings
    "staff:trainings": Route("station", "personal", query="station"),
    "staff:training": Route("training", "personal"),
    "staff:training_create": Route("station", "bureau_or_head", query="station"),
    "staff:training_edit": Route("training", "bureau_or_head"),  # bureau + the organising station's head
    "staff:cover_start": Route("staff", "bureau_or_head"),  # 兼任
    "staff:cover_end": Route("staff", "bureau_or_head"),
    # -- recruitment
    "staff:recruitment": Route(None, "region_read"),
    "staff:recruitment_create": Route(None, "recruit_manage"),
    "staff:recruitment_round": Route("round", "region_read"),  # the figures; names for bureau roles only
    "staff:recruitment_edit": Route("round", "recruit_manage"),
    "staff:recruitment_import": Route("round", "recruit_manage"),
    "staff:applicant_create": Route("round", "recruit_manage"),
    "staff:applicant_edit": Route("applicant", "recruit_manage"),
    "staff:applicant_hire": Route("applicant", "recruit_hire"),
    # -- supervision and evaluation
    "supervision:index": Route("station", "personal", query="station"),
    "supervision:create": Route("station", "supervise", query="station"),
    "supervision:detail": Route("inspection", "personal"),
    "supervision:recommendation_done": Route("recommendation", "follow_up"),
    "supervision:items": Route(None, "catalogue"),
    "supervision:item_toggle": Route("check_item", "catalogue", scoped=False),
    # -- cases and referrals
    "cases:index": Route("station", "personal", query="station"),
    "cases:create": Route("beneficiary", "casework", query="beneficiary"),
    "cases:create_person": Route("station", "casework", query="station"),
    "cases:detail": Route("case", "personal"),
    "cases:edit": Route("case", "casework"),
    "cases:note_create": Route("case", "casework"),
    "cases:goal_create": Route("case", "casework"),
    "cases:goal_edit": Route("goal", "casework"),
    "cases:review_create": Route("case", "case_review"),
    "cases:close": Route("case", "casework"),
    "cases:exemplary": Route("case", "casework"),
    "cases:referral_create": Route("case", "casework"),
    "cases:step_create": Route("referral", "casework"),
    "cases:agencies": Route(None, "catalogue"),
    "cases:agency_edit": Route("agency", "catalogue", scoped=False),
    # -- assistance and distribution
    "assistance:index": Route("beneficiary", "personal", query="beneficiary"),
    "assistance:create": Route("beneficiary", "edit", query="beneficiary"),
    "assistance:detail": Route("assistance", "personal"),
    "assistance:advance": Route("assistance", "edit"),
    "assistance:types": Route(None, "catalogue"),
    "assistance:type_toggle": Route("assistance_type", "catalogue", scoped=False),
    "assistance:batches": Route(None, "read"),
    "assistance:batch_create": Route(None, "bureau_or_head"),
    "assistance:batch": Route("batch", "read"),  # totals and stock per holder, no names: the viewer too
    "assistance:allocate": Route("batch", "personal_manage"),
    "assistance:hand_out": Route("batch", "hand_out"),
    "assistance:return": Route("batch", "keep"),
    "assistance:pending": Route("batch", "personal"),
    "assistance:hand_out_photo": Route("hand_out", "personal"),
    # -- activities, volunteers, partners
    "activities:index": Route("station", "read", query="station"),  # no names: the viewer too
    "activities:create": Route("station", "edit", query="station"),
    "activities:detail": Route("activity", "personal"),
    "activities:edit": Route("activity", "edit"),
    "activities:people": Route("station", "personal", query="station"),
    "activities:photo": Route("activity_photo", "personal"),
    "activities:volunteers": Route("station", "personal", query="station"),
    "activities:volunteer_create": Route("station", "edit", query="station"),
    "activities:volunteer": Route("volunteer", "personal"),
    "activities:volunteer_edit": Route("volunteer", "edit"),
    "activities:volunteer_service": Route("volunteer", "edit"),
    "activities:partners": Route("station", "personal", query="station"),
    "activities:partner_create": Route("station", "edit", query="station"),
    "activities:partner": Route("partner", "personal"),
    "activities:partner_edit": Route("partner", "edit"),
    # -- station figures
    "stations:figures": Route("region", "read", query="region"),
    "stations:figures_export": Route("region", "read", query="region"),
    # -- the work bulletin: a draft issue is its city bureau's alone; an article its unit's and the city's (a
    # county reads its stations'); published issues are read city-wide (checked in tests/bulletins/test_access.py)
    "bulletins:index": Route(None, "self"),
    "bulletins:archive": Route(None, "read"),
    "bulletins:create": Route(None, "bulletin_manage"),
    "bulletins:masthead": Route(None, "bulletin_manage"),
    "bulletins:import": Route(None, "bulletin_manage"),
    "bulletins:import_review": Route(None, "bulletin_manage"),
    "bulletins:detail": Route("bulletin", "bulletin_draft"),
    "bulletins:preview": Route("bulletin", "bulletin_draft"),
    "bulletins:docx": Route("bulletin", "bulletin_draft"),
    "bulletins:media": Route("bulletin_media", "bulletin_draft"),
    "bulletins:edit": Route("bulletin", "bulletin_draft_write"),
    "bulletins:publish": Route("bulletin", "bulletin_draft_write"),
    "bulletins:table": Route("bulletin", "bulletin_draft_write"),
    "bulletins:article_create": Route(None, "bulletin_write"),
    "bulletins:article_draft": Route(None, "bulletin_write"),
    "bulletins:article": Route("article", "article_read"),
    "bulletins:article_edit": Route("article", "article_edit"),
    "bulletins:article_submit": Route("article", "article_action"),
    "bulletins:article_accept": Route("article", "article_action"),
    "bulletins:article_return": Route("article", "article_action"),
    "bulletins:article_take_out": Route("article", "article_action"),
    "bulletins:article_move": Route("article", "article_action"),
    "bulletins:photo_add": Route("article", "article_action"),
    "bulletins:photo": Route("bulletin_photo", "article_read"),
    "bulletins:photo_remove": Route("bulletin_photo", "article_action"),
}

# For each person of the `world` fixture: the letter of a station inside and one outside their scope.
INSIDE_OUTSIDE = {
    "province": ("a", "e"),
    "city": ("a", "d"),
    "county": ("a", "c"),
    "head_a": ("a", "b"),
    "worker_a": ("a", "b"),
    "worker_b": ("b", "a"),
    "supervisor": ("b", "c"),
    "viewer": ("c", "d"),
}
BUREAU = {"province", "city", "county"}
CATALOGUE = {"province", "city"}
REVEAL = BUREAU | {"head_a"}  # and import: bureau roles and station heads
FOLLOW_UP = BUREAU | {"supervisor", "head_a"}  # marking an inspection's recommendation done
CASEWORK = {"head_a", "worker_a", "worker_b"}  # working a case: the people of its station
STATION_STAFF = {"head_a", "worker_a", "worker_b"}  # handing out goods at their station
WRITERS = {"city", "county", "head_a", "worker_a", "worker_b"}  # write bulletin articles for their city


def served_route_names(urlconf=None) -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in UNCHECKED_NAMESPACES:
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                names.add(
                    f"{namespace}{pattern.name}"
                    if pattern.name
                    else f"{namespace}<unnamed {pattern.pattern}>"
                )

    walk(get_resolver(urlconf).url_patterns, "")
    return names


def unlisted_routes(routes: dict[str, Route] = ROUTES, urlconf=None) -> list[str]:
    served = served_route_names(urlconf)
    return [
        f"{name}: served but not in the access matrix (add it to ROUTES)"
        for name in sorted(served - set(routes) - set(UNCHECKED))
    ]


def _import_run(world, letter: str, owner) -> int:
    """A failed import (so with an error file) into station `letter`'s town. Import results are their
    importer's alone: inside, `owner` made it (roles that cannot import are refused before the look-up, so any
    run will do for them); outside, somebody else did."""
    from shuangbai.registry.ledger import import_ledger
    from shuangbai.registry.services import IMPORT_ROLES

    if owner is None or owner.role not in IMPORT_ROLES:
        owner = _superuser()
    key = f"_import_{letter}_{owner.username}"
    if not hasattr(world, key):
        station = getattr(world, f"station_{letter}")
        run = import_ledger(actor=owner, data=BAD_LEDGER_CSV, filename="台账.csv", into=station.town)
        assert run.error_file, "the matrix needs a failed import with an error file"
        setattr(world, key, run.pk)
    return getattr(world, key)


def _visit(world, letter: str) -> tuple[int, int]:
    """A home visit with one photo to station `letter`'s household, recorded by its worker where the fixture
    has one (so worker_a and worker_b are the authors of theirs), else by a superuser. (visit id, photo id)"""
    import io
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from shuangbai.visits.services import visit_record

    key = f"_visit_{letter}"
    if not hasattr(world, key):
        author = getattr(world, f"worker_{letter}", None) or _superuser()
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "blue").save(picture, "JPEG")
        visit = visit_record(
            actor=author,
            household=getattr(world, f"household_{letter}"),
            visited_at=timezone.now() - timedelta(hours=1),
            workers=[getattr(world, f"staff_{letter}")],
            photos=[SimpleUploadedFile("p.jpg", picture.getvalue(), "image/jpeg")],
        )
        setattr(world, key, (visit.pk, visit.photos.get().pk))
    return getattr(world, key)


def _training(world, letter: str) -> int:
    """A training organised by station `letter`, attended by its worker."""
    from datetime import date

    from shuangbai.staff.services import training_record

    key = f"_training_{letter}"
    if not hasattr(world, key):
        training = training_record(
            actor=None,
            station=getattr(world, f"station_{letter}"),
            kind="professional",
            held_on=date(2021, 7, 20),
            topic="入户走访实务",
            hours=3,
            attendees=[getattr(world, f"staff_{letter}")],
        )
        setattr(world, key, training.pk)
    return getattr(world, key)


def _recruitment(world, letter: str) -> tuple[int, int]:
    """A worker recruitment round of station `letter`'s city with posts in its county only (so a county user
    of another county of the same city sees none of it), and one applicant there who passed the written
    exam. (round id, applicant id)"""
    from datetime import date
    from decimal import Decimal

    from shuangbai.staff.services import applicant_add, recruitment_round_create

    key = f"_recruitment_{letter}"
    if not hasattr(world, key):
        county = getattr(world, f"station_{letter}").town.parent
        round_ = recruitment_round_create(
            actor=None,
            city=county.parent,
            year=2021,
            title=f"招聘{letter.upper()}",
            written_exam_on=date(2021, 8, 1),
            written_pass_line=Decimal("60"),
            positions={county: 3},
        )
        applicant = applicant_add(
            actor=None, round_=round_, name="报名人甲", gender="F", county=county, written_score=Decimal("75")
        )
        setattr(world, key, (round_.pk, applicant.pk))
    return getattr(world, key)


def _inspection(world, letter: str) -> tuple[int, int, int]:
    """An inspection of station `letter` with one scored item and one open recommendation, recorded by a
    superuser. (inspection id, recommendation id, check item id)"""
    from datetime import date

    from shuangbai.supervision.catalogue import seed_check_items
    from shuangbai.supervision.models import CheckItem
    from shuangbai.supervision.services import inspection_record

    key = f"_inspection_{letter}"
    if not hasattr(world, key):
        seed_check_items(CheckItem)  # a transactional test before this one flushed the migration's rows
        item = CheckItem.objects.get(name="入户走访")
        inspection = inspection_record(
            actor=_superuser(),
            station=getattr(world, f"station_{letter}"),
            kind="inspection",
            visited_on=date(2023, 2, 9),
            team="督导组",
            methods=["site"],
            scores=[(item, 85, "良好")],
            recommendations=[("加强培训学习", date(2023, 3, 31))],
        )
        setattr(world, key, (inspection.pk, inspection.recommendations.get().pk, item.pk))
    return getattr(world, key)


def _activity(world, letter: str) -> tuple[int, int, int, int]:
    """An activity of station `letter` with a photo, its beneficiary, a volunteer and a partner of its town.
    (activity id, photo id, volunteer id, partner id)"""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from shuangbai.activities.services import activity_record, partner_create, volunteer_create

    key = f"_activity_{letter}"
    if not hasattr(world, key):
        station = getattr(world, f"station_{letter}")
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(picture, "JPEG")
        partner = partner_create(actor=None, station=station, name="村委会", kind="community")
        volunteer = volunteer_create(actor=None, station=station, name="志愿者甲", phone="13900000000")
        activity = activity_record(
            actor=None,
            station=station,
            title="闹元宵",
            theme="festival",
            held_on=timezone.localdate(),
            place="村委",
            participants=20,
            partners=[partner],
            people=[getattr(world, f"beneficiary_{letter}")],
            volunteers=[(volunteer, 2)],
            photos=[SimpleUploadedFile("p.jpg", picture.getvalue(), "image/jpeg")],
        )
        setattr(world, key, (activity.pk, activity.photos.get().pk, volunteer.pk, partner.pk))
    return getattr(world, key)


def _assistance(world, letter: str) -> tuple[int, int, int, int]:
    """An assistance record of station `letter`'s beneficiary, and a batch received by the station's city,
    allocated to its county and on to the station, one unit handed to that beneficiary with a photo.
    (assistance id, assistance type id, batch id, hand-out id)"""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from shuangbai.assistance.catalogue import seed_assistance_types
    from shuangbai.assistance.models import AssistanceType
    from shuangbai.assistance.services import allocate, assistance_create, batch_receive, hand_out

    key = f"_assistance_{letter}"
    if not hasattr(world, key):
        # a transactional test before this one flushed the migration's rows
        seed_assistance_types(AssistanceType)
        today = timezone.localdate()
        person = getattr(world, f"beneficiary_{letter}")
        station = getattr(world, f"station_{letter}")
        kind = AssistanceType.objects.get(code="medical_relief")
        record = assistance_create(
            actor=None, beneficiary=person, type=kind, party="government", on=max(today, person.registered_on)
        )
        county = station.town.parent
        batch = batch_receive(
            actor=None,
            holder=county.parent,
            item="健康包",
            unit="份",
            quantity=5,
            party="government",
            received_on=today,
        )
        allocate(actor=None, source=batch.holdings.get(), target=county, quantity=3, on=today)
        allocate(actor=None, source=batch.holdings.get(level="county"), target=station, quantity=2, on=today)
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(picture, "JPEG")
        given = hand_out(
            actor=None,
            holding=batch.holdings.get(level="station"),
            beneficiary=person,
            handed_on=today,
            photo=SimpleUploadedFile("s.jpg", picture.getvalue(), "image/jpeg"),
        )
        setattr(world, key, (record.pk, kind.pk, batch.pk, given.pk))
    return getattr(world, key)


def _case(world, letter: str) -> tuple[int, int, int, int]:
    """An open case of station `letter`'s person with one goal and one referral under way, opened by its worker
    where the fixture has one. (case id, goal id, referral id, agency id)"""
    from django.utils import timezone

    from shuangbai.cases.catalogue import seed_agencies
    from shuangbai.cases.models import Agency
    from shuangbai.cases.services import case_open, goal_add, referral_create
    from shuangbai.regions.models import Region

    key = f"_case_{letter}"
    if not hasattr(world, key):
        seed_agencies(Agency, Region)  # a transactional test before this one flushed the migration's rows
        today = timezone.localdate()
        author = getattr(world, f"worker_{letter}", None)
        case = case_open(
            actor=author,
            beneficiary=getattr(world, f"beneficiary_{letter}"),
            opened_on=today,
            source="visit",
            presenting_problem="取暖困难",
            worker=getattr(world, f"staff_{letter}"),
        )
        goal = goal_add(actor=author, case=case, text="安全过冬")
        agency = Agency.objects.get(name="云浮市救助站")
        referral = referral_create(actor=author, case=case, agency=agency, purpose="救助", referred_on=today)
        setattr(world, key, (case.pk, goal.pk, referral.pk, agency.pk))
    return getattr(world, key)


def _bulletin(world, letter: str) -> tuple[int, tuple[int, str]]:
    """A draft issue of the city of station `letter`, with one accepted article holding a photo."""
    from shuangbai.bulletins.models import Article
    from shuangbai.bulletins.services import _store_photo, article_create, bulletin_create
    from shuangbai.core.photos import CleanPhoto

    city = getattr(world, f"station_{letter}").region_code[:4].ljust(12, "0")
    key = f"_bulletin_{city}"
    if not hasattr(world, key):
        issue = bulletin_create(
            actor=None, city_code=city, year=2023, sequence=1, issued_on=date(2023, 2, 15)
        )
        article = article_create(actor=None, city_code=city, section="city", title="市级动态", bulletin=issue)
        photo = _store_photo(article, CleanPhoto(_jpeg(), 8, 8), "图")
        assert Article.objects.get(pk=article.pk).bulletin_id == issue.pk
        setattr(world, key, (issue.pk, (issue.pk, photo.path)))
    return getattr(world, key)


def _article(world, letter: str) -> tuple[int, int]:
    """An article station `letter` wrote and sent in to its city, with a photo."""
    from shuangbai.bulletins.models import Article, ArticleStatus
    from shuangbai.bulletins.services import Unit, _store_photo, article_create
    from shuangbai.core.photos import CleanPhoto

    key = f"_article_{letter}"
    if not hasattr(world, key):
        station = getattr(world, f"station_{letter}")
        article = article_create(
            actor=None,
            city_code=station.region_code[:4].ljust(12, "0"),
            section="station",
            title=f"{station.name}开展活动",
            body="活动正文。",
            unit=Unit(station.region_code, station.pk),
        )
        Article.objects.filter(pk=article.pk).update(status=ArticleStatus.SUBMITTED)
        photo = _store_photo(article, CleanPhoto(_jpeg(), 8, 8), "活动照片")
        setattr(world, key, (article.pk, photo.pk))
    return getattr(world, key)


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "JPEG")
    return out.getvalue()


def _superuser():
    from shuangbai.core.models import User
    from shuangbai.regions.models import Region

    return User.objects.filter(username="root").first() or User.objects.create_superuser(
        "root", role="province", scope_region=Region.objects.get(code="440000000000")
    )


BAD_LEDGER_CSV = "姓名,身份证号,镇（街）,村（居）,类别1\n,123,无此镇,无此村,无此类别\n".encode()


def _object_arg(world, kind: str, letter: str, owner=None):
    station = getattr(world, f"station_{letter}")
    if kind == "import":
        return _import_run(world, letter, owner)
    if kind in ("visit", "photo"):
        return _visit(world, letter)[0 if kind == "visit" else 1]
    if kind == "training":
        return _training(world, letter)
    if kind in ("round", "applicant"):
        return _recruitment(world, letter)[kind == "applicant"]
    if kind in ("inspection", "recommendation", "check_item"):
        return _inspection(world, letter)[("inspection", "recommendation", "check_item").index(kind)]
    if kind in ("activity", "activity_photo", "volunteer", "partner"):
        return _activity(world, letter)[("activity", "activity_photo", "volunteer", "partner").index(kind)]
    if kind in ("assistance", "assistance_type", "batch", "hand_out"):
        return _assistance(world, letter)[("assistance", "assistance_type", "batch", "hand_out").index(kind)]
    if kind in ("case", "goal", "referral", "agency"):
        return _case(world, letter)[("case", "goal", "referral", "agency").index(kind)]
    if kind in ("bulletin", "bulletin_media"):
        return _bulletin(world, letter)[kind == "bulletin_media"]
    if kind in ("article", "bulletin_photo"):
        return _article(world, letter)[kind == "bulletin_photo"]
    if kind == "category":
        from shuangbai.registry.models import Category

        return Category.objects.get(code="dibao").pk
    return {
        "station": station.pk,
        "point": getattr(world, f"point_{letter}").pk,
        "staff": getattr(world, f"staff_{letter}").pk,
        "beneficiary": getattr(world, f"beneficiary_{letter}").pk,
        "household": getattr(world, f"household_{letter}").pk,
        "region": station.town.code,
        "town": station.town.code,
        "county": station.town.parent.code,
    }[kind]


def _url(name: str, route: Route, arg, urlconf=None) -> str:
    if route.kind is None:
        return reverse(name, urlconf=urlconf)
    if route.query:
        return f"{reverse(name, urlconf=urlconf)}?{route.query}={arg}"
    return reverse(name, args=arg if isinstance(arg, tuple) else [arg], urlconf=urlconf)


WRITE_ACCESS = {
    "manage",
    "personal_manage",
    "self",
    "edit",
    "reveal",
    "import",
    "catalogue",
    "amend",
    "bureau_or_head",
}
WRITE_ACCESS |= {"supervise", "follow_up"}  # supervision
WRITE_ACCESS |= {"recruit_manage", "recruit_hire"}  # recruitment
WRITE_ACCESS |= {"casework", "case_review"}  # cases
WRITE_ACCESS |= {"hand_out", "keep"}  # distribution
WRITE_ACCESS |= {"bulletin_draft_write", "article_edit", "article_action"}  # the work bulletin


def expected_inside(username: str, route: Route) -> set[int]:
    bureau = username in BUREAU
    personal = username != "viewer"
    return {
        "self": {200, 302},
        "read": {200, 302},
        "bureau": {200} if bureau else {404},
        "manage": {200} if bureau else {403},
        "personal": {200} if personal else {404},
        "personal_manage": ({200} if bureau else {403}) if personal else {404},
        "edit": ({403} if username == "supervisor" else {200}) if personal else {404},
        "reveal": ({200} if username in REVEAL else {403}) if personal else {404},
        "import": ({200} if username in REVEAL else {403}) if personal else {404},
        "bureau_or_head": ({200} if username in REVEAL else {403}) if personal else {404},
        # GET only; an import's result is its importer's alone, and only importers have any
        "import_read": {200} if username in REVEAL else {404},
        "catalogue": {200} if username in CATALOGUE else {403},
        # the fixture's visits inside are by worker_a (station a) and worker_b (station b)
        # bureau tables without personal data: region roles (the viewer too); station roles and supervisors
        # have no county or city in their scope
        "region_read": {200} if username in BUREAU | {"viewer"} else {404},
        "amend": ({200} if username in {"head_a", "worker_a", "worker_b"} else {403}) if personal else {404},
        # supervision: recording an inspection (bureau roles, supervisors in their stations); marking one of its
        # recommendations done (also the head of the station). The viewer sees no inspection at all.
        "supervise": ({200} if bureau or username == "supervisor" else {403}) if personal else {404},
        "follow_up": ({200} if username in FOLLOW_UP else {403}) if personal else {404},
        # recruitment is bureau business (station roles, supervisors: 404; the viewer reads the figures only,
        # as region_read): the province and the city run a round, a county bureau reads its county's rows
        # (403 on managing them) and hires into its county's stations
        "recruit_manage": ({200} if username in {"province", "city"} else {403}) if bureau else {404},
        "recruit_hire": {200} if bureau else {404},
        # cases: the station's own people (head, workers) open and work its cases; bureau roles and supervisors
        # read them (403 on working them); a supervisor records reviews in the stations assigned. Viewer: 404.
        "casework": ({200} if username in CASEWORK else {403}) if personal else {404},
        "case_review": ({200} if username == "supervisor" else {403}) if personal else {404},
        # distribution: handing goods out is the station's own staff's; moving goods out of a holder (returning
        # them) its keepers': the station's staff, the bureaus over a county's stock. Supervisors read.
        "hand_out": ({200} if username in STATION_STAFF else {403}) if personal else {404},
        "keep": ({200} if bureau or username in STATION_STAFF else {403}) if personal else {404},
        # the work bulletin: the city bureau manages its issues; county and station staff write for their city
        "bulletin_manage": {200, 302} if username == "city" else {403},
        "bulletin_write": {200} if username in WRITERS else {403},
        "bulletin_draft": {200} if username == "city" else {404},
        "bulletin_draft_write": {200, 302} if username == "city" else {404},
        # the inside article is one station `inside` sent in: its unit, its county and its city read it; the
        # unit no longer edits it once sent (403), the city does; actions answer a GET with the article page
        "article_read": {200} if username in WRITERS else {404},
        "article_edit": ({200} if username == "city" else {403}) if username in WRITERS else {404},
        "article_action": {302} if username in WRITERS else {404},
    }[route.access]


def check_matrix(world, routes: dict[str, Route] = ROUTES, urlconf=None) -> list[str]:
    """Every failure as a sentence; an empty list means the matrix holds."""
    failures = unlisted_routes(routes, urlconf)
    served = served_route_names(urlconf)
    anonymous = Client()
    for name, route in routes.items():
        if name not in served:
            failures.append(f"{name}: in the access matrix but not served")
            continue
        url = _url(name, route, _object_arg(world, route.kind, "a") if route.kind else None, urlconf)
        response = anonymous.get(url)
        if response.status_code != 302 or "/login/" not in response["Location"]:
            failures.append(f"anonymous GET {url}: {response.status_code}, expected 302 to the login page")
    for username, (inside, outside) in INSIDE_OUTSIDE.items():
        client = Client()
        client.force_login(getattr(world, username))
        for name, route in routes.items():
            if name not in served:
                continue
            user = getattr(world, username)
            arg_in = _object_arg(world, route.kind, inside, owner=user) if route.kind else None
            url = _url(name, route, arg_in, urlconf)
            status = client.get(url).status_code
            if status not in expected_inside(username, route):
                failures.append(
                    f"{username} GET {url} (inside): {status}, expected {expected_inside(username, route)}"
                )
            if route.kind is None or not route.scoped:
                continue
            url = _url(name, route, _object_arg(world, route.kind, outside), urlconf)
            # POST too where the view takes it: a view must not check the scope only on GET.
            methods = ("get", "post") if route.access in WRITE_ACCESS else ("get",)
            for method in methods:
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{username} {method.upper()} {url} (outside): {status}, expected 404")
    return failures
