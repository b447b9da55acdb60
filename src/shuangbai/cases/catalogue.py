"""The agencies the catalogue starts with: those the seed bulletins name (the 桂圩镇 referral of 小Q passed
佛山市高明区救助站, 云浮市救助站 and 郁南县救助站 to 郁南县民安医院) and the partners of every station's town.
The province or city bureau adds, edits and deactivates agencies afterwards."""

SEED_AGENCIES = [
    ("佛山市高明区救助站", "rescue_station", "440608000000"),
    ("云浮市救助站", "rescue_station", "445300000000"),
    ("郁南县救助站", "rescue_station", "445322000000"),
    ("郁南县民安医院", "hospital", "445322000000"),
    ("郁南县残疾人联合会", "disabled_federation", "445322000000"),
    ("桂圩镇残联", "disabled_federation", "445322102000"),
    ("罗顺村委会", "village_committee", ""),
    ("罗定市残疾人联合会", "disabled_federation", "445381000000"),
    ("云浮市妇女联合会", "womens_federation", "445300000000"),
]


def seed_agencies(agency_model, region_model=None) -> None:
    """Create the seed agencies that are missing (idempotent). Takes the models so the data migration can pass
    its historical ones; the region is linked when the region tree has it."""
    for name, kind, code in SEED_AGENCIES:
        region = None
        if region_model is not None and code:
            region = region_model.objects.filter(code=code).first()
        agency_model.objects.get_or_create(
            name=name,
            defaults={"kind": kind, "region": region},
        )
