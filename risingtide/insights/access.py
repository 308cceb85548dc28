"""Who may see register insights: a school's summary figures (no pupil-level data leaves the
school), its LA's and the nation's. Registered with the access engine when the app is ready."""

from risingtide.access.core import Subject, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import STAFF_IN_SCHOOL
from risingtide.people.models import Role
from risingtide.schools.access import SCHOOL_PATHS
from risingtide.schools.models import School

# A school's register insights: the school itself is the subject, reached as a school is.
declare_subject("insights", Subject(School, SCHOOL_PATHS, primary=False))
declare(
    # figure shown outside its own school passes disclosure control ---
    Capability(
        "insights.view",
        "insights",
        "See a school's register insights report (outside the school: with small numbers "
        "suppressed)",
        {
            **STAFF_IN_SCHOOL,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
        },
    ),
    Capability(
        "insights.own",
        "insights",
        "See one's own school's figures exactly, without disclosure control",
        {**STAFF_IN_SCHOOL},
    ),
    Capability(
        "insights.la",
        "local_authority",
        "See an LA's report: its schools compared (suppressed), drill down to a school",
        {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "insights.generate",
        "local_authority",
        "Generate every school's PDF report in one run and download them as a ZIP",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "insights.nation",
        "nation",
        "See the national dashboard: LAs compared (suppressed)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
)
