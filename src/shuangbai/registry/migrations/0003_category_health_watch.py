from django.db import migrations, models


def mark_watched(apps, schema_editor):
    from shuangbai.registry.catalogue import HEALTH_WATCH

    apps.get_model("registry", "Category").objects.filter(code__in=HEALTH_WATCH).update(health_watch=True)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_seed_categories")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="health_watch",
            field=models.BooleanField(
                default=False,
                help_text="此类别的服务对象列入健康监测名单（如独居、失能、重度残疾）。",
                verbose_name="纳入健康监测",
            ),
        ),
        migrations.RunPython(mark_watched, migrations.RunPython.noop),
    ]
