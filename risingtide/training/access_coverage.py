"""Who may see the coverage of leading-teacher training: an LA lead their LA's schools and
leading teachers; a national officer the nation's figures, and each of its LAs' pages (where
their figures lead). Counts of schools and staff only: no pupil data. Registered when the app
is ready."""

from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role

declare(
    Capability(
        "training.coverage_la",
        "local_authority",
        "See which of an LA's schools have a named, trained leading teacher, and what each "
        "leading teacher still needs",
        {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "training.coverage_nation",
        "nation",
        "See the nation's coverage of leading-teacher training by LA, phase and month",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
)
