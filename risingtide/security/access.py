"""Who may see the security overview: the site administrator alone (it says how the whole site
is defended, and where it is not)."""

from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role

declare(
    Capability(
        "security.overview",
        None,
        "See the site's security overview (deploy checks, two-factor requirement, backup age, "
        "failed sign-ins; never a secret)",
        {Role.SITE_ADMIN: Reach.ANY},
    ),
)
