"""The access matrix: every URL pattern the project serves, for every role, inside and outside its scope, with
its expectations taken from the permission table (shuangbai.core.permissions).

ROUTES names each URL pattern with the kind of object its argument points at and the permission the page needs
(and, where a POST needs more than the page, the permission of the POST). A pattern the project serves that is
not in ROUTES (nor in UNCHECKED, with a reason) is itself a failure: a new view cannot be added without saying
who may see it.

What the table says, the views must do: outside the user's scope, 404 (GET and POST); inside, the page answers
when the user holds the permission, 404 when they lack its read permission (`seen_with`), else 403; a POST the
user may not make is refused the same way, before anything is read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shuangbai.core.models import system_actor
from shuangbai.core.permissions import PERMISSIONS, has_perm, in_scope

# Served by Django itself and guarded by its own staff check, or needing no login at all.
UNCHECKED = {
    "login": "the login page is public",
    "logout": "POST-only logout of the current session",
    "healthz": "liveness probe, public, no data",
    "admin_login": "a redirect to the login page (one door, with the lockout)",
}
UNCHECKED_NAMESPACES = {"admin": "Django admin, superusers only (is_staff check by Django)"}
OK = frozenset({200})
REDIRECT = frozenset({302})
EITHER = frozenset({200, 302})


@dataclass(frozen=True)
class Route:
    # what the URL argument points at: station, point, staff, region, town, county, beneficiary ...; None: none
    kind: str | None
    # the permission the page needs; None: any signed-in user (their own account, their home)
    perm: str | None
    query: str | None = None  # for list pages: the query parameter that takes the object
    post: str | None = None  # the permission a POST needs, where more than the page's
    ok: frozenset = OK  # what a permitted GET answers
    scoped: bool = True  # False: shared data (a catalogue entry), no "outside" to test
    on_object: bool = True  # False: the permission applies to a record the view picks (a batch's holding)
    get_only: bool = False  # a download: no POST to refuse


CAT = "catalogue.manage"
ROUTES: dict[str, Route] = {
    "home": Route(None, None, ok=EITHER),
    "password_change": Route(None, None, ok=EITHER),
    "logout_everywhere": Route(None, None, ok=frozenset({405})),  # POST only, one's own sessions
    "more": Route(None, None),  # 全部功能: the menu of what the user may open
    "audit_log": Route(None, "audit.view"),
    "account_unlock": Route(None, "account.unlock", ok=frozenset({405})),  # POST only
    "regions:index": Route(None, "region.view", ok=EITHER),
    "regions:detail": Route("region", "region.view"),
    "stations:index": Route("region", "station.view", query="region"),
    "stations:create": Route("town", "station.manage"),
    "stations:detail": Route("station", "station.view"),
    "stations:edit": Route("station", "station.manage"),
    "stations:retire": Route("station", "station.manage"),
    "stations:point_create": Route("station", "station.manage"),
    "stations:point": Route("point", "station.view"),
    "stations:point_edit": Route("point", "station.manage"),
    "stations:point_retire": Route("point", "station.manage"),
    "staff:index": Route("station", "staff.view", query="station"),
    "staff:create": Route("station", "staff.manage", query="station"),
    "staff:create_supervisor": Route(None, "staff.manage"),
    "staff:detail": Route("staff", "staff.view"),
    "staff:edit": Route("staff", "staff.manage"),
    "staff:move": Route("staff", "staff.manage"),
    "staff:leave": Route("staff", "staff.manage"),
    "registry:index": Route("region", "beneficiary.view", query="region"),
    "registry:export": Route("region", "beneficiary.view", query="region"),
    "registry:lookup": Route(None, "beneficiary.view"),
    "registry:stats": Route("region", "beneficiary.stats", query="region"),
    "dashboards:index": Route("region", "dashboard.view", query="region"),
    "dashboards:screen": Route("region", "dashboard.view", query="region"),
    "dashboards:screen_data": Route("region", "dashboard.view", query="region"),
    "dashboards:high_risk": Route("region", "dashboard.view_names", query="region"),
    "registry:duplicates": Route(None, "beneficiary.view"),
    "registry:detail": Route("beneficiary", "beneficiary.view"),
    "registry:edit": Route("beneficiary", "beneficiary.edit"),
    "registry:exit": Route("beneficiary", "beneficiary.edit"),
    "registry:reinstate": Route("beneficiary", "beneficiary.edit"),
    "registry:reveal": Route("beneficiary", "beneficiary.reveal_id"),
    # the 拨打 link's audit: POST only (a GET in scope answers 405)
    "registry:called": Route("beneficiary", "visit.record", ok=frozenset({405})),
    "registry:merge": Route("beneficiary", "beneficiary.edit"),
    "registry:household_create": Route(None, "beneficiary.edit"),
    "registry:household": Route("household", "beneficiary.view"),
    "registry:household_edit": Route("household", "beneficiary.edit"),
    "registry:member_create": Route("household", "beneficiary.edit"),
    "registry:categories": Route(None, "catalogue.view"),
    "registry:category_create": Route(None, CAT),
    "registry:category_edit": Route("category", CAT, scoped=False),
    "registry:import": Route("region", "beneficiary.import", query="into"),
    "registry:import_template": Route(None, "beneficiary.import", get_only=True),
    "registry:import_result": Route("import", "beneficiary.view"),  # an import run is its importer's alone
    "registry:import_errors": Route("import", "beneficiary.import", get_only=True),
    "visits:index": Route("station", "visit.view", query="station"),
    "visits:due": Route("station", "visit.view", query="station"),
    "visits:create": Route("household", "visit.record", query="household"),
    "visits:detail": Route("visit", "visit.view"),
    "visits:edit": Route("visit", "visit.amend"),
    "visits:photo": Route("photo", "visit.view"),
    "visits:health": Route("station", "visit.view", query="station"),
    "visits:levels": Route(None, "follow_up_level.view", post="follow_up_level.edit"),
    "visits:coverage": Route("region", "coverage.view", query="region"),
    "visits:missed": Route("region", "visit.view", query="region"),
    "visits:missed_export": Route("region", "visit.view", query="region"),
    "visits:two_coverages": Route("region", "coverage.view", query="region"),
    # -- construction and the progress table
    "stations:equipment": Route("station", "station.view", post="equipment.record"),
    "stations:point_equipment": Route("point", "station.view", post="equipment.record", on_object=False),
    "stations:progress": Route("county", "progress.view", query="region"),
    "stations:progress_export": Route("county", "progress.view", query="region"),
    "stations:progress_sites": Route("county", "progress.view", query="region"),
    "stations:progress_report": Route("county", "progress.view", post="progress.report"),
    # -- trainings
    "staff:trainings": Route("station", "training.view", query="station"),
    "staff:training": Route("training", "training.view"),
    "staff:training_create": Route("station", "training.record", query="station"),
    "staff:training_edit": Route("training", "training.record"),  # bureau + the organising station's head
    "staff:cover_start": Route("staff", "staff.cover"),  # 兼任
    "staff:cover_end": Route("staff", "staff.cover"),
    # -- recruitment: figures for region roles, names for the bureaus
    "staff:recruitment": Route(None, "recruitment.view"),
    "staff:recruitment_create": Route(None, "recruitment.manage"),
    "staff:recruitment_round": Route("round", "recruitment.view"),
    "staff:recruitment_edit": Route("round", "recruitment.manage"),
    "staff:recruitment_import": Route("round", "recruitment.manage"),
    "staff:applicant_create": Route("round", "recruitment.manage"),
    "staff:applicant_edit": Route("applicant", "recruitment.manage", on_object=False),  # on its round's city
    "staff:applicant_hire": Route("applicant", "recruitment.hire"),
    # -- supervision and evaluation
    "supervision:index": Route("station", "inspection.view", query="station"),
    "supervision:create": Route("station", "inspection.record", query="station"),
    "supervision:detail": Route("inspection", "inspection.view"),
    "supervision:recommendation_done": Route("recommendation", "recommendation.follow_up"),
    "supervision:items": Route(None, CAT),
    "supervision:item_toggle": Route("check_item", CAT, scoped=False),
    # -- cases and referrals
    "cases:index": Route("station", "case.view", query="station"),
    "cases:create": Route("beneficiary", "case.work", query="beneficiary"),
    "cases:create_person": Route("station", "case.work", query="station"),
    "cases:detail": Route("case", "case.view"),
    "cases:edit": Route("case", "case.work"),
    "cases:note_create": Route("case", "case.work"),
    "cases:goal_create": Route("case", "case.work"),
    "cases:goal_edit": Route("goal", "case.work"),
    "cases:review_create": Route("case", "case.review"),
    "cases:close": Route("case", "case.work"),
    "cases:exemplary": Route("case", "case.work"),
    "cases:referral_create": Route("case", "case.work"),
    "cases:step_create": Route("referral", "case.work"),
    "cases:agencies": Route(None, CAT),
    "cases:agency_edit": Route("agency", CAT, scoped=False),
    # -- assistance and distribution
    "assistance:index": Route("beneficiary", "assistance.view", query="beneficiary"),
    "assistance:create": Route("beneficiary", "assistance.record", query="beneficiary"),
    "assistance:detail": Route("assistance", "assistance.view"),
    "assistance:advance": Route("assistance", "assistance.record"),
    "assistance:types": Route(None, CAT),
    "assistance:type_toggle": Route("assistance_type", CAT, scoped=False),
    "assistance:batches": Route(None, "batch.view"),
    "assistance:batch_create": Route(None, "batch.receive"),
    "assistance:batch": Route("batch", "batch.view"),  # totals and stock per holder, no names: the viewer too
    # moving goods: on the batch's holding the user keeps (the view picks it)
    "assistance:allocate": Route("batch", "batch.allocate", on_object=False),
    "assistance:hand_out": Route("batch", "batch.hand_out", on_object=False),
    "assistance:return": Route("batch", "batch.return", on_object=False),
    "assistance:pending": Route("batch", "assistance.view"),
    "assistance:hand_out_photo": Route("hand_out", "assistance.view"),
    "assistance:receipt": Route("batch", "assistance.view"),
    # -- activities, volunteers, partners
    "activities:index": Route("station", "activity.list", query="station"),  # no names: the viewer too
    "activities:create": Route("station", "activity.record", query="station"),
    "activities:detail": Route("activity", "activity.view"),
    "activities:edit": Route("activity", "activity.record", on_object=False),  # on its station
    "activities:people": Route("station", "activity.view", query="station"),
    "activities:photo": Route("activity_photo", "activity.view"),
    "activities:volunteers": Route("station", "activity.view", query="station"),
    "activities:volunteer_create": Route("station", "volunteer.edit", query="station"),
    "activities:volunteer": Route("volunteer", "activity.view"),
    "activities:volunteer_edit": Route("volunteer", "volunteer.edit"),
    "activities:volunteer_service": Route("volunteer", "volunteer.edit"),
    "activities:partners": Route("station", "activity.view", query="station"),
    "activities:partner_create": Route("station", "volunteer.edit", query="station"),
    "activities:partner": Route("partner", "activity.view"),
    "activities:partner_edit": Route("partner", "volunteer.edit"),
    # -- station figures
    "stations:figures": Route("region", "figures.view", query="region"),
    "stations:figures_export": Route("region", "figures.view", query="region"),
    # -- the work bulletin: a draft issue is its city bureau's alone; an article its unit's and the city's (a
    # county reads its stations'); published issues are read city-wide (tests/bulletins/test_access.py)
    "bulletins:index": Route(None, "bulletin.view", ok=EITHER),
    "bulletins:archive": Route(None, "bulletin.view"),
    "bulletins:create": Route(None, "bulletin.manage", ok=EITHER),
    "bulletins:masthead": Route(None, "bulletin.manage", ok=EITHER),
    "bulletins:import": Route(None, "bulletin.manage", ok=EITHER),
    "bulletins:import_review": Route(None, "bulletin.manage", ok=EITHER),
    "bulletins:detail": Route("bulletin", "bulletin.view"),
    "bulletins:preview": Route("bulletin", "bulletin.view"),
    "bulletins:docx": Route("bulletin", "bulletin.view"),
    "bulletins:media": Route("bulletin_media", "bulletin.view", on_object=False),
    "bulletins:edit": Route("bulletin", "bulletin.manage"),
    # actions answer a GET by going back to their page
    "bulletins:publish": Route("bulletin", "bulletin.view", post="bulletin.publish", ok=REDIRECT),
    "bulletins:table": Route("bulletin", "bulletin.view", post="bulletin.manage", ok=REDIRECT),
    "bulletins:article_create": Route(None, "article.write"),
    "bulletins:article_draft": Route(None, "article.write"),
    "bulletins:article": Route("article", "article.view"),
    "bulletins:article_edit": Route("article", "article.edit"),
    "bulletins:article_submit": Route("article", "article.view", post="article.submit", ok=REDIRECT),
    "bulletins:article_accept": Route("article", "article.view", post="article.review", ok=REDIRECT),
    "bulletins:article_return": Route("article", "article.view", post="article.review", ok=REDIRECT),
    "bulletins:article_take_out": Route("article", "article.view", post="article.review", ok=REDIRECT),
    "bulletins:article_move": Route("article", "article.view", post="article.review", ok=REDIRECT),
    "bulletins:photo_add": Route("article", "article.view", post="article.edit", ok=REDIRECT),
    "bulletins:photo": Route("bulletin_photo", "article.view"),
    "bulletins:photo_remove": Route(
        "bulletin_photo", "article.view", post="article.edit", ok=REDIRECT, on_object=False
    ),
    # -- the service map: stations, points and town counts for everyone; households for those who serve them
    "maps:index": Route("region", "map.view", query="region", ok=EITHER),  # a station's own people: their map
    "maps:station": Route("station", "map.households"),
    "maps:station_data": Route("station", "map.households"),
    "maps:station_print": Route("station", "map.households"),
    "maps:household": Route("household", "map.households"),
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

    if owner is None or not has_perm(owner, "beneficiary.import"):
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
            actor=system_actor(),
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
            actor=system_actor(),
            city=county.parent,
            year=2021,
            title=f"招聘{letter.upper()}",
            written_exam_on=date(2021, 8, 1),
            written_pass_line=Decimal("60"),
            positions={county: 3},
        )
        applicant = applicant_add(
            actor=system_actor(),
            round_=round_,
            name="报名人甲",
            gender="F",
            county=county,
            written_score=Decimal("75"),
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
        partner = partner_create(actor=system_actor(), station=station, name="村委会", kind="community")
        volunteer = volunteer_create(
            actor=system_actor(), station=station, name="志愿者甲", phone="13900000000"
        )
        activity = activity_record(
            actor=system_actor(),
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
            actor=system_actor(),
            beneficiary=person,
            type=kind,
            party="government",
            on=max(today, person.registered_on),
        )
        county = station.town.parent
        batch = batch_receive(
            actor=system_actor(),
            holder=county.parent,
            item="健康包",
            unit="份",
            quantity=5,
            party="government",
            received_on=today,
        )
        allocate(actor=system_actor(), source=batch.holdings.get(), target=county, quantity=3, on=today)
        allocate(
            actor=system_actor(),
            source=batch.holdings.get(level="county"),
            target=station,
            quantity=2,
            on=today,
        )
        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(picture, "JPEG")
        given = hand_out(
            actor=system_actor(),
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
        author = getattr(world, f"worker_{letter}", None) or system_actor()
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
            actor=system_actor(), city_code=city, year=2023, sequence=1, issued_on=date(2023, 2, 15)
        )
        article = article_create(
            actor=system_actor(), city_code=city, section="city", title="市级动态", bulletin=issue
        )
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
            actor=system_actor(),
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


def _instance(kind: str, arg):
    """The record a route's argument names, for asking the permission table about it."""
    from django.apps import apps

    from shuangbai.regions.models import Region

    if kind in ("region", "town", "county"):
        return Region.objects.get(code=arg)
    model = {
        "station": "stations.Station",
        "point": "stations.Point",
        "staff": "staff.Staff",
        "training": "staff.Training",
        "round": "staff.RecruitmentRound",
        "applicant": "staff.Applicant",
        "beneficiary": "registry.Beneficiary",
        "household": "registry.Household",
        "import": "registry.ImportRun",
        "category": "registry.Category",
        "visit": "visits.Visit",
        "photo": "visits.VisitPhoto",
        "inspection": "supervision.Inspection",
        "recommendation": "supervision.Recommendation",
        "check_item": "supervision.CheckItem",
        "case": "cases.Case",
        "goal": "cases.Goal",
        "referral": "cases.Referral",
        "agency": "cases.Agency",
        "assistance": "assistance.Assistance",
        "assistance_type": "assistance.AssistanceType",
        "batch": "assistance.Batch",
        "hand_out": "assistance.HandOut",
        "activity": "activities.Activity",
        "activity_photo": "activities.ActivityPhoto",
        "volunteer": "activities.Volunteer",
        "partner": "activities.Partner",
        "bulletin": "bulletins.Bulletin",
        "bulletin_media": "bulletins.Bulletin",
        "article": "bulletins.Article",
        "bulletin_photo": "bulletins.ArticlePhoto",
    }[kind]
    pk = arg[0] if isinstance(arg, tuple) else arg
    return apps.get_model(model)._base_manager.get(pk=pk)  # any record: the table is asked about it next


def expected(user, route: Route, obj, *, perm: str | None = None) -> frozenset:
    """What the permission table says the page answers `user` for `obj` (inside the user's scope or not)."""
    perm = perm or route.perm
    if obj is not None and route.scoped and not in_scope(user, obj):
        return frozenset({404})
    if perm is None or has_perm(user, perm, obj if route.on_object else None):
        return route.ok
    gate = PERMISSIONS[perm].seen_with or perm
    return frozenset({403}) if has_perm(user, gate) else frozenset({404})


def is_write(route: Route) -> bool:
    """A page that changes something (its permission is an action, or its POST needs one): POSTed to as well."""
    if route.get_only:
        return False
    return route.post is not None or (
        route.perm is not None and PERMISSIONS[route.perm].seen_with is not None
    )


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
        user = getattr(world, username)
        client = Client()
        client.force_login(user)
        for name, route in routes.items():
            if name not in served:
                continue
            arg_in = _object_arg(world, route.kind, inside, owner=user) if route.kind else None
            obj_in = _instance(route.kind, arg_in) if route.kind else None
            url = _url(name, route, arg_in, urlconf)
            want = expected(user, route, obj_in)
            status = client.get(url).status_code
            if status not in want:
                failures.append(f"{username} GET {url} (inside): {status}, expected {sorted(want)}")
            if is_write(route):
                # a POST the user may not make is refused before anything is read from it
                want = expected(user, route, obj_in, perm=route.post or route.perm)
                if want & {403, 404}:
                    status = client.post(url).status_code
                    if status not in want:
                        failures.append(f"{username} POST {url} (inside): {status}, expected {sorted(want)}")
            if route.kind is None or not route.scoped:
                continue
            url = _url(name, route, _object_arg(world, route.kind, outside), urlconf)
            for method in ("get", "post") if is_write(route) else ("get",):
                status = getattr(client, method)(url).status_code
                if status != 404:
                    failures.append(f"{username} {method.upper()} {url} (outside): {status}, expected 404")
    return failures


def permissions_exercised(routes: dict[str, Route] = ROUTES) -> set[str]:
    """The permissions the pages check, and the read permissions behind them (which decide 404 or 403)."""
    asked = {perm for route in routes.values() for perm in (route.perm, route.post) if perm}
    return asked | {PERMISSIONS[perm].seen_with for perm in asked if PERMISSIONS[perm].seen_with}
