from django.db import migrations


def seed(apps, schema_editor):
    from shuangbai.supervision.catalogue import seed_check_items

    seed_check_items(apps.get_model("supervision", "CheckItem"))


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
