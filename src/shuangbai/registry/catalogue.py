"""The categories the seed bulletins name, as the catalogue starts: (code, name, umbrella). The city bureau
edits the catalogue afterwards; the codes are stable identifiers for imports, the API and reports."""

SEED_CATEGORIES = [
    ("dibao", "低保对象", "hardship"),
    ("tekun_institutional", "特困人员（集中供养）", "hardship"),
    ("tekun_dispersed", "特困人员（分散供养）", "hardship"),
    ("near_poverty", "低保边缘", "hardship"),
    ("anti_relapse", "防返贫监测对象", "hardship"),
    ("temporary_relief", "临时救助对象", "hardship"),
    ("other_hardship", "其他困难群众", "hardship"),
    ("orphan", "孤儿", "special"),
    ("orphan_community", "散居孤儿", "special"),
    ("unsupported_child", "事实无人抚养儿童", "special"),
    ("left_behind_child", "留守儿童", "special"),
    ("child_in_difficulty", "困境儿童", "special"),
    ("left_behind_elderly", "留守老人", "special"),
    ("empty_nest_elderly", "空巢老人", "special"),
    ("living_alone_elderly", "独居老人", "special"),
    ("very_old_elderly", "高龄老人", "special"),
    ("disabled_elderly", "失能/半失能老人", "special"),
    ("disabled", "残疾人", "special"),
    ("severely_disabled", "重度残疾人", "special"),
    ("mental_disorder", "精神障碍患者", "special"),
    ("woman_in_hardship", "困难妇女", "special"),
]


# Watched by health monitoring from the start; the bureau changes the marks in the catalogue.
HEALTH_WATCH = {"living_alone_elderly", "disabled_elderly", "severely_disabled", "mental_disorder"}


def seed_categories(category_model) -> None:
    """Create the seed categories that are missing (idempotent). Takes the model so the data migration can
    pass its historical one; tests call it too, since a transactional test's flush empties the table."""
    # Migration 0002's historical model predates the health-watch mark; 0003 sets it for existing rows.
    has_watch = any(field.name == "health_watch" for field in category_model._meta.fields)
    for order, (code, name, umbrella) in enumerate(SEED_CATEGORIES, start=1):
        defaults = {"name": name, "umbrella": umbrella, "sort_order": order * 10}
        if has_watch:
            defaults["health_watch"] = code in HEALTH_WATCH
        category_model.objects.get_or_create(code=code, defaults=defaults)
