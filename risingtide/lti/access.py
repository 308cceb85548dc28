"""Who may see and do what in the LTI 1.3 tool. Registered when the app is ready.

The launch itself (login initiation, the id_token POST) and our key set are public routes
(``access.policy.PUBLIC_ROUTES``): a platform and a signed-out browser reach them, and the
launch proves who the person is. Everything after the launch is an ordinary page under a
capability here.
"""

from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import PUPIL_CARERS
from risingtide.people.models import Role

declare(
    Capability(
        "lti.platforms",
        None,
        "Register learning platforms (LTI 1.3) and the school each serves",
        {Role.SITE_ADMIN: Reach.ANY},
    ),
    Capability(
        "lti.deep_link",
        None,
        "Choose a TASC project to place in a learning platform's course (after a deep "
        "linking launch)",
        {Role.TEACHER: Reach.ANY, Role.LEADING_TEACHER: Reach.ANY, Role.HEAD: Reach.ANY},
    ),
    Capability(
        "lti.fill_group",
        "teaching_group",
        "See a group's learning-platform course and fill the group from its member list",
        {**PUPIL_CARERS},
    ),
)
