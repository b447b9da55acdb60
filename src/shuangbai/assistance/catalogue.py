"""The assistance types the catalogue starts with (the seeds' words). The province or city bureau adds and
deactivates types afterwards; a type once used is never deleted, so old records keep their name."""

# code, name, unit, needs an application
SEED_TYPES = [
    ("disability_subsidy", "残疾人补贴", "元", True),
    ("old_age_allowance", "高龄津贴", "元", True),
    ("medical_relief", "医疗救助", "元", True),
    ("temporary_relief", "临时救助", "元", True),
    ("dibao_application", "低保申请", "元", True),
    ("tekun_application", "特困申请", "元", True),
    ("relief_money", "救助金", "元", False),
    ("daily_supplies", "生活物资", "份", False),
    ("cash_gift", "慰问金", "元", False),
    ("policy_advice", "政策咨询", "次", False),
    ("counselling", "心理疏导", "次", False),
    ("volunteer_service", "志愿服务", "次", False),
    ("employment_help", "就业帮扶", "次", False),
]


def seed_assistance_types(type_model) -> None:
    """Create the seed types that are missing (idempotent). Takes the model so the data migration can pass its
    historical one; tests and the demo call it too, since a transactional test's flush empties the table."""
    for order, (code, name, unit, applied) in enumerate(SEED_TYPES, start=1):
        type_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "is_application": applied, "sort_order": order * 10},
        )
