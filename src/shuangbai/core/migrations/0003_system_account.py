"""The system account: what the demo, synth, loaders and commands act as. It cannot log in."""

from django.contrib.auth.hashers import make_password
from django.db import migrations


def create_system_account(apps, schema_editor):
    User = apps.get_model("core", "User")
    if not User.objects.filter(username="system").exists():
        User.objects.create(
            username="system",
            role="system",
            display_name="系统",
            is_superuser=True,
            password=make_password(None),  # unusable
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_system_role")]

    operations = [migrations.RunPython(create_system_account, migrations.RunPython.noop)]
