"""Who may see and set the school's entitlement, and the equity of provision.

Inside the school: the coordinator (leading teacher) and the head see every pupil on the
register and set the entitlement; a teacher sees the page with their own groups' pupils only
(the pupils are read through ``visible(user, "pupil_record")``, which reaches a teacher's
groups). Outside the school nobody sees a pupil: an LA lead sees their LA's schools summed, a
national officer the nation's, as suppressed aggregates (``opportunities.equity``)."""

from risingtide.access.core import Subject, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.schools.access import SCHOOL_PATHS
from risingtide.schools.models import School

# The school's entitlement page: the school itself is the subject, reached as a school is.
declare_subject("entitlement", Subject(School, SCHOOL_PATHS, primary=False))
COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}
declare(
    Capability(
        "entitlement.view",
        "entitlement",
        "See who on the register is short of the school's entitlement this term, and why "
        "(a teacher: their own groups' pupils)",
        {Role.TEACHER: Reach.SCHOOL, **COORDINATORS},
    ),
    Capability(
        "entitlement.set",
        "entitlement",
        "Set the school's entitlement: opportunities a term, components, beyond the classroom",
        COORDINATORS,
    ),
    Capability(
        "entitlement.equity",
        "entitlement",
        "See the equity of provision at the school: each pupil group's share of places and of "
        "the register, and how many meet the entitlement (exact figures)",
        COORDINATORS,
    ),
    Capability(
        "entitlement.la",
        "local_authority",
        "See an LA's equity of provision and entitlement, its schools summed, small numbers "
        "suppressed",
        {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "entitlement.nation",
        "nation",
        "See the nation's equity of provision and entitlement, small numbers suppressed",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
)
