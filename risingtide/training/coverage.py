"""Coverage of leading-teacher training: which schools have a named leading teacher (a
leading-teacher membership at the school, or at its cluster: primaries in a cluster share one),
whether that person is trained (their completion of the programme is recorded), and for those
not yet trained, which completion rules they still have to meet.

These figures count schools and staff, never pupils, so they need no disclosure control. A
school counts as trained from the first completion of any of its leading teachers today:
memberships keep no history, so the months before reflect who leads each school now. Reads
shared by the pages and the API; a constant number of queries each, whatever the size."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import Cluster, LocalAuthority, Nation, School
from risingtide.training import completion
from risingtide.training.models import Completion, Module, Programme

PHASES = list(School.Phase.choices)


def programmes_for(nation_id: int, la_id: int | None = None) -> QuerySet[Programme]:
    """The programmes coverage can be counted against: the nation's (and, for an LA, its own),
    newest first. The newest national programme is the one counted unless another is chosen."""
    owners = Q(nation_id=nation_id)
    if la_id is not None:
        owners |= Q(local_authority_id=la_id)
    return Programme.objects.filter(owners).order_by(
        F("local_authority_id").asc(nulls_first=True), "-created_at", "-pk"
    )


def choose_programme(choices: Iterable[Programme], chosen: int | None) -> Programme | None:
    choices = list(choices)
    picked = [p for p in choices if p.pk == chosen]
    return (picked or choices or [None])[0]


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal place; None for no schools at all (not a zero)."""
    return round(100 * part / whole, 1) if whole else None


# --- one LA: the schools, their leading teachers, and what each still needs ----------------


@dataclass(frozen=True)
class LeadingTeacher:
    person: User
    schools: list[School]  # the schools they lead
    cluster: Cluster | None  # when they lead a whole cluster
    completed_at: datetime | None
    still_needs: list[str]  # the completion rules not met yet, in the programme's words

    @property
    def trained(self) -> bool:
        return self.completed_at is not None

    @property
    def leads(self) -> str:
        if self.cluster is not None:
            return f"{self.cluster.name} ({len(self.schools)} schools)"
        return ", ".join(s.name for s in self.schools)


@dataclass(frozen=True)
class SchoolCoverage:
    school: School
    leading_teachers: list[LeadingTeacher]

    @property
    def named(self) -> bool:
        return bool(self.leading_teachers)

    @property
    def trained(self) -> bool:
        return any(lt.trained for lt in self.leading_teachers)


@dataclass(frozen=True)
class LACoverage:
    local_authority: LocalAuthority
    programme: Programme | None
    choices: list[Programme]  # the programmes it could be counted against
    schools: list[SchoolCoverage]
    leading_teachers: list[LeadingTeacher]

    @property
    def unnamed(self) -> list[SchoolCoverage]:
        """The action to take: schools with nobody named to lead G&T."""
        return [s for s in self.schools if not s.named]

    @property
    def in_training(self) -> list[LeadingTeacher]:
        return [lt for lt in self.leading_teachers if not lt.trained]

    @property
    def trained(self) -> list[LeadingTeacher]:
        return [lt for lt in self.leading_teachers if lt.trained]

    @property
    def named_count(self) -> int:
        return len(self.schools) - len(self.unnamed)

    @property
    def trained_count(self) -> int:
        return sum(s.trained for s in self.schools)


def _still_needs(outcomes: list[completion.Outcome], core_count: int) -> list[str]:
    needs = []
    for outcome in outcomes:
        if outcome.met:
            continue
        words = completion.RULES[outcome.rule].label
        if outcome.rule == "all_core_passed" and core_count:
            passed = len(outcome.evidence.get("modules", {}))
            words += f" ({passed} of {core_count} passed)"
        needs.append(words)
    return needs


def la_coverage(la: LocalAuthority, chosen: int | None = None) -> LACoverage:
    """The LA's schools, each with its leading teachers (trained or not), and each leading
    teacher not yet trained with the rules they still have to meet; counted against the
    ``chosen`` programme, else the newest national one."""
    choices = list(programmes_for(la.nation_id, la.pk))
    programme = choose_programme(choices, chosen)
    schools = list(la.schools.select_related("cluster").order_by("name", "pk"))
    by_cluster: dict[int, list[School]] = defaultdict(list)
    for school in schools:
        if school.cluster_id:
            by_cluster[school.cluster_id].append(school)
    memberships = list(
        Membership.objects.filter(role=Role.LEADING_TEACHER)
        .filter(Q(school__local_authority=la) | Q(cluster__local_authority=la))
        .select_related("user", "cluster")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    people = {m.user_id: m.user for m in memberships}
    completed = dict(
        Completion.objects.filter(programme=programme, learner_id__in=people).values_list(
            "learner_id", "completed_at"
        )
        if programme is not None and people
        else []
    )
    untrained = [p for pk, p in people.items() if pk not in completed]
    outcomes = completion.outcomes_of_many(untrained, programme) if programme and untrained else {}
    core_count = Module.objects.filter(programme=programme, core=True).count() if outcomes else 0
    school_by_pk = {s.pk: s for s in schools}
    leading_teachers, of_school = [], defaultdict(list)
    for m in memberships:
        led = by_cluster.get(m.cluster_id, []) if m.cluster_id else [school_by_pk[m.school_id]]
        lt = LeadingTeacher(
            m.user,
            led,
            m.cluster,
            completed.get(m.user_id),
            _still_needs(outcomes.get(m.user_id, []), core_count),
        )
        leading_teachers.append(lt)
        for school in led:
            of_school[school.pk].append(lt)
    rows = [SchoolCoverage(s, of_school[s.pk]) for s in schools]
    return LACoverage(la, programme, choices, rows, leading_teachers)


# --- the nation: counts of schools by LA, by phase and over time --------------------------


@dataclass(frozen=True)
class SchoolCount:
    """Schools of one place (an LA, a phase, the nation): how many, with a named leading
    teacher, with a trained one."""

    label: str
    schools: int = 0
    named: int = 0
    trained: int = 0
    code: str = ""  # an LA's code
    pk: int | None = None  # an LA's id

    @property
    def share_named(self) -> float | None:
        return share(self.named, self.schools)

    @property
    def share_trained(self) -> float | None:
        return share(self.trained, self.schools)


@dataclass(frozen=True)
class Month:
    month: date
    completions: int  # leading teachers of the nation's schools who completed that month
    trained: int  # schools with a trained leading teacher by the month's end
    trained_by_phase: dict[str, int]
    schools_by_phase: dict[str, int] = field(repr=False)
    schools: int = 0

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")

    @property
    def share_trained(self) -> float | None:
        return share(self.trained, self.schools)

    @property
    def phases(self) -> list[str]:
        """The phases the nation has schools of (a line for a phase with none says nothing)."""
        return [p for p, _ in PHASES if self.schools_by_phase.get(p)]

    @property
    def shares_by_phase(self) -> list[float | None]:
        """The share trained by the month's end in each of ``phases``."""
        return [
            share(self.trained_by_phase.get(p, 0), self.schools_by_phase[p]) for p in self.phases
        ]


@dataclass(frozen=True)
class NationalCoverage:
    nation: Nation
    programme: Programme | None
    choices: list[Programme]
    total: SchoolCount
    by_la: list[SchoolCount]
    by_phase: list[SchoolCount]
    by_la_and_phase: list[tuple[SchoolCount, str]]  # (the LA's schools of one phase, the phase)
    months: list[Month]

    @property
    def phase_labels(self) -> list[str]:
        """The phases the nation has schools of, as ``Month.phases`` gives them."""
        return [count.label for count in self.by_phase if count.schools]


class SchoolFacts(NamedTuple):
    """One school as coverage counts it (a tuple: there are 20,000 of them in a nation)."""

    pk: int
    la_id: int
    phase: str
    named: bool
    trained_on: date | None  # the month its first leading teacher completed


@dataclass(frozen=True)
class Facts:
    schools: list[SchoolFacts]
    completions: list[date]  # the month of each completion by one of their leading teachers


def school_facts(schools: QuerySet[School], programme: Programme | None) -> Facts:
    """Each school's coverage in three queries, however many schools: the schools, the
    leading-teacher memberships at them or their clusters, and the programme's completions
    (kept where the learner leads one of the schools)."""
    rows = list(schools.values_list("pk", "local_authority_id", "phase", "cluster_id"))
    at_school: dict[int, list[int]] = defaultdict(list)
    at_cluster: dict[int, list[int]] = defaultdict(list)
    leading = Membership.objects.filter(role=Role.LEADING_TEACHER).filter(
        Q(school__in=schools.values("pk")) | Q(cluster__in=schools.values("cluster_id"))
    )
    leaders = set()
    for user_id, school_id, cluster_id in leading.values_list("user_id", "school_id", "cluster_id"):
        (at_school[school_id] if school_id else at_cluster[cluster_id]).append(user_id)
        leaders.add(user_id)
    completed: dict[int, date] = {}
    if programme is not None and leaders:
        # Every completion of the programme, sifted here: a nation's are a few thousand rows.
        zone = timezone.get_current_timezone()
        for learner_id, when in Completion.objects.filter(programme=programme).values_list(
            "learner_id", "completed_at"
        ):
            if learner_id in leaders:
                completed[learner_id] = when.astimezone(zone).date().replace(day=1)
    facts = []
    nobody: list[int] = []
    for pk, la_id, phase, cluster_id in rows:
        people = at_school.get(pk, nobody) + (
            at_cluster.get(cluster_id, nobody) if cluster_id else nobody
        )
        months = [completed[p] for p in people if p in completed]
        facts.append(SchoolFacts(pk, la_id, phase, bool(people), min(months, default=None)))
    return Facts(facts, list(completed.values()))


def _months_between(first: date, last: date) -> list[date]:
    months, at = [], first
    while at <= last:
        months.append(at)
        at = at.replace(year=at.year + at.month // 12, month=at.month % 12 + 1)
    return months


def national_coverage(nation: Nation, chosen: int | None = None) -> NationalCoverage:
    """The nation's schools counted by LA, by phase and both, and month by month since the
    first completion: completions, and schools with a trained leading teacher so far;
    counted against the ``chosen`` national programme, else the newest."""
    choices = list(programmes_for(nation.pk))
    programme = choose_programme(choices, chosen)
    las = list(LocalAuthority.objects.filter(nation=nation).order_by("name", "pk"))
    found = school_facts(School.objects.filter(local_authority__nation=nation), programme)
    facts = found.schools
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for f in facts:
        cell = cells[f.la_id, f.phase]
        cell[0] += 1
        cell[1] += f.named
        cell[2] += f.trained_on is not None

    def counted(label: str, keys, la: LocalAuthority | None = None) -> SchoolCount:
        sums = [sum(cells[k][i] for k in keys if k in cells) for i in range(3)]
        return SchoolCount(label, *sums, code=la.code if la else "", pk=la.pk if la else None)

    every = list(cells)
    by_la = [counted(la.name, [k for k in every if k[0] == la.pk], la) for la in las]
    by_phase = [counted(label, [k for k in every if k[1] == p]) for p, label in PHASES]
    by_la_and_phase = [
        (counted(la.name, [(la.pk, p)], la), label)
        for la in las
        for p, label in PHASES
        if (la.pk, p) in cells
    ]
    return NationalCoverage(
        nation,
        programme,
        choices,
        counted(nation.name, every),
        by_la,
        by_phase,
        by_la_and_phase,
        _over_time(found),
    )


def _over_time(found: Facts) -> list[Month]:
    completions_by_month: dict[date, int] = defaultdict(int)
    for month in found.completions:
        completions_by_month[month] += 1
    if not completions_by_month:
        return []
    facts = found.schools
    schools_by_phase: dict[str, int] = defaultdict(int)
    trained_in: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in facts:
        schools_by_phase[f.phase] += 1
        if f.trained_on:
            trained_in[f.trained_on][f.phase] += 1
    today = timezone.localdate().replace(day=1)
    months, so_far = [], defaultdict(int)
    for month in _months_between(min(completions_by_month), max(today, *completions_by_month)):
        for phase, n in trained_in.get(month, {}).items():
            so_far[phase] += n
        months.append(
            Month(
                month,
                completions_by_month.get(month, 0),
                sum(so_far.values()),
                dict(so_far),
                dict(schools_by_phase),
                len(facts),
            )
        )
    return months


def coverage_places(user: User) -> tuple[list[Nation], list[LocalAuthority]]:
    """Where the person may see coverage, for links from the training home: a national
    officer their nation (its LAs are reached from there), an LA lead their LA."""
    nations = list(visible(user, "nation", "training.coverage_nation"))
    if nations:
        return nations, []
    return [], list(visible(user, "local_authority", "training.coverage_la"))


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def place_rows(found: NationalCoverage) -> list[list]:
    """The CSV by LA and phase: one row a phase of an LA, from which both tables add up."""
    name = found.programme.title if found.programme else ""
    rows = [
        [
            "Programme",
            "LA code",
            "Local authority",
            "Phase",
            "Schools",
            "With a named leading teacher",
            "With a trained leading teacher",
            "Trained (%)",
        ]
    ]
    for count, phase in found.by_la_and_phase:
        rows.append(
            [
                name,
                count.code,
                count.label,
                phase,
                count.schools,
                count.named,
                count.trained,
                _percent(count.share_trained),
            ]
        )
    return rows


def month_rows(found: NationalCoverage) -> list[list]:
    """The CSV by month: completions, and schools with a trained leading teacher so far."""
    rows = [
        [
            "Month",
            "Completions",
            "Schools with a trained leading teacher",
            "Trained (%)",
            *[f"{label} trained (%)" for label in found.phase_labels],
        ]
    ]
    for m in found.months:
        rows.append(
            [
                m.month.strftime("%Y-%m"),
                m.completions,
                m.trained,
                _percent(m.share_trained),
                *[_percent(s) for s in m.shares_by_phase],
            ]
        )
    return rows
