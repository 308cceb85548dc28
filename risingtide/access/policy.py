"""The vocabulary of the declaration of who may do what, and the registry it is kept in.

Each app declares, in its own ``access.py`` (imported by its ``AppConfig.ready``), the
capabilities on its objects with ``declare()`` and how its objects sit in the organisation
tree with ``access.core.declare_subject()``. This module knows no app: roles arrive by
``declare_roles()`` from ``people``. The declaration is still one table to review:
``docs/access.md`` is generated from the registry (``risingtide manage access_doc``) and the
route access tests call every route as every role against it.

Each capability names the kind of object it acts on (its *subject*, or ``None`` for an action on
the site itself) and, for each role that holds it, how far that role reaches from the places the
person's memberships anchor them:

- ``SELF``: only the person themself;
- ``GROUP``: the teaching groups the person is a member of (group memberships only);
- ``SCHOOL``: the schools of their memberships (a group's school, every school of a cluster),
  or, for a membership anchored above schools (an LA lead, a national officer), every school
  in its LA or nation;
- ``LA``: the local authorities those schools sit in, or a national officer's whole nation;
- ``NATION``: the nations all of those sit in;
- ``PROVIDER``: the provider they work for (provider memberships only);
- ``CHILD``: the pupils a carer is linked to (carer memberships only: a parent or carer sees
  their own children and nobody else's);
- ``ANY``: everything.

Any role or capability not declared is denied.
"""

from dataclasses import dataclass, field
from enum import IntEnum


class Reach(IntEnum):
    SELF = 0
    GROUP = 1
    SCHOOL = 2
    LA = 3
    NATION = 4
    PROVIDER = 5
    CHILD = 6
    ANY = 9


@dataclass(frozen=True)
class Capability:
    name: str
    subject: str | None
    summary: str
    # A role reaches one way, or several at once (a coordinator: their own CQS reflections and
    # those their school's teachers have shared).
    grants: dict[str, Reach | tuple[Reach, ...]] = field(default_factory=dict)
    # A sensitive act (pupil data leaving the school, a role changing, a data-sharing
    # agreement): ``requires`` also asks whoever checks recent sign-in (``core.fresh_check``)
    # before the view runs. The engine says *that* a recent check is needed, never how.
    fresh: bool = False


def reaches(grant: Reach | tuple[Reach, ...]) -> tuple[Reach, ...]:
    return grant if isinstance(grant, tuple) else (grant,)


# Any signed-in, active person, whether or not they hold a role yet.
SIGNED_IN = "signed_in"
ANYONE_SIGNED_IN = {SIGNED_IN: Reach.ANY}

# The registry, filled as each app becomes ready, in INSTALLED_APPS order.
CAPABILITIES: dict[str, Capability] = {}
# The capability that makes an object of each subject visible at all. Without it the object
# answers 404; with it, but without the action's capability, 403.
VIEW_CAPABILITY: dict[str, str] = {}
# Every role, by value, with its label (declared by ``people``, which owns memberships).
ROLES: dict[str, str] = {}


def declare(*capabilities: Capability) -> None:
    """Add an app's capabilities to the declaration (a name declared twice is a mistake)."""
    for cap in capabilities:
        if cap.name in CAPABILITIES:
            raise ValueError(f"The capability {cap.name!r} is declared twice")
        unknown = set(cap.grants) - set(ROLES) - {SIGNED_IN}
        if unknown:
            raise ValueError(f"{cap.name} grants unknown roles {sorted(unknown)}")
        CAPABILITIES[cap.name] = cap
        if cap.subject is not None and cap.name.endswith(".view"):
            VIEW_CAPABILITY.setdefault(cap.subject, cap.name)


def declare_roles(choices) -> None:
    """The roles a membership can carry, as ``(value, label)`` pairs."""
    ROLES.update((str(value), str(label)) for value, label in choices)


def capability(name: str) -> Capability:
    try:
        return CAPABILITIES[name]
    except KeyError:
        raise LookupError(f"No capability {name!r} is declared in any app's access.py") from None


# URL names anyone may reach signed out: sign-in, password reset, health, static.
PUBLIC_ROUTES = frozenset(
    {
        "people:login",
        "people:logout",
        "people:password_reset",
        "people:password_reset_done",
        "people:password_reset_confirm",
        "people:password_reset_complete",
        "home:healthz",
        "api-1:openapi-json",
        "api-1:openapi-view",
        "api-1:api-root",
        # On the SCORM player's origin only, opened by a signed capability in the path
        # (training/scorm/player.py), never by a session: there is none there.
        "training:scorm_player",
        "training:scorm_file",
        # Anyone shown a training credential checks it without an account (training/
        # access_credentials.py): the verification page, each credential's status, and what a
        # verifier fetches (issuer profiles, public keys, revocation lists).
        "training:credential_verify",
        "training:credential_status",
        "training:credential_issuer",
        "training:credential_jwks",
        "training:credential_key",
        "training:credential_status_list",
        # A parent or carer joins with the one-time code the school gave them (families).
        "families:join",
        # issue 20: a pupil's TASC badge is checked as a training credential is (badges/
        # access.py): its own page, the school's issuer profile and revocation lists.
        "badges:credential",
        "badges:issuer",
        "badges:status_list",
        # Signing in through a school's identity provider (sso): the school's sign-in address,
        # the code typed on the sign-in page, the start and the provider's return.
        "sso:find",
        "sso:landing",
        "sso:start",
        "sso:callback",
        # issue 20: LTI 1.3. A learning platform's login initiation and its id_token POST
        # arrive from a signed-out browser (the launch proves who the person is: state, nonce,
        # signature, lti/claims.py), and platforms fetch our public keys.
        "lti:login",
        "lti:launch",
        "lti:jwks",
    }
)
