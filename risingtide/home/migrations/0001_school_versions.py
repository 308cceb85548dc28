"""What staff home pages count in a school moves the school's content version on
(lib/versions.py, decision 0015): pupils and classes, projects and whom they are set to, the
register and its imports, self-evaluations and monitoring notes, the LA's reports, and the
places people went to with their ratings. ``home/kept.py`` keys the kept pages by it.

Not a session's own row: it is written on every booking (places taken), and would move every
school booked on it, queueing their writers on each other's rows; what a home page takes from
it (when it ended, for "rate within so many days") follows the clock, which the key carries."""

from django.db import migrations

from risingtide.lib.versions import Watch, installer


def _school(name: str, table: str, ids: str = "{row}.school_id") -> Watch:
    return Watch(f"school_{name}", table, "schools_school", "content_version", ids)


WATCHES = [
    _school("teachinggroup", "schools_teachinggroup"),
    _school(
        "membership",
        "people_membership",
        "SELECT {row}.school_id UNION "
        "SELECT school_id FROM schools_teachinggroup WHERE id = {row}.teaching_group_id",
    ),
    _school("project", "tasc_project"),
    _school(
        "assignment",
        "tasc_assignment",
        "SELECT school_id FROM tasc_project WHERE id = {row}.project_id",
    ),
    _school("pupil", "register_pupil"),
    _school("registerentry", "register_registerentry"),
    _school("importbatch", "register_importbatch"),
    _school("reportfile", "insights_schoolreportfile"),
    _school("selfevaluation", "standards_selfevaluation"),
    _school("monitoringnote", "standards_monitoringnote"),
    _school("booking", "provision_booking"),
    _school(
        "place",
        "provision_place",
        "SELECT school_id FROM provision_booking WHERE id = {row}.booking_id",
    ),
    _school("rating", "provision_rating"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0002_content_version"),
        ("people", "0002_access_version"),
        ("tasc", "0003_pupils_choose_groups"),
        ("register", "0001_initial"),
        ("insights", "0001_initial"),
        ("standards", "0001_initial"),
        ("provision", "0004_shown_to_pupils"),
    ]

    operations = [migrations.RunPython(*installer(*WATCHES))]
