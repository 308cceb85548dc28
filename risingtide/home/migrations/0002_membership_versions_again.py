"""A membership's school version triggers again: ``people.0003_carers`` rebuilt the
``people_membership`` table on SQLite (its new ``child`` column and check), which drops the
table's triggers (decision 0015). Dropping and making them anew is right on both databases."""

from django.db import migrations

from risingtide.lib.versions import Watch, installer

MEMBERSHIP = Watch(
    "school_membership",
    "people_membership",
    "schools_school",
    "content_version",
    "SELECT {row}.school_id UNION "
    "SELECT school_id FROM schools_teachinggroup WHERE id = {row}.teaching_group_id",
)
install, uninstall = installer(MEMBERSHIP)


def again(apps, schema_editor):
    uninstall(apps, schema_editor)
    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_school_versions"),
        ("people", "0003_carers"),
    ]

    operations = [migrations.RunPython(again, migrations.RunPython.noop)]
