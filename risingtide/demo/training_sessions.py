"""The demo's face-to-face training: in each demo LA (Riverton and Hollowmere) a first half-day
three weeks ago with its register taken (most present, one arriving late, one who left an hour
early and so does not count, one absent), a second half-day in ten days with every leading
teacher signing up and the last of them on its waiting list, and a first half-day again next
month for those who missed it; with the national officer, the nation's sessions for LA leads
(one past and attended, one coming). Not wired into ``world.py`` here: the lead calls ``load``
with the demo programme and people.

Everything goes through ``training.sessions`` as the people would do it; only "now" is moved
back for the sessions that have happened."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from risingtide.people.models import Membership, Role, User
from risingtide.schools.models import LocalAuthority
from risingtide.training import sessions
from risingtide.training.models import Completion, Programme, Session, SignUp

VENUES = {
    "Riverton": ("Riverton Teachers' Centre", "14 Mill Lane\nRiverton RT2 4QP"),
    "Hollowmere": ("Hollowmere Library, Community Room", "2 Abbey Street\nHollowmere HM1 3LD"),
}
NATIONAL_VENUE = ("National Education Conference Centre", "1 Assembly Square\nCapital CA1 1AA")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _session(scheduler, programme, owner, venue, half_day, day, hour, capacity, now) -> Session:
    name, address = venue
    start = _at(day, hour)
    return sessions.schedule(
        scheduler,
        programme,
        owner,
        half_day=half_day,
        venue=name,
        address=address,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        now=now,
    )


def _past(scheduler, programme, owner, venue, learners: list[User], day: date) -> Session:
    """A first half-day that happened on ``day``: signed up a fortnight before, and its register
    taken: the first present, the second late, the third gone an hour early, the fourth absent,
    the rest present."""
    before = _at(day - timedelta(days=14), 9)
    made = _session(scheduler, programme, owner, venue, 1, day, 9, 24, before)
    for learner in learners:
        sessions.sign_up(learner, made, now=before)
    after = made.ends_at + timedelta(minutes=5)
    start = timezone.localtime(made.starts_at)
    for n, row in enumerate(SignUp.objects.filter(session=made).order_by("asked_at", "pk")):
        late = (start + timedelta(minutes=25)).time() if n == 1 else None
        early = (start + timedelta(hours=2)).time() if n == 2 else None
        sessions.mark(
            scheduler,
            made,
            row.pk,
            attendance="absent" if n == 3 else "present",
            arrived=late,
            left=early,
            now=after,
        )
    return made


def load(
    programme: Programme,
    la_leads: dict[LocalAuthority, User],
    leading_teachers: dict[LocalAuthority, list[User]],
    *,
    national_officer: User | None = None,
    today: date | None = None,
) -> list[Session]:
    """Sessions of ``programme`` in each LA of ``la_leads`` (scheduled by its lead, for its
    ``leading_teachers``, in that order: the last of them waits for the coming second
    half-day), and, given a national officer, the nation's for the LA leads."""
    today = today or timezone.localdate()
    made = []
    for la, lead in la_leads.items():
        venue = VENUES.get(la.name, (f"{la.name} Teachers' Centre", f"1 High Street\n{la.name}"))
        learners = list(leading_teachers.get(la, []))
        made.append(_past(lead, programme, la, venue, learners, today - timedelta(days=21)))
        # The coming second half-day is one place short: the last to sign up waits.
        second = _session(
            lead,
            programme,
            la,
            venue,
            2,
            today + timedelta(days=10),
            13,
            max(1, len(learners) - 1),
            None,
        )
        for learner in learners:
            sessions.sign_up(learner, second)
        made.append(second)
        # Another first half-day, for those who missed or left early.
        made.append(
            _session(lead, programme, la, venue, 1, today + timedelta(days=30), 9, 20, None)
        )
    if national_officer is not None and programme.nation_id:
        leads = list(la_leads.values())
        made.append(
            _past(
                national_officer,
                programme,
                programme.nation,
                NATIONAL_VENUE,
                leads[:1],
                today - timedelta(days=60),
            )
        )
        coming = _session(
            national_officer,
            programme,
            programme.nation,
            NATIONAL_VENUE,
            2,
            today + timedelta(days=14),
            10,
            40,
            None,
        )
        for lead in leads:
            sessions.sign_up(lead, coming)
        made.append(coming)
    return made


def earlier_cohort(
    programme: Programme, scheduler: User, owner, learners: list[User], day: date
) -> list[Session]:
    """Both half-days of an earlier cohort, a week apart from ``day``, every one of
    ``learners`` present at both: so a leading teacher trained before the current cohort has
    the attendance the half-days rule asks for."""
    venue = VENUES.get(owner.name, NATIONAL_VENUE)
    made = []
    for half_day, when in ((1, day), (2, day + timedelta(days=7))):
        before = _at(when - timedelta(days=14), 9)
        session = _session(scheduler, programme, owner, venue, half_day, when, 9, 24, before)
        for learner in learners:
            sessions.sign_up(learner, session, now=before)
        after = session.ends_at + timedelta(minutes=5)
        for row in SignUp.objects.filter(session=session):
            sessions.mark(
                scheduler, session, row.pk, attendance="present", arrived=None, left=None, now=after
            )
        made.append(session)
    return made


def load_demo(programme: Programme, nation) -> list[Session]:
    """The demo's sessions, for its LAs, LA leads and leading teachers as the world has them
    (each LA's leading teachers in the order of their schools, but for those already trained;
    the cluster's with Riverton's)."""
    trained = set(
        Completion.objects.filter(programme=programme).values_list("learner_id", flat=True)
    )
    las = list(LocalAuthority.objects.filter(nation=nation).order_by("code"))
    leads, teachers = {}, {la: [] for la in las}
    for m in (
        Membership.objects.filter(role__in=[Role.LA_LEAD, Role.LEADING_TEACHER])
        .select_related("user", "school", "cluster")
        .order_by("school__name", "pk")
    ):
        if m.role == Role.LA_LEAD and m.local_authority_id:
            leads.setdefault(next(la for la in las if la.pk == m.local_authority_id), m.user)
            continue
        la_id = (
            m.school.local_authority_id
            if m.school_id
            else getattr(m.cluster, "local_authority_id", None)
        )
        for la in las:
            if la.pk == la_id and m.user not in teachers[la] and m.user_id not in trained:
                teachers[la].append(m.user)
    national = (
        Membership.objects.filter(role=Role.NATIONAL_OFFICER, nation=nation)
        .select_related("user")
        .first()
    )
    return load(
        programme,
        {la: leads[la] for la in las if la in leads},
        teachers,
        national_officer=national.user if national else None,
    )
