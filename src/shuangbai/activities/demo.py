"""The activities the seed bulletins report, recorded through the services on the demo's stations (looked up by
town name; a town without a station is skipped), with their partners as the bulletins name them.

- seed 000 (2023): 高峰街道's 元宵 parent-child activity (2023-02-01); 六都镇's children's crafts at 上六村委
  (2023-01-26) and 包汤圆、庆团圆、贺元宵 at 佛水村 (2023-02-03); 素龙街道's couplets for people in hardship in
  大甲村 and 凤塘村 (January 2023, before the Spring Festival: the bulletin gives no day, the demo says 01-19);
  罗城街道's 兔开心，庆元宵 lanterns (2023-02-05); 东成镇's 碧塘村 元宵 games (2023-02-03 15:00); 连滩镇's 非遗
  exhibition at two schools (2023-02-15).
- seed 001 (2021): the city bureau's anti-drug outreach at 罗定市双东街道 (2021-07-29): 300-odd people, 300-odd
  leaflets (recorded as 300 of each, the figure the bulletin can stand behind).

The bulletins give the dates, places, partners, segments and the 双东 counts. Every other participant count,
quantity and volunteer hour is the demo's own, and the volunteers' names and phones are fictional.
"""

from __future__ import annotations

from datetime import date, time

from django.db import transaction
from django.db.models import Q

from shuangbai.core.models import User
from shuangbai.regions.models import Region
from shuangbai.registry.models import Beneficiary
from shuangbai.stations.models import Point, Station

from .models import Activity, Partner, Volunteer
from .services import activity_record, partner_create, volunteer_create

CITY = "445300000000"


def _station(town: str) -> Station | None:
    return Station.objects.active().filter(town__name=town, region_code__startswith="4453").first()


def _point(station: Station, village: str) -> Point | None:
    return station.points.filter(village__name=village).first()


def _people(station: Station, on: date, *, codes=(), villages=(), limit: int = 10) -> list[Beneficiary]:
    """Registered people of the station in the register that day (of some categories, or some villages)."""
    people = Beneficiary.objects.current().filter(station=station, registered_on__lte=on)
    people = people.filter(Q(exited_on__isnull=True) | Q(exited_on__gte=on))
    if codes:
        people = people.filter(categories__code__in=codes)
    if villages:
        people = people.filter(household__village__name__in=villages)
    return list(people.distinct().order_by("region_code", "id")[:limit])


class _Book:
    """Partners and volunteers made once, looked up by name."""

    def __init__(self, actor: User):
        self.actor = actor

    def partner(self, name: str, kind: str, *, station: Station | None = None, region: str = "") -> Partner:
        code = station.region_code if station else region
        found = Partner.objects.filter(region_code=code, name=name).first()
        if found is not None:
            return found
        place = {"station": station} if station else {"region": Region.objects.get(code=region)}
        return partner_create(actor=self.actor, name=name, kind=kind, **place)

    def volunteers(self, names: list[str], *, station: Station | None = None, region: str = "", **extra):
        made = []
        for name in names:
            code = station.region_code if station else region
            found = Volunteer.objects.filter(region_code=code, name=name).first()
            if found is None:
                place = {"station": station} if station else {"region": Region.objects.get(code=region)}
                found = volunteer_create(
                    actor=self.actor,
                    name=name,
                    phone=f"1370766{Volunteer.objects.count():04d}",
                    **place,
                    **extra,
                )
            made.append(found)
        return made


@transaction.atomic
def load_demo(actor: User) -> int:
    """Record the seeds' activities (idempotent: nothing if the demo's stations already have some). Returns how
    many activities were recorded."""
    if Activity.objects.filter(region_code__startswith="4453").exists():
        return 0
    book = _Book(actor)
    recorded = 0

    def record(station: Station | None, **values) -> None:
        nonlocal recorded
        if station is not None:
            activity_record(actor=actor, station=station, **values)
            recorded += 1

    # seed 000: 高峰街道 (云城区)
    gaofeng = _station("高峰街道")
    if gaofeng:
        record(
            gaofeng,
            kind="community",
            title="“我们的节日·精神的家园”闹元宵亲子活动",
            theme="festival",
            held_on=date(2023, 2, 1),
            place="高峰街道社会工作服务站",
            partners=[
                book.partner("云城区民政局", "government", region="445302000000"),
                book.partner("高峰街道办事处", "government", station=gaofeng),
            ],
            segments=["包汤圆", "制作环保花灯"],
            participants=40,
            people=_people(
                gaofeng, date(2023, 2, 1), codes=["left_behind_child", "child_in_difficulty"], limit=6
            ),
            volunteers=[
                (v, 3)
                for v in book.volunteers(
                    ["梁慧敏", "何志强"], station=gaofeng, organisation="高峰街道志愿服务队"
                )
            ],
            narrative=(
                "在云城区民政局、高峰街道办事处的指导支持下，高峰街道社工站开展“我们的节日·精神的家园”闹元宵亲子活动。"
                "在热心志愿者的指导下，家长带领孩子们包汤圆；煮制汤圆期间，小朋友们在双百社工的讲解和带领下制作元宵花灯，"
                "传承传统节日文化，营造浓厚的节日氛围。"
            ),
        )

    # seed 000: 六都镇 (云安区)
    liudu = _station("六都镇")
    if liudu:
        record(
            liudu,
            kind="group",
            title="巧手缤纷迎新春，儿童手工暖寒冬",
            theme="children",
            held_on=date(2023, 1, 26),
            place="上六村委",
            point=_point(liudu, "上六村"),
            partners=[
                book.partner("六都镇人民政府", "government", station=liudu),
                book.partner("上六村委会", "community", station=liudu),
            ],
            segments=["讲解春节传统习俗", "制作新春手工", "作品分享"],
            participants=18,
            people=_people(
                liudu,
                date(2023, 1, 26),
                codes=["left_behind_child", "child_in_difficulty", "unsupported_child", "orphan_community"],
                limit=8,
            ),
            materials=[("新春手工材料包", 18, "份")],
            narrative=(
                "六都镇社工站邀请上六村委困难群体儿童开展主题活动。社工讲解春节传统习俗，孩子们分享吃年夜饭、探亲访友等"
                "新春习俗；在社工引导下制作新春手工，贴“福”字、“兔子”图案和吉祥话语；最后分享作品并合照留念。"
            ),
        )
        record(
            liudu,
            kind="community",
            title="包汤圆、庆团圆、贺元宵",
            theme="festival",
            held_on=date(2023, 2, 3),
            start_time=time(14, 30),
            place="佛水村委居家养老服务站",
            point=_point(liudu, "佛水村"),
            partners=[book.partner("六都镇新时代文明实践所", "government", station=liudu)],
            segments=["和面、和馅、包汤圆", "交流元宵节习俗和年节趣事", "品尝汤圆"],
            participants=35,
            people=_people(
                liudu,
                date(2023, 2, 3),
                codes=["left_behind_elderly", "empty_nest_elderly", "living_alone_elderly"],
                limit=8,
            ),  # fmt: skip
            narrative=(
                "六都镇社工站联合镇新时代文明实践所在佛水村委居家养老服务站开展活动。社工提前准备糯米粉、馅料等食材，"
                "与村民一起动手和面、和馅、包汤圆，边包边聊元宵节的习俗；村民品尝亲手做的汤圆，诉说新一年合家团圆的愿望。"
            ),
        )

    # seed 000: 素龙街道 (罗定市) — couplets to people in hardship of 大甲村 and 凤塘村
    sulong = _station("素龙街道")
    if sulong:
        day = date(2023, 1, 19)
        people = _people(sulong, day, villages=["大甲村", "凤塘村"], limit=16)
        record(
            sulong,
            kind="community",
            title="喜迎新春送春联",
            theme="festival",
            held_on=day,
            place="大甲村、凤塘村困难群众家中",
            point=_point(sulong, "大甲村"),
            segments=["社工带上写满新春祝福的春联入户", "送上新春祝福"],
            participants=max(len(people), 1),
            people=people,
            materials=[("春联", max(len(people), 1), "幅")],
            narrative=(
                "为喜迎兔年新春，发扬迎新春、贴春联的优良传统文化，素龙街道社工站开展“喜迎新春送春联”活动，"
                "社工带上一幅幅写满新春祝福的春联，送进大甲、凤塘村的困难群众手中，并送上新春祝福。"
            ),
        )

    # seed 000: 罗城街道 (罗定市)
    luocheng = _station("罗城街道")
    if luocheng:
        association = book.partner("罗定市罗城街道社会工作与志愿服务协会", "social_org", station=luocheng)
        record(
            luocheng,
            kind="community",
            title="“兔开心，庆元宵”童趣小花灯主题活动",
            theme="festival",
            held_on=date(2023, 2, 5),
            place="罗城街道柑园社区新时代文明实践站",
            point=_point(luocheng, "柑园社区"),
            partners=[association, book.partner("罗定市新华书店", "enterprise", region="445381000000")],
            segments=["讲述元宵节由来", "猜灯谜", "制作兔子小桔灯"],
            participants=45,
            people=_people(
                luocheng, date(2023, 2, 5), codes=["left_behind_child", "child_in_difficulty"], limit=5
            ),
            volunteers=[
                (v, 2) for v in book.volunteers(["罗晓雯", "陈俊杰"], station=luocheng, partner=association)
            ],
            materials=[("小礼品", 20, "份")],
            narrative=(
                "罗城街道社会工作与志愿服务协会联同罗定市新华书店开展活动。新时代文明实践志愿服务者介绍元宵节的由来；"
                "社工带领亲子家庭猜灯谜，参与的小朋友都获得一份小礼品；最后家长和孩子们一起手工制作兔子小桔灯。"
            ),
        )

    # seed 000: 东成镇 (新兴县)
    dongcheng = _station("东成镇")
    if dongcheng:
        record(
            dongcheng,
            kind="community",
            title="碧塘村“欢天喜地闹元宵”主题活动",
            theme="festival",
            held_on=date(2023, 2, 3),
            start_time=time(15, 0),
            place="碧塘服务点",
            point=_point(dongcheng, "碧塘村"),
            partners=[book.partner("东成镇新时代文明实践所", "government", station=dongcheng)],
            segments=["PPT问答了解元宵节", "猜灯谜", "趣味游戏：拍篮球、踩气球、抢凳子"],
            participants=30,
            people=_people(
                dongcheng, date(2023, 2, 3), codes=["left_behind_child", "child_in_difficulty"], limit=5
            ),
            materials=[("奖品（直尺、笔、笔记本）", 30, "份")],
            narrative=(
                "东成镇社工站联合东成镇文明实践所在碧塘服务点开展活动。社工通过PPT问答让孩子们了解元宵节；"
                "猜灯谜环节猜对的小朋友领取了奖品；趣味游戏有拍篮球和踩气球，又临时增加了“抢凳子”，大人小孩一起参与。"
            ),
        )

    # seed 000: 连滩镇 (郁南县) — 非遗进校园
    liantan = _station("连滩镇")
    if liantan:
        record(
            liantan,
            kind="community",
            title="传承传统文化 非遗文化走进校园",
            theme="heritage",
            held_on=date(2023, 2, 15),
            place="郁南县连滩镇初级中学、郁南县连滩镇第二小学",
            partners=[
                book.partner("连滩镇宣传办", "government", station=liantan),
                book.partner("连滩镇文化站", "government", station=liantan),
                book.partner("连滩镇禁毒办", "government", station=liantan),
                book.partner("郁南县连滩镇初级中学", "school", station=liantan),
                book.partner("郁南县连滩镇第二小学", "school", station=liantan),
            ],
            segments=["布置非遗宣传展览板", "讲解连滩飘色、手指画的历史和做法", "现场问答"],
            participants=500,
            narrative=(
                "连滩镇社工站联合镇宣传办、镇文化站、镇禁毒办到两所学校开展非遗文化进校园宣传活动，以展览和现场讲解的形式，"
                "向同学们讲解连滩飘色、手指画的历史、做法画法，并以问答引导学生认识和思考非遗文化。"
            ),
        )

    # seed 001: the city bureau's anti-drug outreach at 双东街道 (罗定市)
    shuangdong = _station("双东街道")
    if shuangdong:
        team = book.volunteers(
            ["黄佳欣", "林文海", "叶雪晴", "邓志明"], region=CITY, organisation="云浮市民政局志愿服务队"
        )
        record(
            shuangdong,
            kind="community",
            title="禁毒宣传活动",
            theme="anti_drug",
            held_on=date(2021, 7, 29),
            place="罗定市双东街道",
            organiser="云浮市民政局",
            partners=[book.partner("云浮市民政局", "government", region=CITY)],
            segments=[
                "张贴禁毒知识宣传海报",
                "发放禁毒知识宣传画册",
                "悬挂禁毒横幅",
                "禁毒小知识有奖问答",
            ],
            participants=300,
            volunteers=[(v, 3) for v in team],
            materials=[("禁毒宣传资料", 300, "份")],
            narrative=(
                "云浮市民政局组织双百社工及志愿服务队到禁毒挂点帮扶的罗定市双东街道开展禁毒宣传活动，向群众宣传讲解"
                "“什么是毒品”“毒品的基本特征”“吸食毒品的危害”等知识，重点面向中小学生家庭。"
                "活动共计发放禁毒宣传资料300余份，吸引了300多名群众参与。"
            ),
        )
    return recorded
