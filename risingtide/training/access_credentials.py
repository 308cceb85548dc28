"""Who may download, see and revoke training credentials (badges and certificates).

A learner downloads their own certificate and badge for a programme they have completed
(``programme.credential``: the programme as they see it; the view then finds their own
completion). A credential is its learner's, and its programme owner's: the national officer
for the nation's programmes, the LA lead for their LA's, who see what was issued and may
revoke it (issued in error). Verifying is public: the verification page, the issuer profiles,
the keys and the status lists are on ``policy.PUBLIC_ROUTES``, since anyone shown a badge must
be able to check it without an account. Registered when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.training.models import BadgeCredential

declare_subject(
    "badge_credential",
    Subject(
        BadgeCredential,
        {
            Reach.SELF: by_field("learner_id", "the learner's own"),
            Reach.LA: Path(
                lambda ids: Q(completion__programme__local_authority_id__in=ids),
                "its programme is the LA's own",
            ),
            Reach.NATION: Path(
                lambda ids: Q(completion__programme__nation_id__in=ids),
                "its programme is the nation's own",
            ),
        },
    ),
)

_OWNERS = {Role.NATIONAL_OFFICER: Reach.NATION, Role.LA_LEAD: Reach.LA}

declare(
    Capability(
        "programme.credential",
        "programme",
        "Download one's own certificate (PDF) and badge (Open Badges credential) for a "
        "programme one has completed",
        {Role.LEADING_TEACHER: Reach.LA, Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "programme.credentials",
        "authored_programme",
        "See the credentials issued for a programme one's nation or LA owns",
        _OWNERS,
    ),
    Capability(
        "badge_credential.view",
        "badge_credential",
        "See an issued training credential: one's own, or one of a programme one owns",
        {
            Role.LEADING_TEACHER: Reach.SELF,
            Role.LA_LEAD: (Reach.SELF, Reach.LA),
            Role.NATIONAL_OFFICER: Reach.NATION,
        },
    ),
    Capability(
        "badge_credential.revoke",
        "badge_credential",
        "Revoke a credential of a programme one owns (issued in error), saying why",
        _OWNERS,
    ),
)
