"""The reads of the entitlement pages and API: a school's pupils on the register against its
entitlement in a term (headline, who is short by class and by learning guide, each short
pupil with the reasons), and the equity of provision of a school, an LA or the nation.

The pupils are those the reader may see (``visible(user, "pupil_record")``): the coordinator
and head every one, a teacher their own groups'. A constant number of queries: the standings
(``entitlement.standings``), then the pupils' names, classes and learning guides, each one
query for all of them."""

from collections import defaultdict
from dataclasses import dataclass

from risingtide.access.core import visible
from risingtide.learners.models import LearningGuide
from risingtide.opportunities import entitlement, equity
from risingtide.opportunities.entitlement import Rule, Standing
from risingtide.people.models import Membership, Role, User
from risingtide.provision import periods
from risingtide.register.models import Pupil
from risingtide.schools.models import LocalAuthority, Nation, School

NO_CLASS = "No class"
NO_GUIDE = "No learning guide"


@dataclass(frozen=True)
class PupilStanding:
    pupil: Pupil
    standing: Standing
    classes: tuple[str, ...]  # the pupil's teaching groups this year, by name
    guide: str  # their learning guide's name, or NO_GUIDE

    @property
    def name(self) -> str:
        return f"{self.pupil.forename} {self.pupil.surname}"


@dataclass(frozen=True)
class GroupCount:
    """One class or one learning guide's caseload: how many on the register, how many short."""

    name: str
    pupils: int
    short: int

    @property
    def met(self) -> int:
        return self.pupils - self.short


@dataclass(frozen=True)
class SchoolEntitlement:
    school: School
    term: periods.Period
    rule: Rule
    pupils: list[PupilStanding]  # by surname
    by_class: list[GroupCount]
    by_guide: list[GroupCount]
    whole_register: bool  # the reader sees every pupil on the register (not only their groups)

    @property
    def short(self) -> list[PupilStanding]:
        return [p for p in self.pupils if not p.standing.met]

    @property
    def met_count(self) -> int:
        return sum(p.standing.met for p in self.pupils)

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met_count / len(self.pupils)) if self.pupils else None


def _counted(pupils: list[PupilStanding], names_of) -> list[GroupCount]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in pupils:
        for name in names_of(p):
            counts[name][0] += 1
            counts[name][1] += not p.standing.met
    # Most short first (where to act), then by name; the "none" group last among equals.
    return sorted(
        (GroupCount(name, n, short) for name, (n, short) in counts.items()),
        key=lambda g: (-g.short, g.name in (NO_CLASS, NO_GUIDE), g.name),
    )


def school_entitlement(user: User, school: School, term: periods.Period) -> SchoolEntitlement:
    """The school's pupils on the register that ``user`` may see, each with their standing in
    ``term``, their classes and learning guide; counted by class and by guide."""
    year, _which = entitlement.term_parts(term)
    seen = visible(user, "pupil_record").filter(school=school)
    found = entitlement.standings(school, term, pupil_ids=seen.values("pk"))
    rule = entitlement.rule_for(school)
    on_register = entitlement.register_entries(school, year).values("pupil_id")
    records = {
        p.pk: p for p in Pupil.objects.filter(pk__in=on_register).filter(pk__in=seen.values("pk"))
    }
    classes: dict[int, list[str]] = defaultdict(list)
    for account, name in (
        Membership.objects.filter(
            role=Role.PUPIL,
            teaching_group__school=school,
            teaching_group__academic_year=year,
            # The accounts themselves, not a join back to the records: the join made SQLite
            # read every membership of the school's groups (145 ms against 18 for 300 pupils).
            user_id__in=[p.account_id for p in records.values() if p.account_id],
        )
        .order_by("teaching_group__name")
        .values_list("user_id", "teaching_group__name")
    ):
        classes[account].append(name)
    guides = {
        pupil_id: f"{first} {last}".strip() or username
        for pupil_id, first, last, username in LearningGuide.objects.filter(
            pupil__in=on_register, pupil__school=school
        ).values_list("pupil_id", "guide__first_name", "guide__last_name", "guide__username")
    }
    pupils = sorted(
        (
            PupilStanding(
                pupil=records[pk],
                standing=standing,
                classes=tuple(classes.get(records[pk].account_id, ())),
                guide=guides.get(pk, NO_GUIDE),
            )
            for pk, (_school, standing) in found.items()
            if pk in records
        ),
        key=lambda p: (p.pupil.surname, p.pupil.forename, p.pupil.pk),
    )
    return SchoolEntitlement(
        school=school,
        term=term,
        rule=rule,
        pupils=pupils,
        by_class=_counted(pupils, lambda p: p.classes or (NO_CLASS,)),
        by_guide=_counted(pupils, lambda p: (p.guide,)),
        whole_register=visible(user, "entitlement", "entitlement.equity")
        .filter(pk=school.pk)
        .exists(),
    )


def school_equity(school: School, term: periods.Period) -> equity.Equity:
    """The school's own equity of provision, exact (its own staff read it)."""
    return equity.equity(school, term, level="school", name=school.name, exact=True)


def la_equity(la: LocalAuthority, term: periods.Period) -> equity.Equity:
    """The LA's schools summed, under disclosure control."""
    schools = School.objects.filter(local_authority=la).values("pk")
    return equity.equity(schools, term, level="la", name=la.name, exact=False)


def nation_equity(nation: Nation, term: periods.Period) -> equity.Equity:
    """The nation's schools summed, under disclosure control."""
    schools = School.objects.filter(local_authority__nation=nation).values("pk")
    return equity.equity(schools, term, level="nation", name=nation.name, exact=False)
