from django.db import migrations


def seed(apps, schema_editor):
    from shuangbai.registry.catalogue import SEED_CATEGORIES

    Category = apps.get_model("registry", "Category")
    for order, (code, name, umbrella) in enumerate(SEED_CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "umbrella": umbrella, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
