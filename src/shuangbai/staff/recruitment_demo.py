"""The Yunfu demo's recruitment of 2021 (seed 001): the social-worker round ("今年云浮市招聘社工123人，报名人数
1817人", written exam on 8-01), known by its figures only, and the supervisor round (9 supervisors, interview on
7-23), with an applicant list imported as a bureau would and the 9 hired as supervisors of the city.

The seed gives the totals and the dates; the split of the 123 posts over the counties, the announcement days and
every name, phone and score are invented."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from shuangbai.core.models import User
from shuangbai.regions.models import Region

from .models import Kind, RecruitmentRound
from .services import applicant_hire, applicants_import, recruitment_round_create

CITY = "445300000000"
WORKER_TITLE = "云浮市2021年公开招聘“双百工程”社工"
SUPERVISOR_TITLE = "云浮市2021年“双百工程”社工督导人员公开招聘"
# 123 posts: 云城区, 云安区, 罗定市, 新兴县, 郁南县 (invented split, roughly by stations and points).
WORKER_POSITIONS = {
    "445302000000": 17,
    "445303000000": 14,
    "445381000000": 42,
    "445321000000": 23,
    "445322000000": 27,
}
WORKER_APPLICANTS = 1817
SUPERVISOR_POSITIONS = 9
SUPERVISOR_APPLICANTS = 25
SUPERVISORS_HIRED_ON = date(2021, 9, 1)

SURNAMES = "陈李黄梁何林罗张吴邓冯欧谢杨叶周麦苏郑彭"
GIVEN = "嘉文思雅志远晓彤振华宇航婉清俊熙泽楷诗琪子轩梓涵"


def _supervisor_list(rng: random.Random) -> bytes:
    """The supervisor round's applicant list as the bureau would upload it (.csv): 2 did not come to the
    interview."""
    lines = ["姓名,性别,手机号码,报考县（市、区）,笔试成绩,面试成绩"]
    used: set[str] = set()
    for i in range(SUPERVISOR_APPLICANTS):
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            if name not in used:
                used.add(name)
                break
        gender = rng.choice("男女女")
        phone = "1390766" + f"{rng.randrange(10000):04d}"
        score = "缺考" if i in (7, 19) else f"{rng.randrange(6200, 9400) / 100:.2f}"
        lines.append(f"{name},{gender},{phone},市本级,,{score}")
    return ("\n".join(lines) + "\n").encode()


@transaction.atomic
def load_demo_recruitment(actor: User) -> int:
    """Record the demo's two 2021 rounds (once); return how many rounds were recorded."""
    city = Region.objects.get(code=CITY)
    made = 0
    if not RecruitmentRound.objects.filter(region_code=CITY, year=2021, kind=Kind.WORKER).exists():
        recruitment_round_create(
            actor=actor,
            city=city,
            year=2021,
            kind=Kind.WORKER,
            title=WORKER_TITLE,
            announced_on=date(2021, 6, 18),
            written_exam_on=date(2021, 8, 1),
            applicant_count=WORKER_APPLICANTS,
            positions={Region.objects.get(code=code): n for code, n in WORKER_POSITIONS.items()},
            notes="笔试由市民政局会同人社、教育、工信、公安、卫健等单位组织；面试另行安排。",
        )
        made += 1
    if not RecruitmentRound.objects.filter(region_code=CITY, year=2021, kind=Kind.SUPERVISOR).exists():
        round_ = recruitment_round_create(
            actor=actor,
            city=city,
            year=2021,
            kind=Kind.SUPERVISOR,
            title=SUPERVISOR_TITLE,
            announced_on=date(2021, 6, 8),
            interview_on=date(2021, 7, 23),
            positions={city: SUPERVISOR_POSITIONS},
            notes="按《“广东兜底民生服务社会工作双百工程”督导人员招聘工作实施方案》组织，面试后体检、公示、签约。",
        )
        applicants_import(
            actor=actor,
            round_=round_,
            data=_supervisor_list(random.Random(20210723)),
            filename="督导报名名单.csv",
        )
        best = round_.applicants.filter(interview_score__isnull=False).order_by("-interview_score", "id")
        for applicant in best[:SUPERVISOR_POSITIONS]:
            applicant_hire(
                actor=actor, applicant=applicant, hired_on=SUPERVISORS_HIRED_ON, qualification="social_worker"
            )
        made += 1
    return made
