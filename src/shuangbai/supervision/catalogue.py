"""The check items the seed bulletins name, as the catalogue starts. The province or city bureau adds and
deactivates items afterwards; an item once used is never deleted, so old scores keep their name."""

SEED_CHECK_ITEMS = ["入户走访", "建档立卡", "五社联动", "工作简报", "站点建设", "台账资料"]


def seed_check_items(item_model) -> None:
    """Create the seed items that are missing (idempotent). Takes the model so the data migration can pass its
    historical one; tests and the demo call it too, since a transactional test's flush empties the table."""
    for order, name in enumerate(SEED_CHECK_ITEMS, start=1):
        item_model.objects.get_or_create(name=name, defaults={"sort_order": order * 10})
