"""The casework the seed bulletins tell of, recorded through the services on the demo's stations and people
(looked up by town and by the names src/shuangbai/demo.py registers; a station or person missing is skipped).

- seed 000, 桂圩镇: 小Q, a person with a mental disorder who fell ill in 佛山市高明区; identified by its 救助站 as a
  桂圩镇 client, passed by 佛山市高明区救助站 → 云浮市救助站 → 郁南县救助站 to 郁南县民安医院, admitted on
  2023-02-03 with the station's workers, the town's 残联 and 罗顺村委 alongside. One referral with the chain as its
  steps, one joint referral to 桂圩镇残联, the family's support afterwards; an exemplary case.
- seed 001, 河口街道: 小陈, physically disabled (grade 2) after a traffic accident, who shut everyone out until the
  workers' long visiting opened him up; an exemplary case.
- 素龙街道: a few ordinary cases, open and closed, one of them opened recently so that this month's figures show.
The case notes, assessments and write-ups are the demo's own words after the bulletins; the people are fictional.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shuangbai.core.models import User, system_actor
from shuangbai.registry.models import Beneficiary, Status
from shuangbai.staff.models import Position, Staff
from shuangbai.stations.models import Station

from .catalogue import seed_agencies
from .models import Agency, Case
from .services import (
    case_close,
    case_note_add,
    case_open,
    case_set_exemplary,
    case_update,
    goal_add,
    goal_update,
    referral_create,
    referral_step_add,
)

XIAO_Q_WRITE_UP = (
    "小Q是郁南县桂圩镇户籍的一名精神障碍患者。他在佛山市高明区因精神疾病突发，扰民并与路人发生肢体冲突，"
    "被送至派出所，后送医院诊治，经高明区救助站工作人员进行身份甄别，确认小Q是桂圩镇的救助对象。\n"
    "桂圩镇社工和村干部与其家属沟通，家人提出想把小Q送回郁南县民安医院治疗，但不知道如何操作、如何办理手续。"
    "桂圩镇社工站闻“需”而动，由佛山市高明区救助站、云浮市救助站、郁南县救助站，桂圩镇社工站、桂圩镇残联和村委等"
    "工作人员联合接力，于2023年2月3日帮助小Q平安入院。\n"
    "在送院过程中，社工全程陪同，协助安抚小Q不安情绪，协助和指引家属办理手续；在送院前后，社工同理家属的不容易，"
    "疏导家属照顾压力的同时，引导其进行适当的自我照顾、自我关怀。社工还向家属科普精神疾病，引导其科学认识精神疾病，"
    "增加家属的理解和照顾能力。"
)
XIAO_CHEN_WRITE_UP = (
    "因一次交通意外事故，河口街道青年小陈不幸成为肢体二级残疾，突如其来的意外导致其性格大变，脾气古怪，"
    "来自村民们的关心和安慰也都被拒之门外。\n"
    "河口街道“双百工程”社工服务站的社工通过无数次的接触关怀，逐渐被小陈所接受，从最初社工与小陈小心翼翼地试探谈话"
    "到与小陈开展日常探访和交流互动，渐渐地找到了共同话题，小陈也终于和社工敞开了心扉。社工们常疏导他树立正确的"
    "人生观，还为他介绍一些大学在校生相识，让小陈与同龄人相识交友，精神上得到慰藉。\n"
    "现在，小陈虽仍行动不便，但已能大大方方地“走”出家门，与村民和朋友们和谐相处唠家常。"
)


def _station(town: str) -> Station | None:
    return Station.objects.active().filter(town__name=town, region_code__startswith="4453").first()


def _worker(station: Station) -> Staff | None:
    in_post = station.staff.in_post()
    return (
        in_post.filter(position=Position.WORKER).order_by("id").first()
        or in_post.exclude(position=Position.SUPERVISOR).order_by("id").first()
    )


def _person(station: Station, name: str, marker: str) -> Beneficiary | None:
    """The bulletin's person, by the name the demo registers (or its note, should the name change)."""
    return (
        Beneficiary.objects.active()
        .filter(station=station)
        .filter(Q(name=name) | Q(notes__startswith=marker))
        .order_by("id")
        .first()
    )


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _xiao_q(actor: User) -> int:
    station = _station("桂圩镇")
    if station is None:
        return 0
    person, worker = _person(station, "小Q", "简报人物（2023年2月）"), _worker(station)
    if person is None or worker is None:
        return 0
    opened = max(person.registered_on, date(2023, 2, 1))
    referred, admitted = max(opened, date(2023, 2, 2)), max(opened, date(2023, 2, 3))
    case = case_open(
        actor=system_actor(),
        beneficiary=person,
        opened_on=opened,
        source="agency",
        presenting_problem="在佛山市高明区精神疾病突发，扰民并与路人发生肢体冲突；经高明区救助站甄别为本镇救助对象。"
        "家属希望送回郁南县民安医院治疗，但不知如何办理手续。",
        worker=worker,
    )
    case = case_update(
        actor=system_actor(),
        case=case,
        version=case.version,
        assessed_on=opened,
        problems="精神障碍发作，身处异地；家属不了解送院流程，照顾压力大。",
        strengths="家属愿意接回治疗；救助站、镇残联、村委可联动接力。",
        risk_level="high",
        assessment_notes="精神障碍，发病时有攻击行为，需专业医疗机构住院治疗；送院途中需专人陪同安抚。",
    )
    admit = goal_add(
        actor=system_actor(), case=case, text="多方接力，平安送郁南县民安医院住院治疗", target_on=admitted
    )
    family = goal_add(
        actor=system_actor(),
        case=case,
        text="疏导家属照顾压力，增进家属对精神疾病的认识",
        target_on=admitted + timedelta(days=45),
    )
    chain = referral_create(
        actor=system_actor(),
        case=case,
        agency=_agency("郁南县民安医院"),
        purpose="送院住院治疗",
        referred_on=referred,
        first_agency=_agency("佛山市高明区救助站"),
        notes="高明区救助站完成身份甄别，启动跨市接力护送。",
    )
    joint = referral_create(
        actor=system_actor(),
        case=case,
        agency=_agency("桂圩镇残联"),
        purpose="联合协助办理入院手续",
        referred_on=referred,
        notes="与罗顺村委会一起与家属沟通送院安排。",
    )
    case_note_add(
        actor=system_actor(),
        case=case,
        worker=worker,
        written_on=referred,
        text="社工与村干部上门与家属沟通，家属希望送回郁南县民安医院治疗；联系各救助站及镇残联，协调接力护送与入院手续。",
    )
    referral_step_add(
        actor=system_actor(),
        referral=chain,
        status="accepted",
        on_date=admitted,
        agency=_agency("云浮市救助站"),
        notes="接力护送。",
    )
    referral_step_add(
        actor=system_actor(),
        referral=chain,
        status="accepted",
        on_date=admitted,
        agency=_agency("郁南县救助站"),
        notes="接力护送至郁南县。",
    )
    referral_step_add(
        actor=system_actor(),
        referral=chain,
        status="done",
        on_date=admitted,
        notes="办理入院，社工全程陪同。",
    )
    referral_step_add(
        actor=system_actor(), referral=joint, status="done", on_date=admitted, notes="协助家属办理入院手续。"
    )
    case_note_add(
        actor=system_actor(),
        case=case,
        worker=worker,
        written_on=admitted,
        text="送院全程陪同，安抚服务对象的不安情绪，协助和指引家属办理入院手续。",
    )
    goal_update(actor=system_actor(), goal=admit, status="achieved", target_on=admit.target_on)
    after = admitted + timedelta(days=7)
    if after <= timezone.localdate():
        case_note_add(
            actor=system_actor(),
            case=case,
            worker=worker,
            written_on=after,
            text="回访家属：同理家属的不容易，疏导照顾压力，引导自我照顾、自我关怀；科普精神疾病知识，增进理解和照顾能力。",
        )
        goal_update(actor=system_actor(), goal=family, status="achieved", target_on=family.target_on)
        case = Case.objects.get(pk=case.pk)
        case = case_close(
            actor=system_actor(),
            case=case,
            closed_on=after,
            outcome="achieved",
            reason="服务对象已在郁南县民安医院住院治疗，家属照顾压力得到疏导，转入常规跟进。",
            version=case.version,
        )
    case = Case.objects.get(pk=case.pk)
    case_set_exemplary(
        actor=system_actor(),
        case=case,
        nickname="小Q",
        title="多方联动，助力小Q平安入院",
        text=XIAO_Q_WRITE_UP,
        version=case.version,
    )
    return 1


def _xiao_chen(actor: User) -> int:
    station = _station("河口街道")
    if station is None:
        return 0
    person = (
        Beneficiary.objects.active()
        .filter(station=station, disability_grade=2)
        .filter(Q(name="小陈") | Q(notes__startswith="简报人物（2021年8月）"))
        .order_by("id")
        .first()
    )
    worker = _worker(station)
    if person is None or worker is None:
        return 0
    # Opened before the 2021 registration in this system (the station has served since 2017), closed before the
    # bulletin of 2021-08 that tells the story.
    opened = date(2021, 1, 4)

    def on(days: int) -> date:
        return min(opened + timedelta(days=days), timezone.localdate())

    case = case_open(
        actor=system_actor(),
        beneficiary=person,
        opened_on=opened,
        source="visit",
        presenting_problem="交通意外致肢体二级残疾后性格大变，封闭自己，拒绝村民的关心和安慰。",
        worker=worker,
    )
    case = case_update(
        actor=system_actor(),
        case=case,
        version=case.version,
        assessed_on=on(14),
        problems="意外致残后情绪低落、脾气古怪，社会交往中断。",
        strengths="年轻，家人支持；村民愿意关心他。",
        risk_level="medium",
        assessment_notes="肢体二级残疾，行动不便；情绪低落，需持续关注心理状况。",
    )
    trust = goal_add(actor=system_actor(), case=case, text="建立专业关系，愿意与社工交流", target_on=on(60))
    friends = goal_add(
        actor=system_actor(), case=case, text="结识同龄朋友，走出家门与村民交往", target_on=on(150)
    )
    for days, text in (
        (7, "首次上门，服务对象不愿交谈，社工表达关心后离开，约定下次探访。"),
        (30, "多次探访后服务对象开始回应，试探性交谈，谈及受伤前的爱好。"),
        (60, "日常探访交流，找到共同话题，服务对象敞开心扉；疏导其树立积极的人生观。"),
        (100, "介绍大学在校生与服务对象相识，同龄人交友，精神上得到慰藉。"),
        (150, "服务对象已能走出家门，与村民和朋友相处唠家常。"),
    ):
        case_note_add(actor=system_actor(), case=case, worker=worker, written_on=on(days), text=text)
    goal_update(actor=system_actor(), goal=trust, status="achieved", target_on=trust.target_on)
    goal_update(actor=system_actor(), goal=friends, status="achieved", target_on=friends.target_on)
    case = Case.objects.get(pk=case.pk)
    case = case_close(
        actor=system_actor(),
        case=case,
        closed_on=on(155),
        outcome="achieved",
        reason="服务对象走出家门，重建社会交往，转入常规探访。",
        version=case.version,
    )
    case_set_exemplary(
        actor=system_actor(),
        case=case,
        nickname="小陈",
        title="走出家门的小陈",
        text=XIAO_CHEN_WRITE_UP,
        version=case.version,
    )
    return 1


def _sulong(actor: User) -> int:
    """Ordinary cases: one closed in January 2023, one open since then with a referral under way, one opened
    recently."""
    station = _station("素龙街道")
    if station is None:
        return 0
    worker = _worker(station)
    people = Beneficiary.objects.active().filter(station=station, relation="head")
    if worker is None:
        return 0

    def first(code: str, exclude: list[int], **more) -> Beneficiary | None:
        return (
            people.filter(category_links__category__code=code, status=Status.ACTIVE, **more)
            .exclude(pk__in=exclude)
            .distinct()
            .order_by("id")
            .first()
        )

    recorded, used = 0, []
    today = timezone.localdate()
    elder = first("tekun_dispersed", used)
    if elder is not None:
        used.append(elder.pk)
        opened = max(elder.registered_on, date(2023, 1, 9))
        case = case_open(
            actor=system_actor(),
            beneficiary=elder,
            opened_on=opened,
            source="visit",
            presenting_problem="独居，腿脚不便，冬季取暖和就医有困难。",
            worker=worker,
        )
        goal = goal_add(
            actor=system_actor(),
            case=case,
            text="协助申请临时救助，解决冬季取暖",
            target_on=opened + timedelta(days=14),
        )
        case_note_add(
            actor=system_actor(),
            case=case,
            worker=worker,
            written_on=opened,
            text="入户评估居住与健康状况，联系村医上门测血压。",
        )
        case_note_add(
            actor=system_actor(),
            case=case,
            worker=worker,
            written_on=opened + timedelta(days=7),
            text="协助准备临时救助申请材料，送来棉被一床。",
        )
        goal_update(actor=system_actor(), goal=goal, status="achieved", target_on=goal.target_on)
        case = Case.objects.get(pk=case.pk)
        case_close(
            actor=system_actor(),
            case=case,
            closed_on=opened + timedelta(days=14),
            outcome="achieved",
            reason="临时救助已获批，取暖问题解决，转入常规探访。",
            version=case.version,
        )
        recorded += 1
    mother = first("woman_in_hardship", used, gender="F")
    if mother is not None:
        used.append(mother.pk)
        opened = max(mother.registered_on, date(2023, 1, 12))
        case = case_open(
            actor=system_actor(),
            beneficiary=mother,
            opened_on=opened,
            source="walk_in",
            presenting_problem="独自抚养子女，收入不稳定，孩子学习跟不上。",
            worker=worker,
        )
        goal_add(
            actor=system_actor(),
            case=case,
            text="链接就业培训，增加家庭收入",
            target_on=opened + timedelta(days=90),
        )
        goal_add(
            actor=system_actor(),
            case=case,
            text="为孩子链接课业辅导志愿者",
            target_on=opened + timedelta(days=60),
        )
        case_note_add(
            actor=system_actor(),
            case=case,
            worker=worker,
            written_on=opened,
            text="来站求助，了解家庭收支与子女学习情况。",
        )
        referral_create(
            actor=system_actor(),
            case=case,
            agency=_agency("云浮市妇女联合会"),
            purpose="妇女就业技能培训",
            referred_on=opened + timedelta(days=3),
        )
        recorded += 1
    family = first("anti_relapse", used)
    if family is not None:
        opened = max(family.registered_on, today - timedelta(days=10))
        case = case_open(
            actor=system_actor(),
            beneficiary=family,
            opened_on=opened,
            source="village",
            presenting_problem="家庭主要劳动力患病，存在返贫风险，需要就业与医疗支持。",
            worker=worker,
        )
        case_note_add(
            actor=system_actor(),
            case=case,
            worker=worker,
            written_on=opened,
            text="与村委一起入户，评估家庭收支与就医需要。",
        )
        recorded += 1
    return recorded


@transaction.atomic
def load_demo(actor: User) -> int:
    """Record the demo's cases; nothing if the Yunfu cases exist already. Returns the number of cases recorded."""
    seed_agencies(Agency)  # a flushed database has lost the migration's rows
    if Case.objects.filter(region_code__startswith="4453").exists():
        return 0
    return _xiao_q(actor) + _xiao_chen(actor) + _sulong(actor)
