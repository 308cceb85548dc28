"""Who may see and do what in single sign-on. Registered when the app is ready.

A school's connection to its identity provider is its coordinators' and heads' to make, see,
change, test and switch on or off; an LA's (for every school in it) its LA leads'. Nobody else
sees a connection at all (404): not its teachers, not another school's staff. The client
secret is never shown to anyone, these people included.

Signing in through a connection (its address, the start and the provider's return) is open to
everyone signed out: see ``PUBLIC_ROUTES`` in ``access.policy``.
"""

from risingtide.access.core import Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.sso.models import IdentityProvider

MANAGERS = {
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
    Role.LA_LEAD: Reach.LA,
    Role.SITE_ADMIN: Reach.ANY,
}

declare_subject(
    "identity_provider",
    Subject(
        IdentityProvider,
        {
            Reach.SCHOOL: by_field("school_id", "the school's own connection"),
            Reach.LA: by_field("local_authority_id", "the LA's connection for all its schools"),
        },
    ),
)
declare(
    Capability(
        "identity_provider.view",
        "identity_provider",
        "See a single sign-on connection's settings (never its client secret)",
        MANAGERS,
    ),
    Capability(
        "identity_provider.change",
        "identity_provider",
        "Change a single sign-on connection, test its discovery URL, switch it on or off",
        MANAGERS,
        fresh=True,
    ),
    Capability(
        "school.sign_in",
        "school",
        "List a school's single sign-on connections and connect a new one",
        {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL, Role.SITE_ADMIN: Reach.ANY},
    ),
    Capability(
        "local_authority.sign_in",
        "local_authority",
        "List an LA's single sign-on connections (for all its schools) and connect a new one",
        {Role.LA_LEAD: Reach.LA, Role.SITE_ADMIN: Reach.ANY},
    ),
)
