"""Canary stations: programme data whose every text carries a unique canary string.

Three canary stations, each built through the real services with one record of every kind of programme data:
- X: 六都镇 (云安区, 云浮市): another county of the `world` fixture's city, outside 罗定市's people
- Y: a fictional town of 越秀区 (广州市): another city, outside everyone in 云浮市
- Z: a fictional town of 兴宁区 (南宁市, 广西): another province, outside the province user too

Every text written is `金丝雀<letter><nn><label>` (nn unique per station, so that no canary string contains
another); ID numbers, their masked form and phone numbers are canary strings too. `Canary.strings` maps each
string to what it is; `Canary.person_names` are the names of people (beneficiaries, guardians, staff,
volunteers, partner contacts, applicants).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shuangbai.regions.models import Region
from shuangbai.regions.services import RegionRow, regions_load
from tests.conftest import PASSWORD, id_number

# (code, name, parent, level): fictional nodes, loaded as conftest loads its own
CANARY_REGIONS = [
    ("445303100201", "六都村", "445303100000", "village"),
    ("440104000000", "越秀区", "440100000000", "county"),
    ("440104001000", "洪桥街道", "440104000000", "town"),
    ("440104001201", "洪桥社区", "440104001000", "village"),
    ("450102002000", "兴东街道", "450102000000", "town"),
    ("450102002201", "兴东社区", "450102002000", "village"),
]
# letter: (town, village of its point and households)
CANARY_PLACES = {
    "x": ("445303100000", "445303100201"),
    "y": ("440104001000", "440104001201"),
    "z": ("450102002000", "450102002201"),
}
MARK = "金丝雀"


@dataclass
class Canary:
    letter: str
    station: object = None
    city_user: object = None  # a city bureau user of the canary's city: the importer, the positive control
    strings: dict[str, str] = field(default_factory=dict)  # canary string -> what it is
    objects: dict[str, object] = field(default_factory=dict)  # kind -> URL argument, as _object_arg gives
    person_names: dict[str, str] = field(default_factory=dict)  # a person's name -> who
    _n: int = 0

    def text(self, label: str, what: str) -> str:
        """A new canary string `金丝雀<L><nn><label>`, recorded with what it is."""
        self._n += 1
        value = f"{MARK}{self.letter.upper()}{self._n:02d}{label}"
        self.strings[value] = what
        return value

    def name(self, label: str, who: str) -> str:
        value = self.text(label, who)
        self.person_names[value] = who
        return value

    def number(self, value: str, what: str) -> str:
        """A canary that is not text: an ID number, a phone number."""
        self.strings[value] = what
        return value

    def phone(self, what: str) -> str:
        self._n += 1
        return self.number(f"177{ord(self.letter):04d}{self._n:04d}", what)


def _jpeg(colour: str = "green") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "JPEG")
    return SimpleUploadedFile("canary.jpg", out.getvalue(), "image/jpeg")


def build_canaries(world) -> list[Canary]:
    """The three canary stations and their data (the `world` fixture must be built first)."""
    regions_load(
        [RegionRow(i, c, n, p, lvl) for i, (c, n, p, lvl) in enumerate(CANARY_REGIONS, 2)], fictional=True
    )
    return [_build(world, letter) for letter in CANARY_PLACES]


def _build(world, letter: str) -> Canary:
    """One canary station with one record of every kind, each text a canary string."""
    from shuangbai.activities.services import activity_record, partner_create, volunteer_create
    from shuangbai.assistance.models import AssistanceType
    from shuangbai.assistance.services import allocate, assistance_create, batch_receive, hand_out
    from shuangbai.bulletins.models import Article, ArticleStatus
    from shuangbai.bulletins.services import (
        Unit,
        _store_photo,
        article_create,
        bulletin_create,
        bulletin_publish,
        masthead_save,
    )
    from shuangbai.cases.models import Agency
    from shuangbai.cases.services import (
        case_note_add,
        case_open,
        goal_add,
        referral_create,
        referral_step_add,
    )
    from shuangbai.core.models import Role, system_actor
    from shuangbai.core.photos import CleanPhoto
    from shuangbai.registry.ledger import import_ledger
    from shuangbai.registry.models import Category
    from shuangbai.registry.services import beneficiary_register, household_register
    from shuangbai.staff.accounts import user_create
    from shuangbai.staff.models import Position
    from shuangbai.staff.services import (
        applicant_add,
        recruitment_round_create,
        staff_create,
        training_record,
    )
    from shuangbai.stations.services import point_create, progress_report_record, station_create
    from shuangbai.supervision.models import CheckItem
    from shuangbai.supervision.services import inspection_record
    from shuangbai.visits.services import visit_record
    from tests.access_matrix import _jpeg as jpeg_bytes
    from tests.access_matrix import _superuser

    c = Canary(letter)
    today = timezone.localdate()
    root = _superuser()
    system = system_actor()
    town_code, village_code = CANARY_PLACES[letter]
    town = Region.objects.get(code=town_code)
    village = Region.objects.get(code=village_code)
    county = town.parent
    city = county.parent
    dibao = Category.objects.get(code="dibao")
    c.city_user = user_create(
        actor=system,
        username=f"canary_city_{letter}",
        password=PASSWORD,
        role=Role.CITY,
        scope_code=city.code,
        display_name=c.name("市局", "a city bureau user's display name"),
    )

    # -- the station, its point, its worker
    station = station_create(
        actor=system,
        town=town,
        name=c.text("社工站", "station name"),
        address=c.text("站址", "station address"),
        phone=c.phone("station phone"),
        status="operating",
        opened_on=date(2021, 7, 1),
    )
    c.station = station
    point = point_create(
        actor=system,
        station=station,
        village=village,
        name=c.text("社工点", "point name"),
        address=c.text("点址", "point address"),
        status="operating",
    )
    staff_create(
        actor=system,
        name=c.name("站长", "staff name (head)"),
        gender="M",
        hired_on=date(2021, 7, 1),
        station=station,
        position=Position.HEAD,
    )
    staff = staff_create(
        actor=system,
        name=c.name("社工", "staff name"),
        gender="F",
        phone=c.phone("staff phone"),
        hired_on=date(2021, 7, 1),
        station=station,
        point=point,
        position=Position.WORKER,
    )

    # -- a household, its head and a second member
    head_id = c.number(id_number(town_code[:6], "19500101", f"{ord(letter):03d}"), "head's ID number")
    household = household_register(
        actor=system,
        village=village,
        address=c.text("户地址", "household address"),
        phone=c.phone("household phone"),
        notes=c.text("户备注", "household notes"),
        head={
            "name": c.name("户主", "beneficiary name (head)"),
            "id_number": head_id,
            "categories": [dibao],
            "phone": c.phone("beneficiary phone"),
            "guardian_name": c.name("监护人", "guardian name"),
            "health_notes": c.text("健康状况", "beneficiary health notes"),
            "notes": c.text("对象备注", "beneficiary notes"),
        },
    )
    head = household.members.get()
    c.number(head.id_masked, "head's masked ID number")
    member = beneficiary_register(
        actor=system,
        household=household,
        name=c.name("家属", "beneficiary name (member)"),
        relation="spouse",
        categories=[dibao],
        id_number=c.number(
            id_number(town_code[:6], "19520202", f"{ord(letter) + 100:03d}"), "member's ID number"
        ),
    )
    c.number(member.id_masked, "member's masked ID number")
    c.objects.update(
        station=station.pk,
        point=point.pk,
        staff=staff.pk,
        household=household.pk,
        beneficiary=head.pk,
        region=town.code,
        town=town.code,
        county=county.code,
        category=dibao.pk,
    )

    # -- a home visit with a photo
    visit = visit_record(
        actor=system,
        household=household,
        visited_at=timezone.now() - timedelta(hours=2),
        workers=[staff],
        met=[head],
        photos=[_jpeg()],
        met_others=c.text("在场他人", "visit: others met"),
        health=c.text("走访健康", "visit: health"),
        living=c.text("走访生活", "visit: living"),
        mental_notes=c.text("精神状况", "visit: mental notes"),
        hazard_notes=c.text("安全隐患", "visit: hazards"),
        actions=c.text("走访措施", "visit: actions"),
        notes=c.text("走访备注", "visit: notes"),
    )
    c.objects.update(visit=visit.pk, photo=visit.photos.get().pk)

    # -- a case with a goal, a note and a referral with a second step
    case = case_open(
        actor=system,
        beneficiary=head,
        opened_on=today,
        source="visit",
        presenting_problem=c.text("个案问题", "case: presenting problem"),
        worker=staff,
    )
    goal = goal_add(actor=system, case=case, text=c.text("个案目标", "case goal"))
    case_note_add(
        actor=system, case=case, written_on=today, text=c.text("个案记录", "case note"), worker=staff
    )
    agency = Agency.objects.order_by("pk").first()
    referral = referral_create(
        actor=system,
        case=case,
        agency=agency,
        purpose=c.text("转介事由", "referral purpose"),
        notes=c.text("转介备注", "referral notes"),
        referred_on=today,
    )
    referral_step_add(
        actor=system, referral=referral, status="accepted", on_date=today, notes=c.text("转介进展", "step")
    )
    c.objects.update(case=case.pk, goal=goal.pk, referral=referral.pk, agency=agency.pk)

    # -- assistance, and a batch of goods received by the county, passed to the station, one handed out
    kind = AssistanceType.objects.get(code="medical_relief")
    assistance = assistance_create(
        actor=system,
        beneficiary=head,
        type=kind,
        party="government",
        on=max(today, head.registered_on),
        giver=c.text("救助提供方", "assistance giver"),
        notes=c.text("救助备注", "assistance notes"),
    )
    batch = batch_receive(
        actor=system,
        holder=county,
        item=c.text("物资", "batch item"),
        unit="份",
        quantity=5,
        party="government",
        received_on=today,
        donor=c.text("捐赠方", "batch donor"),
        notes=c.text("物资备注", "batch notes"),
    )
    allocate(
        actor=system,
        source=batch.holdings.get(),
        target=station,
        quantity=2,
        on=today,
        note=c.text("分配说明", "allocation note"),
    )
    given = hand_out(
        actor=system,
        holding=batch.holdings.get(level="station"),
        beneficiary=head,
        handed_on=today,
        worker=staff,
        photo=_jpeg("red"),
        note=c.text("发放备注", "hand-out note"),
    )
    c.objects.update(assistance=assistance.pk, assistance_type=kind.pk, batch=batch.pk, hand_out=given.pk)

    # -- an activity with a partner, a volunteer and the head taking part
    partner = partner_create(
        actor=system,
        station=station,
        name=c.text("合作方", "partner name"),
        kind="community",
        contact_person=c.name("联系人", "partner contact person"),
        phone=c.phone("partner phone"),
        notes=c.text("合作备注", "partner notes"),
    )
    volunteer = volunteer_create(
        actor=system,
        station=station,
        name=c.name("志愿者", "volunteer name"),
        organisation=c.text("志愿组织", "volunteer organisation"),
        phone=c.phone("volunteer phone"),
    )
    activity = activity_record(
        actor=system,
        station=station,
        point=point,
        title=c.text("活动", "activity title"),
        theme="festival",
        held_on=today,
        place=c.text("活动地点", "activity place"),
        participants=12,
        organiser=c.text("主办", "activity organiser"),
        partners=[partner],
        people=[head],
        volunteers=[(volunteer, 2)],
        narrative=c.text("活动记述", "activity narrative"),
        photos=[_jpeg("blue")],
    )
    c.objects.update(
        activity=activity.pk,
        activity_photo=activity.photos.get().pk,
        volunteer=volunteer.pk,
        partner=partner.pk,
    )

    # -- a training of the station, an inspection, a recruitment round with an applicant
    training = training_record(
        actor=system,
        station=station,
        kind="professional",
        held_on=date(2021, 7, 20),
        topic=c.text("培训主题", "training topic"),
        hours=Decimal(3),
        organiser=c.text("培训主办", "training organiser"),
        trainers=c.text("培训讲师", "training trainers"),
        materials=c.text("培训材料", "training materials"),
        attendees=[staff],
    )
    item = CheckItem.objects.get(name="入户走访")
    inspection = inspection_record(
        actor=root,
        station=station,
        kind="inspection",
        visited_on=date(2023, 2, 9),
        team=c.text("督导组", "inspection team"),
        methods=["site"],
        findings=c.text("督导发现", "inspection findings"),
        scores=[(item, 80, c.text("评分意见", "inspection verdict"))],
        recommendations=[(c.text("整改建议", "inspection recommendation"), date(2023, 3, 31))],
    )
    round_ = recruitment_round_create(
        actor=system,
        city=city,
        year=2022,
        title=c.text("招聘", "recruitment round title"),
        positions={county: 2},
        written_exam_on=date(2022, 8, 1),
        written_pass_line=Decimal(60),
        notes=c.text("招聘备注", "recruitment notes"),
    )
    applicant = applicant_add(
        actor=system,
        round_=round_,
        name=c.name("报名人", "applicant name"),
        gender="M",
        county=county,
        phone=c.phone("applicant phone"),
        written_score=Decimal(70),
    )
    c.objects.update(
        training=training.pk,
        inspection=inspection.pk,
        recommendation=inspection.recommendations.get().pk,
        check_item=item.pk,
        round=round_.pk,
        applicant=applicant.pk,
    )

    # -- the county's construction progress, a failed ledger import into the town
    progress_report_record(
        actor=root,
        region=county,
        effective_on=today,
        plan_issued=True,
        plan_issued_on=today,
        plan_document=c.text("方案文件", "progress: plan document"),
        funding_note=c.text("经费说明", "progress: funding note"),
    )
    bad_row = f"姓名,身份证号,镇（街）,村（居）,类别1\n{c.name('导入人', 'name in a failed import')},123,无此镇,无此村,低保对象\n"
    c.objects["import"] = import_ledger(
        actor=c.city_user, data=bad_row.encode(), filename=c.text("台账.csv", "import file name"), into=town
    ).pk

    # -- the work bulletin: the station's article sent in to its city (with a photo)
    article = article_create(
        actor=system,
        city_code=city.code,
        section="station",
        title=c.text("稿件标题", "station article title"),
        body=c.text("稿件正文", "station article body"),
        byline=c.text("通讯员", "station article byline"),
        unit=Unit(station.region_code, station.pk),
    )
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.SUBMITTED)
    photo = _store_photo(article, CleanPhoto(jpeg_bytes(), 8, 8), c.text("稿件图注", "article photo caption"))
    c.objects.update(article=article.pk, bulletin_photo=photo.pk)
    if city.code != "445300000000":
        # another city's own bulletin: its masthead, a draft issue, a published issue (云浮's issues are the
        # city's, read city-wide once published: not X's to hide)
        masthead_save(
            actor=system,
            city_code=city.code,
            name=c.text("简报", "bulletin name"),
            unit=c.text("编印单位", "bulletin unit"),
            sent_to=c.text("报送", "bulletin sent to"),
            copied_to=c.text("抄送", "bulletin copied to"),
        )
        draft = bulletin_create(
            actor=system, city_code=city.code, year=today.year, sequence=1, issued_on=today
        )
        in_draft = article_create(
            actor=system,
            city_code=city.code,
            section="city",
            title=c.text("草稿期稿件", "draft issue article title"),
            body=c.text("草稿期正文", "draft issue article body"),
            bulletin=draft,
        )
        media = _store_photo(
            in_draft, CleanPhoto(jpeg_bytes(), 8, 8), c.text("草稿期图注", "draft photo caption")
        )
        c.objects.update(bulletin=draft.pk, bulletin_media=(draft.pk, media.path))
        published = bulletin_create(
            actor=system, city_code=city.code, year=today.year, sequence=2, issued_on=today
        )
        article_create(
            actor=system,
            city_code=city.code,
            section="city",
            title=c.text("已发布稿件", "published article title"),
            body=c.text("已发布正文", "published article body"),
            bulletin=published,
        )
        published.refresh_from_db()
        bulletin_publish(actor=root, bulletin=published, expected_version=published.version)
        c.objects["published_bulletin"] = published.pk
    return c
