"""Who may see e-credit accounts and move credits: each place sees its own account (a school
also its credits held for bookings); an LA its schools'; the nation everything in it; a
provider only its own. Registered with the access engine when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.credits.models import Account, Redemption
from risingtide.people.models import Role

declare_subject(
    "account",
    Subject(
        Account,
        {
            Reach.SCHOOL: by_field("school_id", "the school's own, and its credits held"),
            Reach.LA: Path(
                lambda ids: Q(local_authority_id__in=ids) | Q(school__local_authority_id__in=ids),
                "the LA's own, and its schools'",
            ),
            Reach.NATION: Path(
                lambda ids: (
                    Q(nation_id__in=ids)
                    | Q(local_authority__nation_id__in=ids)
                    | Q(school__local_authority__nation_id__in=ids)
                    | Q(provider__nation_id__in=ids)
                ),
                "the nation's own, its LAs', schools' and providers'",
            ),
            Reach.PROVIDER: by_field("provider_id", "the provider's own"),
        },
        base=lambda: Account.objects.exclude(kind=Account.Kind.OUTSIDE),
        base_words="every account but the outside world's",
    ),
)
declare_subject(
    "redemption",
    Subject(
        Redemption,
        {
            Reach.NATION: by_field("provider__nation_id", "its nation's providers' requests"),
            Reach.PROVIDER: by_field("provider_id", "the provider's own requests"),
        },
    ),
)
declare(
    Capability(
        "account.view",
        "account",
        "See an e-credit account's balance and statement",
        {
            Role.HEAD: Reach.SCHOOL,
            Role.LEADING_TEACHER: Reach.SCHOOL,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.PROVIDER_STAFF: Reach.PROVIDER,
        },
    ),
    Capability(
        "account.list",
        None,
        "See the balances of the e-credit accounts one may see",
        {
            Role.HEAD: Reach.ANY,
            Role.LEADING_TEACHER: Reach.ANY,
            Role.LA_LEAD: Reach.ANY,
            Role.NATIONAL_OFFICER: Reach.ANY,
            Role.PROVIDER_STAFF: Reach.ANY,
        },
    ),
    # Funding and allocating are acts of a place (the nation funds itself and gives to its
    # LAs; an LA gives to its schools), so they are granted on the place, not on its account:
    # a round's page is the place's, and no account of another kind can be a giver.
    Capability(
        "credits.fund",
        "nation",
        "Record credits coming into the national programme",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "credits.allocate_to_las",
        "nation",
        "Allocate the national programme's credits to its LAs (and reverse a mistaken one)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "credits.allocate_to_schools",
        "local_authority",
        "Allocate an LA's credits to its schools (and reverse a mistaken one)",
        {Role.LA_LEAD: Reach.LA},
    ),
    # Redemption: a provider's staff ask; the contract manager (the national officer, who
    # approves services too) decides and hands finance the remittance.
    Capability(
        "redemption.request",
        "provider",
        "Ask to redeem one's provider's earned credits, and see its requests",
        {Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    Capability(
        "redemption.view",
        "redemption",
        "See a request to redeem credits: one's provider's own, or the nation's",
        {Role.PROVIDER_STAFF: Reach.PROVIDER, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "redemption.decide",
        "redemption",
        "Approve or decline a provider's request to redeem credits (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "redemption.manage",
        "nation",
        "See the nation's redemption requests and download the remittance for finance",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
)
