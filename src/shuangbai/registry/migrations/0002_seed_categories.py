from django.db import migrations


def seed(apps, schema_editor):
    from shuangbai.registry.catalogue import seed_categories

    seed_categories(apps.get_model("registry", "Category"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
