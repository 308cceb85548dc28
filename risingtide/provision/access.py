"""Who may see and do what in the provision marketplace: staff of schools, LAs and the nation
browse published services; a provider sees and edits only its own (in any state); the national
officer, as contract manager, sees every service of the nation and approves them. A booking is
its school's, its LA's and nation's to see, and its provider's (names and what delivery needs,
never pupils' characteristics). Registered with the access engine when the app is ready.

Contracts are the contract manager's (the national officer, who also approves services) and
their own provider's to read; schools and LAs never see them, only whether a provider is
*contracted* or *listed*. A provider's profile is for every member of staff who can browse the
catalogue (and its own people, who edit it), never for another provider. A delivered session is
rated by those who went (a pupil, a member of staff booked on it), the teachers of pupils who
went, and the coordinators of the schools that booked it.

A school's coordinators choose which published services its pupils see; a pupil sees their own
school's choices (of services still published) and no other school's."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.access import STAFF_IN_SCHOOL, pupils_in_groups
from risingtide.people.models import Role
from risingtide.provision.models import (
    Booking,
    Contract,
    Place,
    Service,
    Session,
    ShownToPupils,
)
from risingtide.schools.models import LocalAuthority, Provider, School

PUBLISHED = Q(status=Service.Status.PUBLISHED)
COORDINATORS = {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL}

declare_subject(
    "service",
    Subject(
        Service,
        {
            Reach.SCHOOL: Path(lambda ids: PUBLISHED, "any published service"),
            Reach.LA: Path(lambda ids: PUBLISHED, "any published service"),
            Reach.NATION: Path(
                lambda ids: Q(provider__nation_id__in=ids),
                "every service of the nation's providers, in any state",
            ),
            Reach.PROVIDER: by_field("provider_id", "the provider's own, in any state"),
        },
    ),
)
declare_subject(
    "booking",
    Subject(
        Booking,
        {
            Reach.SCHOOL: by_field("school_id"),
            Reach.LA: by_field("school__local_authority_id"),
            Reach.NATION: by_field("school__local_authority__nation_id"),
            Reach.PROVIDER: by_field("session__service__provider_id", "a booking of its service"),
        },
    ),
)


def _attended(**where) -> Q:
    """Sessions with a place someone attended (its booking delivered) matching ``where``."""
    return Q(
        pk__in=Place.objects.filter(
            active=True, attended=True, booking__status=Booking.Status.DELIVERED, **where
        ).values("session_id")
    )


declare_subject(
    "session",
    Subject(
        Session,
        {
            Reach.SELF: Path(
                lambda ids: _attended(pupil__account__in=ids) | _attended(staff__in=ids),
                "a session the person attended",
            ),
            Reach.GROUP: Path(
                lambda ids: _attended(pupil__account__in=pupils_in_groups(ids)),
                "a session a pupil of one of the person's groups attended",
            ),
            Reach.SCHOOL: Path(
                lambda ids: _attended(booking__school__in=ids),
                "a session someone from the school attended",
            ),
            Reach.PROVIDER: by_field("service__provider_id", "a session of its service"),
            Reach.NATION: by_field("service__provider__nation_id"),
        },
    ),
)
declare_subject(
    "contract",
    Subject(
        Contract,
        {
            Reach.PROVIDER: by_field("provider_id", "its own contracts"),
            Reach.NATION: by_field("provider__nation_id"),
        },
    ),
)
# A provider as the marketplace shows it to staff: its profile (the provider is the subject).
declare_subject(
    "provider_profile",
    Subject(
        Provider,
        {
            Reach.SCHOOL: Path(
                lambda ids: Q(
                    nation_id__in=School.objects.filter(pk__in=ids).values(
                        "local_authority__nation_id"
                    )
                ),
                "any provider of the school's nation",
            ),
            Reach.LA: Path(
                lambda ids: Q(
                    nation_id__in=LocalAuthority.objects.filter(pk__in=ids).values("nation_id")
                ),
                "any provider of the LA's nation",
            ),
            Reach.NATION: by_field("nation_id"),
            Reach.PROVIDER: by_field("pk", "itself"),
        },
        primary=False,
    ),
)
RATERS = {
    Role.TEACHER: (Reach.GROUP, Reach.SELF),
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
    Role.PUPIL: Reach.SELF,
}

declare(
    Capability(
        "service.browse",
        None,
        "Browse and search the catalogue of services",
        {
            **{role: Reach.ANY for role in STAFF_IN_SCHOOL},
            Role.LA_LEAD: Reach.ANY,
            Role.NATIONAL_OFFICER: Reach.ANY,
            Role.PROVIDER_STAFF: Reach.ANY,
        },
    ),
    Capability(
        "service.view",
        "service",
        "See a service: published ones for staff, its own for a provider, all for the nation",
        {
            **STAFF_IN_SCHOOL,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.PROVIDER_STAFF: Reach.PROVIDER,
        },
    ),
    Capability(
        "service.offer",
        "provider",
        "Draft a new service for one's provider and submit it for approval",
        {Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    Capability(
        "service.edit",
        "service",
        "Change one's provider's service (a published one goes back for approval; places "
        "already booked keep their price and refund rule)",
        {Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    Capability(
        "service.approve",
        "service",
        "Approve a submitted service, ask for changes, or withdraw it (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "places.book",
        "school",
        "Book places for the school's pupils or staff, paid from its e-credits",
        COORDINATORS,
    ),
    Capability(
        "booking.view",
        "booking",
        "See a booking and its places",
        {
            **COORDINATORS,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.PROVIDER_STAFF: Reach.PROVIDER,
        },
    ),
    Capability(
        "booking.cancel",
        "booking",
        "Cancel a booking (refunded under the service's rule)",
        COORDINATORS,
    ),
    Capability(
        "booking.deliver",
        "booking",
        "Record who attended, and so pay the provider",
        {Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    # Spend and uptake reports: the nation's officer the nation, an LA lead their LA, a
    # school's staff who see its credits (head, leading teacher) their school only.
    Capability(
        "spend.nation",
        "nation",
        "See the marketplace's spend and uptake for the nation (pupil figures suppressed)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "spend.la",
        "local_authority",
        "See the marketplace's spend and uptake for an LA (pupil figures suppressed)",
        {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "spend.school",
        "school",
        "See the marketplace's spend and uptake for a school (exact for its own staff)",
        {**COORDINATORS, Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
)
declare(
    Capability(
        "provider_profile.view",
        "provider_profile",
        "See a provider's profile and its published services (never another provider's)",
        {
            **STAFF_IN_SCHOOL,
            Role.LA_LEAD: Reach.LA,
            Role.NATIONAL_OFFICER: Reach.NATION,
            Role.PROVIDER_STAFF: Reach.PROVIDER,
        },
    ),
    Capability(
        "provider_profile.edit",
        "provider_profile",
        "Change one's own provider's profile",
        {Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    Capability(
        "provider.oversee",
        "provider",
        "See a provider's contracts, services, delivery record and ratings (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "contract.manage",
        None,
        "List the programme's contracts and those due for renewal (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.ANY},
    ),
    Capability(
        "contract.create",
        "provider",
        "Record a contract with a provider (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "contract.view",
        "contract",
        "See a contract, its KPIs against their targets and its documents",
        {Role.NATIONAL_OFFICER: Reach.NATION, Role.PROVIDER_STAFF: Reach.PROVIDER},
    ),
    Capability(
        "contract.edit",
        "contract",
        "Change a contract, sign it, add or remove its documents (contract manager)",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "rating.give",
        None,
        "See the delivered sessions one may rate",
        {role: Reach.ANY for role in RATERS},
    ),
    Capability(
        "session.view",
        "session",
        "See a delivered session one went to, or a pupil of one's went to, or of one's service",
        {**RATERS, Role.PROVIDER_STAFF: Reach.PROVIDER, Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "session.rate",
        "session",
        "Rate a delivered session (teachers 1 to 5, pupils with a face), for 30 days after it",
        RATERS,
    ),
)

# A school's choice of a service for its pupils, seen only while the service is published.
# (Named "shown_service": "opportunity" is the school's own provision, in ``opportunities``.)
declare_subject(
    "shown_service",
    Subject(
        ShownToPupils,
        {Reach.SCHOOL: by_field("school_id", "a choice of one of the person's schools")},
        base=lambda: ShownToPupils.objects.filter(service__status=Service.Status.PUBLISHED),
        base_words="choices of services still published",
    ),
)
# A school as its pupils' Opportunities page (the school is the subject).
declare_subject(
    "school_opportunities",
    Subject(School, {Reach.SCHOOL: by_field("pk", "the person's own school")}, primary=False),
)
declare(
    Capability(
        "shown_service.view",
        "shown_service",
        "See a service one's school shows its pupils",
        {**STAFF_IN_SCHOOL, Role.PUPIL: Reach.SCHOOL},
    ),
    Capability(
        "opportunities.view",
        "school_opportunities",
        "See the Opportunities page of one's school: what it shows its pupils (a pupil, for "
        "their year group)",
        {**STAFF_IN_SCHOOL, Role.PUPIL: Reach.SCHOOL},
    ),
    Capability(
        "pupils.show",
        "school",
        "Show a published service to the school's pupils, with a note, or stop showing it",
        COORDINATORS,
    ),
)

# A pupil's marketplace place, for the consent a service may need (issue 19): the pupil's
# carer answers; the school that booked it sees the answer on its bookings.
declare_subject(
    "marketplace_place",
    Subject(
        Place,
        {
            Reach.CHILD: by_field("pupil__account_id", "the carer's child's place"),
            Reach.SCHOOL: by_field("booking__school_id", "booked by one of the person's schools"),
        },
        base=lambda: Place.objects.filter(pupil__isnull=False),
        base_words="places of pupils (never staff's)",
    ),
)
declare(
    Capability(
        "marketplace_place.view",
        "marketplace_place",
        "See a pupil's place on a marketplace session, and whether it waits for consent",
        {Role.CARER: Reach.CHILD, **COORDINATORS},
    ),
    Capability(
        "marketplace_place.consent",
        "marketplace_place",
        "Give, refuse or withdraw consent for a pupil's marketplace place that needs it",
        {Role.CARER: Reach.CHILD},
    ),
)
