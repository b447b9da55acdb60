from django.core.management.base import BaseCommand, CommandError

from shuangbai.synth import SynthError, synth_build

LABELS = [
    ("cities", "市"),
    ("counties", "县（区）"),
    ("towns", "镇（街）"),
    ("villages", "村（居）"),
    ("stations", "社工站"),
    ("points", "社工点"),
    ("staff", "社工"),
    ("assignments", "岗位安排"),
    ("households", "户"),
    ("beneficiaries", "服务对象"),
]


class Command(BaseCommand):
    help = (
        "生成合成数据（基准测试、演示用）：synth --scale F [--seed N]。"
        "规模 1 约为广东全省：21 市、120 县、1600 镇街、26000 村居及对应的站、点、社工，"
        "约 110 万户 300 万服务对象；区划、人名、身份证号均为虚构。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, required=True, help="规模，1 = 广东全省，0.05 = 其二十分之一"
        )
        parser.add_argument("--seed", type=int, default=1, help="随机种子；同一种子生成同样的数据（默认 1）")

    def handle(self, *args, scale, seed, **options):
        try:
            result = synth_build(scale, seed=seed)
        except SynthError as error:
            raise CommandError(str(error)) from None
        counts = "，".join(f"{label} {result[key]}" for key, label in LABELS)
        self.stdout.write(
            f"已生成合成数据（规模 {scale}，种子 {seed}）：{counts}；用时 {result['seconds']:.1f} 秒。"
        )
