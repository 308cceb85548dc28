"""Who may see and do what for families: a carer reaches their own children and nothing else;
the school's coordinators and heads invite carers for the pupils on their roll (never a
teacher, never anyone outside the school); a pupil sees what their carers were shown.

A carer's child is a pupil's account (``people.User``) seen through the subject ``child``: it
has one way in, ``Reach.CHILD`` (the carer memberships' ``child``), so for everyone else a
child's page answers 404, as if it were not there. Registered when the app is ready."""

from risingtide.access.core import Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.families.models import Invitation
from risingtide.people.models import Membership, Role, User

COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}

declare_subject(
    "child",
    Subject(
        User,
        {Reach.CHILD: by_field("pk", "a child the carer is linked to")},
        # Only ever a pupil's active account: a link made by mistake to anyone else (in the
        # admin, say) shows a carer nothing.
        base=lambda: User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(role=Role.PUPIL).values("user_id"),
        ),
        base_words="active pupils' accounts",
        primary=False,
    ),
)
declare_subject(
    "invitation",
    Subject(Invitation, {Reach.SCHOOL: by_field("pupil__school_id", "for a pupil of the school")}),
)
declare(
    Capability(
        "child.view",
        "child",
        "See one's own child's page: opportunities, profile, plan, shared presentations",
        {Role.CARER: Reach.CHILD},
    ),
    Capability(
        "child.consent",
        "child",
        "Give, refuse or withdraw consent for one's own child's opportunities",
        {Role.CARER: Reach.CHILD},
    ),
    Capability(
        "child.comment",
        "child",
        "Add a comment to one's own child's personal learning plan",
        {Role.CARER: Reach.CHILD},
    ),
    Capability(
        "family.children",
        None,
        "List one's own children (a carer)",
        {Role.CARER: Reach.ANY},
    ),
    Capability(
        "family.shown",
        None,
        "See what one's carers were shown (a pupil; from 13, the list itself)",
        {Role.PUPIL: Reach.ANY},
    ),
    Capability(
        "pupil_record.carers",
        "pupil_record",
        "Invite a pupil's carer with a one-time code, see and cancel invitations, unlink a carer",
        COORDINATORS,
    ),
    Capability(
        "invitation.view",
        "invitation",
        "See an invitation for a carer of a pupil of the school",
        COORDINATORS,
    ),
    Capability(
        "invitation.cancel",
        "invitation",
        "Cancel an unused invitation for a carer",
        COORDINATORS,
    ),
)
