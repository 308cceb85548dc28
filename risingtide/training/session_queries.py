"""Reading face-to-face sessions, for the pages and the API alike: a scheduler's sessions with
their counts, one session's sign-ups and waiting list (the register), and a learner's sessions
of a programme with those still open to them. A constant number of queries each."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from risingtide.access.core import visible
from risingtide.people.models import Membership, Role, User
from risingtide.training.models import Programme, Session, SignUp
from risingtide.training.models.sessions import counts_as_attended

WAITING = SignUp.Status.WAITING
BOOKED = SignUp.Status.BOOKED


def _with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return sessions.annotate(
        waiting=Count("sign_ups", filter=Q(sign_ups__status=WAITING)),
        present=Count("sign_ups", filter=Q(sign_ups__status=BOOKED, sign_ups__present=True)),
        marked=Count(
            "sign_ups", filter=Q(sign_ups__status=BOOKED, sign_ups__present__isnull=False)
        ),
    )


def scheduled(user: User) -> QuerySet[Session]:
    """The sessions the person runs, soonest first, with how many are booked, waiting and
    (once the register is taken) present."""
    return _with_counts(
        visible(user, "scheduled_session").select_related("programme", "local_authority")
    ).order_by("starts_at", "pk")


def schedulable(user: User) -> QuerySet[Programme]:
    return visible(user, "schedulable_programme").order_by("title", "pk")


def _waiting_place() -> Coalesce:
    ahead = (
        SignUp.objects.filter(
            session=OuterRef("session"), status=WAITING, asked_at__lt=OuterRef("asked_at")
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + 1


@dataclass(frozen=True)
class RegisterRow:
    sign_up: SignUp
    schools: list[str]

    @property
    def counts(self) -> bool:
        s = self.sign_up
        return counts_as_attended(s.present, s.left_at, s.session.ends_at)

    @property
    def name(self) -> str:
        learner = self.sign_up.learner
        return learner.get_full_name() or learner.username

    @property
    def state(self) -> str:
        """What the register says of them, in words: "present, arrived 09:40"."""
        s = self.sign_up
        if s.present is None:
            return "not marked yet"
        if not s.present:
            return "absent"
        words = ["present"]
        if s.arrived_at:
            words.append(f"arrived {timezone.localtime(s.arrived_at):%H:%M}")
        if s.left_at:
            words.append(f"left {timezone.localtime(s.left_at):%H:%M}")
        found = ", ".join(words)
        return found if self.counts else f"{found} (left too early for the half-day to count)"


def _schools_of(learner_ids: list[int]) -> dict[int, list[str]]:
    """The schools each learner is leading teacher of, by name: one query."""
    schools: dict[int, list[str]] = defaultdict(list)
    for user_id, name in (
        Membership.objects.filter(
            user__in=learner_ids, role=Role.LEADING_TEACHER, school__isnull=False
        )
        .order_by("school__name")
        .values_list("user_id", "school__name")
    ):
        schools[user_id].append(name)
    return schools


def register_row(sign_up: SignUp) -> RegisterRow:
    """One row of the register, as ``session_shown`` gives it."""
    found = SignUp.objects.select_related("learner", "session").get(pk=sign_up.pk)
    return RegisterRow(found, _schools_of([found.learner_id])[found.learner_id])


@dataclass(frozen=True)
class SessionShown:
    session: Session
    booked: list[RegisterRow]
    waiting: list[SignUp]  # in order: the first is offered the next place

    @property
    def register_open(self) -> bool:
        return not self.session.cancelled and self.session.starts_at <= timezone.now()


def session_shown(session: Session) -> SessionShown:
    """A session with its sign-ups (each with the schools they lead) and its waiting list."""
    sign_ups = list(
        SignUp.objects.filter(session=session, status__in=[BOOKED, WAITING])
        .select_related("learner", "session")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )
    booked = [s for s in sign_ups if s.status == BOOKED]
    schools = _schools_of([s.learner_id for s in booked])
    waiting = sorted((s for s in sign_ups if s.status == WAITING), key=lambda s: (s.asked_at, s.pk))
    return SessionShown(session, [RegisterRow(s, schools[s.learner_id]) for s in booked], waiting)


@dataclass(frozen=True)
class MySession:
    sign_up: SignUp
    waiting_place: int | None

    @property
    def session(self) -> Session:
        return self.sign_up.session

    @property
    def attended(self) -> bool:
        s = self.sign_up
        return (
            s.status == BOOKED
            and not s.session.cancelled
            and counts_as_attended(s.present, s.left_at, s.session.ends_at)
        )


@dataclass(frozen=True)
class HalfDayShown:
    number: int
    label: str
    mine: list[MySession] = field(default_factory=list)
    open: list[Session] = field(default_factory=list)  # not yet started, not mine


def learner_sessions(learner: User, programme: Programme) -> list[HalfDayShown]:
    """The learner's sessions of the programme by half-day: booked, waiting (with their place),
    attended or cancelled; and the sessions of each half-day they may still sign up for."""
    now = timezone.now()
    mine = list(
        SignUp.objects.filter(learner=learner, session__programme=programme)
        .exclude(status=SignUp.Status.CANCELLED)
        .select_related("session")
        .annotate(place=_waiting_place())
        .order_by("session__starts_at", "pk")
    )
    taken = {s.session_id for s in mine}
    open_sessions = list(
        _with_counts(visible(learner, "training_session", "training_session.sign_up"))
        .filter(programme=programme, cancelled_at__isnull=True, starts_at__gt=now)
        .exclude(pk__in=taken)
        .order_by("starts_at", "pk")
    )
    days = [HalfDayShown(n, label) for n, label in Session.HalfDay.choices]
    for s in mine:
        days[s.session.half_day - 1].mine.append(
            MySession(s, s.place if s.status == WAITING else None)
        )
    for session in open_sessions:
        days[session.half_day - 1].open.append(session)
    return days


def sessions_of(user: User, programme: Programme) -> list[Session]:
    """The programme's sessions the person may attend or runs, for the API's list."""
    ids = visible(user, "training_session").filter(programme=programme).values("pk")
    runs = visible(user, "scheduled_session").filter(programme=programme).values("pk")
    return list(
        _with_counts(Session.objects.filter(Q(pk__in=ids) | Q(pk__in=runs))).order_by(
            "starts_at", "pk"
        )
    )


def scheduled_one(session: Session) -> Session:
    """One session with the counts of ``scheduled``."""
    return _with_counts(Session.objects.filter(pk=session.pk)).get()
