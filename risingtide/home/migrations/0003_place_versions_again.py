"""A marketplace place's school version triggers again: ``provision.0005_place_consent``
rebuilt the ``provision_place`` table on SQLite (its new consent columns), which drops the
table's triggers (decision 0015). Dropping and making them anew is right on both databases."""

from django.db import migrations

from risingtide.lib.versions import Watch, installer

PLACE = Watch(
    "school_place",
    "provision_place",
    "schools_school",
    "content_version",
    "SELECT school_id FROM provision_booking WHERE id = {row}.booking_id",
)
install, uninstall = installer(PLACE)


def again(apps, schema_editor):
    uninstall(apps, schema_editor)
    install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_membership_versions_again"),
        ("provision", "0005_place_consent"),
    ]

    operations = [migrations.RunPython(again, migrations.RunPython.noop)]
