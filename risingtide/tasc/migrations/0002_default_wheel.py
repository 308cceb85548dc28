from django.db import migrations


def create_default_wheel(apps, schema_editor):
    from risingtide.tasc.wheels import ensure_default_wheel

    ensure_default_wheel(apps.get_model("tasc", "Wheel"), apps.get_model("tasc", "WheelStage"))


class Migration(migrations.Migration):
    dependencies = [("tasc", "0001_initial")]
    operations = [migrations.RunPython(create_default_wheel, migrations.RunPython.noop)]
