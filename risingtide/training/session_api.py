"""Face-to-face sessions in the API: a programme's sessions (those the caller may attend or
runs), signing up and giving a place up, and the register read and marked row by row. Same
guards, reads and domain functions as the pages; refusals in the one shape of
``lib.api_errors``."""

from datetime import datetime, time
from typing import Literal

from ninja import Field, Router, Schema, Status

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusals_as_400
from risingtide.training import session_queries, sessions
from risingtide.training.models import Session, SignUp

router = Router(tags=["Training"])


class SessionOut(Schema):
    id: int
    programme: int
    half_day: int = Field(description="Which half-day of the programme it counts as: 1 or 2")
    venue: str
    address: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    places_left: int
    waiting: int
    cancelled: bool
    cancelled_reason: str
    mine: Literal["booked", "waiting"] | None = Field(
        None, description="The caller's own place: booked, waiting, or none"
    )
    waiting_place: int | None = Field(None, description="The caller's place in the waiting list")


class SignUpOut(Schema):
    id: int
    session: int
    status: SignUp.Status
    waiting_place: int | None


class LearnerOut(Schema):
    id: int
    name: str


class AttendanceRowOut(Schema):
    sign_up: int
    learner: LearnerOut
    schools: list[str]
    present: bool | None = Field(description="None until the register is taken")
    arrived_at: datetime | None = Field(description="A late arrival")
    left_at: datetime | None = Field(description="An early leaving")
    counts: bool = Field(
        description="Whether this counts as attending the half-day: present, and not gone "
        "more than 30 minutes before the end"
    )


class WaitingOut(Schema):
    sign_up: int
    learner: LearnerOut
    place: int
    asked_at: datetime


class RegisterOut(Schema):
    session: SessionOut
    booked: list[AttendanceRowOut]
    waiting: list[WaitingOut]


class MarkIn(Schema):
    sign_up: int
    attendance: Literal["present", "absent"] | None = Field(
        None, description="None to keep what is recorded and change only the times"
    )
    arrived: time | None = Field(None, description="Arrived late at (local time on the day)")
    left: time | None = Field(None, description="Left early at (local time on the day)")


def _session(s: Session, mine: SignUp | None = None, place: int | None = None) -> dict:
    return {
        "id": s.pk,
        "programme": s.programme_id,
        "half_day": s.half_day,
        "venue": s.venue,
        "address": s.address,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "capacity": s.capacity,
        "booked": s.booked,
        "places_left": s.places_left,
        "waiting": getattr(s, "waiting", 0),
        "cancelled": s.cancelled,
        "cancelled_reason": s.cancelled_reason,
        "mine": mine.status if mine else None,
        "waiting_place": place,
    }


def _learner(user) -> dict:
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def _row(row: session_queries.RegisterRow) -> dict:
    s = row.sign_up
    return {
        "sign_up": s.pk,
        "learner": _learner(s.learner),
        "schools": row.schools,
        "present": s.present,
        "arrived_at": s.arrived_at,
        "left_at": s.left_at,
        "counts": row.counts,
    }


@router.get(
    "/training/programmes/{programme_id}/sessions",
    response=list[SessionOut],
    summary="A programme's face-to-face sessions the caller may attend or runs",
)
@requires("programme.view", "programme_id", api=True)
def training_sessions(request, programme_id: int):
    programme = request.access_target
    mine = {
        m.sign_up.session.pk: m
        for day in session_queries.learner_sessions(request.user, programme)
        for m in day.mine
    }
    return [
        _session(s, mine[s.pk].sign_up, mine[s.pk].waiting_place) if s.pk in mine else _session(s)
        for s in session_queries.sessions_of(request.user, programme)
    ]


def _signed(found: SignUp) -> dict:
    return {
        "id": found.pk,
        "session": found.session_id,
        "status": found.status,
        "waiting_place": sessions.waiting_place(found),
    }


@router.post(
    "/training/sessions/{session_id}/sign-up",
    response={201: SignUpOut, 400: ErrorOut},
    summary="Sign up for a session: a place, or (when it is full) a place on its waiting list",
)
@requires("training_session.sign_up", "session_id", api=True)
@refusals_as_400
def sign_up_for_session(request, session_id: int):
    return Status(201, _signed(sessions.sign_up(request.user, request.access_target)))


@router.post(
    "/training/sessions/{session_id}/cancel-place",
    response={200: SignUpOut, 400: ErrorOut},
    summary="Give up one's place (the first waiting has it) or leave the waiting list",
)
@requires("training_session.sign_up", "session_id", api=True)
@refusals_as_400
def cancel_session_place(request, session_id: int):
    return _signed(sessions.cancel_place(request.user, request.access_target))


def _register(session: Session) -> dict:
    shown = session_queries.session_shown(session)
    counted = session_queries.scheduled_one(session)
    return {
        "session": _session(counted),
        "booked": [_row(row) for row in shown.booked],
        "waiting": [
            {
                "sign_up": w.pk,
                "learner": _learner(w.learner),
                "place": n,
                "asked_at": w.asked_at,
            }
            for n, w in enumerate(shown.waiting, start=1)
        ],
    }


@router.get(
    "/training/sessions/{session_id}/register",
    response=RegisterOut,
    summary="A session one runs: who is booked (with the register), and the waiting list",
)
@requires("scheduled_session.view", "session_id", api=True)
def session_register(request, session_id: int):
    return _register(request.access_target)


@router.put(
    "/training/sessions/{session_id}/register",
    response={200: AttendanceRowOut, 400: ErrorOut},
    summary="Mark one person on the register: present or absent, a late arrival, an early leaving",
)
@requires("session.run", "session_id", api=True)
@refusals_as_400(fields={"arrived": "arrived", "left": "left"})
def mark_register(request, session_id: int, body: MarkIn):
    marked = sessions.mark(
        request.user,
        request.access_target,
        body.sign_up,
        attendance=body.attendance,
        arrived=body.arrived,
        left=body.left,
    )
    return _row(session_queries.register_row(marked))
