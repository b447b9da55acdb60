"""The Yunfu demo's trainings. By the 2021-08-09 table (seed 001) the city had held 10 induction and professional
trainings in 2021: 云城区 1, 云安区 1, 罗定市 3, 新兴县 1, 郁南县 2, 市本级 2. One of 罗定市's is the 7-20
社工业务培训班 the bulletin reports; the others are invented, as are the 督导培训 (which the table does not count)
and the trainings of 2022-2023. Attendees are the staff working in the organiser's area on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from shuangbai.core.models import User
from shuangbai.core.scoping import code_range
from shuangbai.regions.models import Region
from shuangbai.stations.models import Station

from .models import Assignment, Position, Staff, Training, TrainingKind
from .services import training_record

CITY = "445300000000"
YUNCHENG, YUNAN_DISTRICT, LUODING, XINXING, YUNAN = (
    "445302000000",
    "445303000000",
    "445381000000",
    "445321000000",
    "445322000000",
)


@dataclass(frozen=True)
class DemoTraining:
    organiser: str  # a region code (its bureau), or a town code (its station)
    held_on: date
    kind: str
    topic: str
    hours: str
    trainers: str = ""
    materials: str = ""
    attendees: str = "all"  # all: everyone working there that day; heads: station heads only; none


TRAININGS = [
    # -- 2021, counted by the 2021-08-09 table (岗前 + 专业): 10
    DemoTraining(
        CITY,
        date(2021, 7, 5),
        TrainingKind.INDUCTION,
        "云浮市“双百工程”社工岗前培训班",
        "16",
        "市民政局社会工作科、广东省社会工作师联合会讲师",
        "“双百工程”实施方案解读；社工职业伦理；社工站（点）工作制度",
    ),
    DemoTraining(
        CITY,
        date(2021, 8, 6),
        TrainingKind.PROFESSIONAL,
        "社会救助政策与困难群众入户走访实务",
        "6",
        "市民政局社会救助科",
        "低保、特困供养政策要点；入户走访记录表填写",
        attendees="heads",
    ),
    DemoTraining(
        YUNCHENG,
        date(2021, 7, 14),
        TrainingKind.INDUCTION,
        "云城区“双百工程”社工岗前培训",
        "8",
        "云城区民政局业务股室",
    ),
    DemoTraining(
        YUNAN_DISTRICT,
        date(2021, 7, 23),
        TrainingKind.PROFESSIONAL,
        "兜底民生服务与建档立卡实务培训",
        "6",
        "云安区民政局社会事务股",
    ),
    DemoTraining(
        LUODING,
        date(2021, 7, 7),
        TrainingKind.INDUCTION,
        "罗定市“双百工程”社工岗前培训",
        "12",
        "罗定市民政局相关业务股室",
    ),
    DemoTraining(
        LUODING,
        date(2021, 7, 20),
        TrainingKind.PROFESSIONAL,
        "“双百工程”社工业务培训班",
        "6",
        "曾思贤、毛坚",
        "政策解读与实例讲解：“双百工程”和社工工作知识；罗定市民政局业务股室授课",
    ),
    DemoTraining(
        "445381002000",  # 素龙街道社工站
        date(2021, 8, 4),
        TrainingKind.PROFESSIONAL,
        "入户走访记录与台账规范",
        "3",
        "素龙街道社工站站长",
    ),
    DemoTraining(
        XINXING,
        date(2021, 7, 27),
        TrainingKind.PROFESSIONAL,
        "社工站（点）服务规范与个案工作方法",
        "6",
        "新兴县民政局、机构督导",
    ),
    DemoTraining(
        YUNAN,
        date(2021, 4, 16),
        TrainingKind.PROFESSIONAL,
        "社会工作服务政策培训（“双百计划”转“双百工程”衔接）",
        "4",
        "郁南县民政局",
        attendees="none",  # before the programme's first hires
    ),
    DemoTraining(
        YUNAN,
        date(2021, 7, 16),
        TrainingKind.INDUCTION,
        "郁南县“双百工程”社工岗前培训",
        "8",
        "郁南县民政局业务股室",
    ),
    # -- 督导培训: not counted by the table
    DemoTraining(
        CITY,
        date(2021, 7, 30),
        TrainingKind.SUPERVISION,
        "督导工作方法与站点督导要点",
        "4",
        "市级督导团队",
        attendees="heads",
    ),
    DemoTraining(
        XINXING,
        date(2023, 1, 12),
        TrainingKind.SUPERVISION,
        "加强督导对社工的业务培训与指导",
        "3",
        "新兴县督导团队",
    ),
    # -- later years
    DemoTraining(
        CITY,
        date(2022, 3, 17),
        TrainingKind.PROFESSIONAL,
        "个案管理与转介实务",
        "6",
        "高校社会工作专业教师",
        attendees="heads",
    ),
    DemoTraining(
        LUODING,
        date(2022, 6, 9),
        TrainingKind.PROFESSIONAL,
        "四级跟进制度与健康监测",
        "4",
        "罗定市民政局",
    ),
    DemoTraining(
        "445322100000",  # 都城镇社工站
        date(2022, 11, 18),
        TrainingKind.PROFESSIONAL,
        "长者关爱小组工作方法",
        "3",
        "都城镇社工站督导",
    ),
    DemoTraining(
        YUNCHENG,
        date(2023, 1, 10),
        TrainingKind.PROFESSIONAL,
        "资源链接与“五社联动”",
        "4",
        "云城区民政局",
    ),
]


def _working_there(prefix: str, on: date, heads_only: bool) -> list[Staff]:
    low, high = code_range(prefix)
    placed = Assignment.objects.filter(
        region_code__gte=low, region_code__lte=high, started_on__lte=on, is_cover=False
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    if heads_only:
        placed = placed.filter(position=Position.HEAD)
    return list(Staff.objects.filter(pk__in=placed.values("staff_id")).order_by("pk"))


@transaction.atomic
def load_demo_trainings(actor: User) -> int:
    """Record the demo's trainings (once); return how many were recorded."""
    low, high = code_range(CITY[:4])
    if Training.objects.filter(region_code__gte=low, region_code__lte=high).exists():
        return 0
    for item in TRAININGS:
        region = station = None
        if item.organiser.endswith("000000"):
            region = Region.objects.get(code=item.organiser)
            prefix = region.prefix
        else:
            station = Station.objects.active().get(town__code=item.organiser)
            prefix = station.region_code[:9]
        attendees = (
            []
            if item.attendees == "none"
            else _working_there(prefix, item.held_on, item.attendees == "heads")
        )
        if station is not None:  # a station's training: its own staff, points included
            attendees = [p for p in attendees if p.station_id == station.pk]
        training_record(
            actor=actor,
            organiser_region=region,
            station=station,
            kind=item.kind,
            held_on=item.held_on,
            topic=item.topic,
            trainers=item.trainers,
            hours=Decimal(item.hours),
            materials=item.materials,
            attendees=attendees,
        )
    return len(TRAININGS)
