"""A school's home page offers its newest report only from a finished run (a run still going,
or whose worker was killed, offers nothing: decision 29), so a run's state moving on must move
the content version of every school it made a report for, as a new report file does."""

from django.db import migrations

from risingtide.lib.versions import Watch, installer

RUN = Watch(
    "school_reportrun",
    "insights_reportrun",
    "schools_school",
    "content_version",
    "SELECT school_id FROM insights_schoolreportfile WHERE run_id = {row}.id",
)


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_place_versions_again"),
        ("insights", "0001_initial"),
    ]

    operations = [migrations.RunPython(*installer(RUN))]
