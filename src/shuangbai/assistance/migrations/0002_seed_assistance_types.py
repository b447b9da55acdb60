from django.db import migrations


def seed(apps, schema_editor):
    from shuangbai.assistance.catalogue import seed_assistance_types

    seed_assistance_types(apps.get_model("assistance", "AssistanceType"))


class Migration(migrations.Migration):
    dependencies = [("assistance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
