"""Who may schedule, attend and run face-to-face training sessions.

A session belongs to the nation (scheduled by a national officer, for LA leads) or to one LA
(scheduled by its LA lead, for the LA's leading teachers), so three views of the same sessions:

- ``training_session``: the sessions one may attend and sign up for: a leading teacher their
  LA's sessions, an LA lead the nation's (LA leads are trained by the nation);
- ``scheduled_session``: the sessions one runs: an LA lead their LA's, a national officer the
  nation's (and so the register of no one else's);
- ``schedulable_programme``: the programmes one may schedule sessions of: an LA lead their
  LA's and the nation's (they deliver the national programme's half-days in their LA), a
  national officer the nation's own.

Registered when the app is ready."""

from django.db.models import Q

from risingtide.access.core import Path, Subject, by_field, declare_subject
from risingtide.access.policy import Capability, Reach, declare
from risingtide.people.models import Role
from risingtide.schools.models import LocalAuthority
from risingtide.training.models import Programme, Session

_BY_OWNER = {
    Reach.LA: by_field("local_authority_id", "the LA's sessions"),
    Reach.NATION: by_field("nation_id", "the nation's sessions"),
}
declare_subject("training_session", Subject(Session, _BY_OWNER))
declare_subject("scheduled_session", Subject(Session, _BY_OWNER, primary=False))
declare_subject(
    "schedulable_programme",
    Subject(
        Programme,
        {
            Reach.LA: Path(
                lambda ids: (
                    Q(local_authority_id__in=ids)
                    | Q(nation_id__in=LocalAuthority.objects.filter(pk__in=ids).values("nation_id"))
                ),
                "the LA's own programmes, and its nation's",
            ),
            Reach.NATION: by_field("nation_id", "the nation's own programmes"),
        },
        primary=False,
    ),
)

# Leading teachers attend their LA's sessions; LA leads the nation's.
_ATTENDERS = {Role.LEADING_TEACHER: Reach.LA, Role.LA_LEAD: Reach.NATION}
_SCHEDULERS = {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION}

declare(
    Capability(
        "training.sessions",
        None,
        "See the face-to-face training sessions one schedules",
        {role: Reach.ANY for role in _SCHEDULERS},
    ),
    Capability(
        "training_session.view",
        "training_session",
        "See a training session one may attend",
        _ATTENDERS,
    ),
    Capability(
        "training_session.sign_up",
        "training_session",
        "Sign up for a training session (or its waiting list), cancel one's place, and "
        "download its calendar invitation",
        _ATTENDERS,
    ),
    # Whose the session is: the nation's (for LA leads) or one's own LA's (for its teachers).
    Capability(
        "sessions.schedule_national",
        "nation",
        "Schedule the nation's face-to-face sessions, for LA leads",
        {Role.NATIONAL_OFFICER: Reach.NATION},
    ),
    Capability(
        "sessions.schedule_for_la",
        "local_authority",
        "Schedule an LA's face-to-face sessions, for its leading teachers",
        {Role.LA_LEAD: Reach.LA},
    ),
    Capability(
        "schedulable_programme.view",
        "schedulable_programme",
        "See a programme one may schedule sessions of",
        _SCHEDULERS,
    ),
    Capability(
        "programme.schedule",
        "schedulable_programme",
        "Schedule a face-to-face session of a programme",
        _SCHEDULERS,
    ),
    Capability(
        "scheduled_session.view",
        "scheduled_session",
        "See a session one scheduled, with its sign-ups, waiting list and register",
        _SCHEDULERS,
    ),
    Capability(
        "session.run",
        "scheduled_session",
        "Take a session's attendance register, or cancel the session",
        _SCHEDULERS,
    ),
)
