from django.db import migrations, models
from django.db.models import Exists, OuterRef


def backfill(apps, schema_editor):
    beneficiary = apps.get_model("registry", "Beneficiary")
    links = apps.get_model("registry", "BeneficiaryCategory").objects.filter(beneficiary=OuterRef("pk"))
    beneficiary.objects.update(
        in_hardship=Exists(links.filter(category__umbrella="hardship")),
        in_special=Exists(links.filter(category__umbrella="special")),
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_gps_both_or_neither")]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="in_hardship",
            field=models.BooleanField(default=False, editable=False, verbose_name="属困难群众"),
        ),
        migrations.AddField(
            model_name="beneficiary",
            name="in_special",
            field=models.BooleanField(default=False, editable=False, verbose_name="属特殊群体"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
