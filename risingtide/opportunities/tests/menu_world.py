"""Opportunities for the menu's tests, made on top of the tiny world (pupils at "own" and
"other" are in Year 7)."""

from risingtide.demo.testing import make_user, member
from risingtide.opportunities.models import (
    Component,
    Kind,
    Opportunity,
    OpportunityComponent,
    Participation,
    Term,
    Wave,
)
from risingtide.people.models import Role
from risingtide.register.models import Pupil, academic_year
from risingtide.register.upn import make_upn


def opportunity(school, title="Chess club", **extra) -> Opportunity:
    components = extra.pop("components", [Component.BEYOND])
    fields = {
        "kind": Kind.CLUB,
        "wave": Wave.SMALL_GROUP,
        "domain": "gifted",
        "year_from": 7,
        "year_to": 9,
        "academic_year": academic_year(),
        "term": Term.AUTUMN,
        **extra,
    }
    made = Opportunity.objects.create(school=school, title=title, **fields)
    OpportunityComponent.objects.bulk_create(
        OpportunityComponent(opportunity=made, component=c) for c in components
    )
    return made


def requested(record, opp, reason="I love it") -> Participation:
    return Participation.objects.create(
        opportunity=opp,
        pupil=record,
        state=Participation.State.REQUESTED,
        reason=reason,
        requested_by=record.account,
    )


def pupils(school, group, count: int, start: int = 100) -> list[Pupil]:
    """``count`` more Year 7 pupils with accounts and records at ``school`` in ``group``."""
    made = []
    for n in range(start, start + count):
        account = make_user(f"menu.pupil.{school.pk}.{n}", "Pupil", f"Number{n}")
        member(account, Role.PUPIL, school=school)
        member(account, Role.PUPIL, school=school, teaching_group=group)
        made.append(
            Pupil.objects.create(
                school=school,
                upn=make_upn(801, 4001, 16, n),
                legal_surname=f"Number{n}",
                legal_forename="Pupil",
                date_of_birth="2014-01-01",
                gender="M",
                nc_year="7",
                account=account,
            )
        )
    return made
