"""Who may see and do what with a learner's profile, staff observations, learning guides and the
school's personalisation settings. Registered with the access engine when the app is ready.

A *learner* is a pupil record (``register.Pupil``) seen as the person it describes: the pupil
reaches their own (through the account linked to the record), a carer their own child's, a
teacher the pupils of their groups and the school's coordinator and head every pupil of the
school. Only the pupil writes their own words; staff add observations beside them. Nobody
outside the school reaches a learner: an LA or the nation sees aggregates only (other parts).

An *observation* is reached by staff (its author, the teachers of the pupil's groups, the
school's coordinators), withdrawn or not; the pupil and their carer read the ones not withdrawn
on the profile, through ``learner.view``. Withdrawing is for its author or a coordinator."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.learners.models import Observation
from risingtide.people.access import STAFF_IN_SCHOOL, pupils_in_groups
from risingtide.people.models import Membership, Role
from risingtide.register.models import Pupil
from risingtide.schools.models import TeachingGroup

COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}


def _in_groups(prefix: str) -> Path:
    """A pupil of one of the person's groups, on their record at the group's school (as the
    register's ``pupil_record`` reaches it: a pupil who moved school is not still "theirs")."""
    return Path(
        lambda ids: Q(
            **{
                f"{prefix}account__in": pupils_in_groups(ids),
                f"{prefix}school__in": TeachingGroup.objects.filter(pk__in=ids).values("school_id"),
            }
        ),
        "the record, at the group's school, of a pupil in one of the person's groups",
    )


declare_subject(
    "learner",
    Subject(
        Pupil,
        {
            Reach.SELF: by_field("account_id", "the pupil's own record"),
            Reach.CHILD: by_field("account_id", "the record of a child the carer is linked to"),
            Reach.GROUP: _in_groups(""),
            Reach.SCHOOL: by_field("school_id"),
        },
        primary=False,  # the pupil record's own subject is the register's "pupil_record"
    ),
)
declare_subject(
    "observation",
    Subject(
        Observation,
        {
            Reach.SELF: by_field("author_id", "one the person wrote"),
            Reach.GROUP: _in_groups("pupil__"),
            Reach.SCHOOL: by_field("pupil__school_id", "about a pupil of one of their schools"),
        },
    ),
)
declare(
    Capability(
        "learner.view",
        "learner",
        "See a learner's profile in their own words, what staff noticed and their learning guide",
        {
            Role.PUPIL: Reach.SELF,
            Role.CARER: Reach.CHILD,
            Role.TEACHER: Reach.GROUP,
            **COORDINATORS,
        },
    ),
    Capability(
        "learner.history",
        "learner",
        # Not a carer's: the history keeps words a pupil took back out of their profile.
        "See every change to a learner's answers, with who made it",
        {Role.PUPIL: Reach.SELF, Role.TEACHER: Reach.GROUP, **COORDINATORS},
    ),
    Capability(
        "learner.profile_edit",
        "learner",
        "Write one's own profile (only the pupil writes their words)",
        {Role.PUPIL: Reach.SELF},
    ),
    Capability(
        "learner.observe",
        "learner",
        "Add an observation the pupil will read, and see withdrawn ones in the history",
        {Role.TEACHER: Reach.GROUP, **COORDINATORS},
    ),
    Capability(
        "learner.assign_guide",
        "learner",
        "Name the member of staff who is the pupil's learning guide",
        COORDINATORS,
    ),
    Capability(
        "learner.own_profile",
        None,
        "Open one's own learner profile (a pupil)",
        {Role.PUPIL: Reach.ANY},
    ),
    Capability(
        "observation.view",
        "observation",
        "See a staff observation, withdrawn or not (staff; the pupil and their carer read the "
        "ones not withdrawn on the profile)",
        {Role.TEACHER: (Reach.SELF, Reach.GROUP), **COORDINATORS},
    ),
    Capability(
        "observation.withdraw",
        "observation",
        "Withdraw an observation: the pupil no longer sees it; it stays in the history",
        {Role.TEACHER: Reach.SELF, Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
    ),
    Capability(
        "learning_guides.manage",
        "school",
        "See the school's register pupils with their learning guides, and change them",
        COORDINATORS,
    ),
    Capability(
        "personalisation.read",
        "school",
        "See whether the school has turned profiles and suggestions on",
        STAFF_IN_SCHOOL,
    ),
    Capability(
        "personalisation.manage",
        "school",
        "Turn learner profiles and suggestions on or off for the school (off until turned on)",
        COORDINATORS,
    ),
    Capability(
        "personalisation.explained",
        None,
        "Read what is used for suggestions and why, and whether one's school has it on",
        {
            Role.PUPIL: Reach.ANY,
            Role.CARER: Reach.ANY,
            Role.TEACHER: Reach.ANY,
            Role.LEADING_TEACHER: Reach.ANY,
            Role.HEAD: Reach.ANY,
        },
    ),
)


def guided_by(ids, prefix: str = "") -> Q:
    """Pupils (records, or what ``prefix`` leads to a record from) whose learning guide is one
    of ``ids`` — while that guide is still staff at the pupil's school: a teacher who moves to
    another school keeps no reach over the pupils they used to guide."""
    staff_schools = Membership.objects.filter(
        user__in=ids,
        role__in=(Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD),
        school__isnull=False,
    ).values("school_id")
    return Q(**{f"{prefix}learning_guide__guide_id__in": ids, f"{prefix}school__in": staff_schools})
