"""The inspections and evaluations the seed bulletins report, recorded through the services on the demo's
stations (looked up by town name; a town without a station is skipped).

- seed 001: 2021-07-07 the province's 监测评估 of the 富林镇 (云安区) and 车岗镇 (新兴县) stations; 2021-08-01
  the chief supervisor 张和清 at the 都城镇 station (and with its workers at 平台镇).
- seed 000: 2023-01-10 云城区's safety and epidemic-prevention check of its stations; 2023-02-07 the city
  bureau's research visit to 新兴县; 2023-02-09/10 云安区's supervision of each town station, by the items the
  bulletin names (入户走访, 建档立卡, 五社联动, 工作简报). The bulletin names the items, not the marks: the
  scores here are the demo's own.
Some recommendations are followed up (done), the 2023 ones mostly still open, as the station pages show.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from shuangbai.core.models import User
from shuangbai.stations.models import Station

from .catalogue import seed_check_items
from .models import CheckItem, Inspection
from .services import inspection_record, recommendation_done

PROVINCE_TEAM = "省民政厅慈善事业促进和社会工作处二级调研员谢军、监测评估专家游华元"
PROVINCE_FINDINGS = (
    "评估小组通过实地走访、查阅服务资料及文书档案和听取汇报，了解社工站的服务成效、激活社群等情况；"
    "座谈会上听取“双百计划”工作汇报并点评，解答工程推进、站点建设运营、社工队伍管理中的问题，"
    "充分肯定近年来“双百计划”的工作成效。"
)
PROVINCE_RECOMMENDATIONS = [
    ("总结四年来“双百计划”推进的好经验、好做法，创新思路进阶“双百工程”", date(2021, 12, 31)),
    ("支持并鼓励全体社工提升业务水平，加强自我锻炼，维护社工专业形象", None),
]
DUCHENG_FINDINGS = (
    "座谈会上副站长叶绮鸿汇报站点工作开展及站点、服务点建设情况；总督导随同社工实地走访站点，肯定社工四年来的"
    "驻村工作，就扎根社区、个案救助与社区共治、制定站点“53111”计划进行指导。"
)
YUNAN_ITEMS = ["入户走访", "建档立卡", "五社联动", "工作简报"]
YUNAN_RECOMMENDATIONS = [
    ("加强培训学习：通过集体培训、线上学习、同事间交流，熟悉民政各项惠民政策", date(2023, 3, 31)),
    ("总结经验亮点：从服务个案中总结经验，形成优秀案例", date(2023, 6, 30)),
]


def _station(town: str) -> Station | None:
    return Station.objects.active().filter(town__name=town, region_code__startswith="4453").first()


def _verdict(score: Decimal) -> str:
    if score >= 90:
        return "优秀"
    if score >= 80:
        return "良好"
    if score >= 60:
        return "合格"
    return "需加强"


@transaction.atomic
def load_demo(actor: User) -> int:
    """Record the seeds' inspections (idempotent: nothing if the demo's stations already have some).
    Returns how many inspections were recorded."""
    seed_check_items(CheckItem)
    if Inspection.objects.filter(region_code__startswith="4453").exists():
        return 0
    recorded = []

    def record(station: Station | None, **values) -> Inspection | None:
        if station is None:
            return None
        inspection = inspection_record(actor=actor, station=station, **values)
        recorded.append(inspection)
        return inspection

    def done(inspection: Inspection | None, number: int, on: date, note: str) -> None:
        if inspection is not None:
            recommendation = inspection.recommendations.order_by("id")[number]
            recommendation_done(actor=actor, recommendation=recommendation, done_on=on, note=note)

    # seed 001: the province's evaluation visit
    for town in ("富林镇", "车岗镇"):
        inspection = record(
            _station(town),
            kind="evaluation",
            visited_on=date(2021, 7, 7),
            team=PROVINCE_TEAM,
            methods=["site", "records", "report", "meeting"],
            findings=PROVINCE_FINDINGS,
            recommendations=PROVINCE_RECOMMENDATIONS,
        )
        done(inspection, 0, date(2021, 12, 20), "已形成四年工作总结，报市民政局。")

    # seed 001: the chief supervisor at 都城镇 (and, with its workers, at 平台镇)
    ducheng = record(
        _station("都城镇"),
        kind="inspection",
        visited_on=date(2021, 8, 1),
        team="“双百工程”项目总督导张和清",
        methods=["meeting", "site"],
        findings=DUCHENG_FINDINGS,
        recommendations=[
            ("共学《双百概论》教材中的实务内容，制定专门的学习计划，书写出站点案例", date(2021, 10, 31)),
            ("制定站点“53111”计划，在“目标-计划-过程”中监测落实服务", date(2021, 9, 30)),
        ],
    )
    done(ducheng, 0, date(2021, 10, 15), "已制定学习计划，每周共学一次，完成站点案例2篇。")
    record(
        _station("平台镇"),
        kind="inspection",
        visited_on=date(2021, 8, 1),
        team="“双百工程”项目总督导张和清",
        methods=["site"],
        findings="总督导随同都城镇社工实地走访站点，交流从“计划”到“工程”中社工的感受与想法。",
    )

    # seed 000: 云城区's safety and epidemic-prevention check of its stations
    for station in Station.objects.active().filter(region_code__startswith="445302").order_by("region_code"):
        record(
            station,
            kind="inspection",
            visited_on=date(2023, 1, 10),
            team="云城区民政局检查组",
            methods=["meeting", "site"],
            findings="镇（街）召开专题工作会议，走访“双百”社工站，了解社工工作开展和服务成效。",
            recommendations=[
                (
                    "岁末年初重点关注困难群众和特殊群体的身体健康状况，加强对独居、空巢等特殊困难老年人的走访巡查",
                    date(2023, 2, 28),
                )
            ],
        )

    # seed 000: the city bureau's research visit to 新兴县
    record(
        _station("新城镇"),
        kind="evaluation",
        visited_on=date(2023, 2, 7),
        team="市民政局党组副书记、副局长吴国全一行",
        methods=["report", "meeting"],
        findings="听取新兴县“双百工程”推进情况汇报，了解各社工站、点的建设运行、督导培训以及服务开展情况。",
        recommendations=[
            ("熟悉惠民利民政策，并运用到具体服务当中", None),
            ("做好个案服务，产出优秀案例，以点带面推动全县个案服务", date(2023, 12, 31)),
            ("依托“六祖”文化资源，打造本土化品牌“双百”", date(2023, 12, 31)),
        ],
    )

    # seed 000: 云安区's supervision of each town station, item by item
    items = {item.name: item for item in CheckItem.objects.filter(name__in=YUNAN_ITEMS)}
    rng = random.Random(20230209)
    stations = Station.objects.active().filter(region_code__startswith="445303").order_by("region_code")
    for i, station in enumerate(stations):
        scores = []
        for name in YUNAN_ITEMS:
            score = Decimal(rng.randint(140, 196)) / 2
            scores.append((items[name], score, _verdict(score)))
        inspection = record(
            station,
            kind="inspection",
            visited_on=date(2023, 2, 9 + i % 2),
            team="云安区民政局、市社工督导人员",
            methods=["site", "records", "meeting"],
            findings="督导组重点从入户走访、建档立卡、“五社联动”、工作简报等方面了解2022年度工作开展情况，"
            "并就发现的问题提出具体的指导意见和建议。",
            scores=scores,
            recommendations=YUNAN_RECOMMENDATIONS,
        )
        if i % 3 == 0:
            done(inspection, 0, date(2023, 3, 20), "已组织集体培训两次，社工完成线上学习。")
    return len(recorded)
