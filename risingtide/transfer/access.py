"""Who may bring a portfolio in from another school; taking one away is seeing it
(``portfolio.view``). Registered with the access engine when the app is ready."""

from risingtide.access.policy import Capability, declare
from risingtide.people.access import STAFF_IN_SCHOOL

declare(
    Capability(
        "portfolio.import",
        None,
        "Bring a portfolio exported elsewhere (a pupil who moved school) into one's school",
        {**STAFF_IN_SCHOOL},
    ),
)
