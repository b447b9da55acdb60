from django.db import migrations


def seed(apps, schema_editor):
    from shuangbai.cases.catalogue import seed_agencies

    seed_agencies(apps.get_model("cases", "Agency"), apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("regions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
