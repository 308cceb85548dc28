"""The CMI data a SCORM package reports for one learner: checked against the standard's types
and sizes, kept (``ScormState``), given back to the runtime on the next launch so the learner
resumes, and turned into the training's own record: a package that reports itself completed
(and not failed) finishes the learner's ``Progress`` on it, which is what the programme's
``all_core_passed`` rule counts.

Everything here arrives from a package's frame, which the platform does not trust: values of
the wrong type or size are refused, elements we do not keep are ignored."""

import math
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.access.core import can
from risingtide.people.models import User
from risingtide.training import completion
from risingtide.training.models import Module, Progress, ScormPackage, ScormState

# The vocabularies and sizes of the elements we keep (SCORM 1.2 RTE 3.4; SCORM 2004 4th ed.
# RTE 4.2: suspend_data is characterstring SPM 64000, location SPM 1000).
STATUS_12 = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_2004 = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_2004 = {"passed", "failed", "unknown"}
EXIT_12 = {"", "time-out", "suspend", "logout"}
EXIT_2004 = {"", "time-out", "suspend", "logout", "normal"}
LIMITS = {
    "1.2": {"suspend_data": 4096, "location": 255},
    "2004": {"suspend_data": 64000, "location": 1000},
}
_TIMESPAN_12 = re.compile(r"^(\d{2,4}):([0-5]\d):([0-5]\d)(\.\d{1,2})?$")
_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,2})?)S)?)?$"
)
KEPT = (
    "completion_status",
    "success_status",
    "score_raw",
    "score_min",
    "score_max",
    "score_scaled",
    "location",
    "suspend_data",
    "exit",
    "session_centiseconds",
)
MAX_CENTISECONDS = 10_000 * 3600 * 100  # 1.2's timespan tops out at 9999 hours


class StaleLaunch(ValidationError):
    """A commit from a launch that a newer one has replaced (a forgotten tab)."""


@dataclass(frozen=True)
class Commit:
    """One commit, checked: what the package said, in our fields."""

    completion_status: str
    success_status: str
    score_raw: float | None
    score_min: float | None
    score_max: float | None
    score_scaled: float | None
    location: str
    suspend_data: str
    exit: str
    session_centiseconds: int

    @property
    def done(self) -> bool:
        """Finished, and not failed: 1.2's passed or completed; 2004's completed or passed."""
        if self.success_status == "failed":
            return False
        return self.completion_status in ("passed", "completed") or self.success_status == "passed"


def _text(data: dict, key: str, limit: int, what: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text.")
    if len(value) > limit:
        raise ValidationError(f"{what} is longer than the standard allows ({limit:,} characters).")
    return value


def _choice(data: dict, key: str, allowed: set[str], what: str, default: str) -> str:
    value = data.get(key, default)
    if value in ("", None) and "" not in allowed:
        return default
    if value not in allowed:
        raise ValidationError(f"{what} is not one of the values the standard allows.")
    return value


def _number(data: dict, key: str, what: str, low: float, high: float) -> float | None:
    value = data.get(key, "")
    if value in ("", None):
        return None
    try:
        number = (
            float(value)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool)
            else None
        )
    except ValueError:
        number = None
    if number is None or not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(f"{what} must be a number from {low:g} to {high:g}.")
    return number


def centiseconds(value: str, standard: str) -> int:
    """A 1.2 timespan (HHHH:MM:SS.SS) or a 2004 duration (PT1H2M3.4S) in hundredths of a
    second; a ValidationError for anything else."""
    if standard == "1.2":
        match = _TIMESPAN_12.match(value)
        if not match:
            raise ValidationError("The session time is not a SCORM 1.2 timespan (HHHH:MM:SS).")
        hours, minutes, seconds, fraction = match.groups()
        whole = int(hours) * 3600 + int(minutes) * 60 + int(seconds)
        return whole * 100 + round(float(fraction or 0) * 100)
    match = _DURATION.match(value)
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise ValidationError("The session time is not an ISO 8601 duration (PT1H2M3S).")
    years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
    total = ((years * 365 + months * 30 + days) * 24 + hours) * 3600 + minutes * 60 + seconds
    if total * 100 > MAX_CENTISECONDS:
        raise ValidationError("The session time is longer than a session can be.")
    return round(total * 100)


def timespan(hundredths: int, standard: str) -> str:
    """Hundredths of a second as the standard writes a time: 1.2 HHHH:MM:SS.SS, 2004 PT…S."""
    seconds, cs = divmod(min(hundredths, MAX_CENTISECONDS - 1), 100)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if standard == "1.2":
        return f"{hours:04d}:{minutes:02d}:{seconds:02d}.{cs:02d}"
    return f"PT{hours}H{minutes}M{seconds}.{cs:02d}S"


def clean(standard: str, data) -> Commit:
    """A commit from the runtime (the elements we keep, flat: ``{"cmi.core.lesson_status": …}``
    for 1.2, ``{"cmi.completion_status": …}`` for 2004), checked, or a ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError("A commit is a set of CMI elements.")
    limits = LIMITS[standard]
    if standard == "1.2":
        status = _choice(
            data, "cmi.core.lesson_status", STATUS_12, "The lesson status", "not attempted"
        )
        success = {"passed": "passed", "failed": "failed"}.get(status, "unknown")
        prefix, scaled = "cmi.core.score", None
        location = _text(data, "cmi.core.lesson_location", limits["location"], "The location")
        exit_ = _choice(data, "cmi.core.exit", EXIT_12, "The exit", "")
        session = data.get("cmi.core.session_time") or "0000:00:00"
    else:
        status = _choice(
            data, "cmi.completion_status", COMPLETION_2004, "The completion status", "unknown"
        )
        success = _choice(data, "cmi.success_status", SUCCESS_2004, "The success status", "unknown")
        prefix = "cmi.score"
        scaled = _number(data, "cmi.score.scaled", "The scaled score", -1, 1)
        location = _text(data, "cmi.location", limits["location"], "The location")
        exit_ = _choice(data, "cmi.exit", EXIT_2004, "The exit", "")
        session = data.get("cmi.session_time") or "PT0S"
    if not isinstance(session, str):
        raise ValidationError("The session time must be text.")
    # 1.2 scores are 0–100; 2004's raw, min and max are any real, kept within reason.
    low, high = (0, 100) if standard == "1.2" else (-1e7, 1e7)
    return Commit(
        completion_status=status,
        success_status=success,
        score_raw=_number(data, f"{prefix}.raw", "The raw score", low, high),
        score_min=_number(data, f"{prefix}.min", "The lowest score", low, high),
        score_max=_number(data, f"{prefix}.max", "The highest score", low, high),
        score_scaled=scaled,
        location=location,
        suspend_data=_text(data, "cmi.suspend_data", limits["suspend_data"], "The suspend data"),
        exit=exit_,
        session_centiseconds=centiseconds(session, standard),
    )


def package_of(progress: Progress) -> ScormPackage:
    """The package of the version the learner started, or a ValidationError if that version
    is not a SCORM package."""
    content = progress.version.content
    if content.get("kind") != "scorm":
        raise ValidationError("This module is not a SCORM package.")
    return ScormPackage.objects.get(pk=content["package"])


def begin_session(learner: User, module: Module) -> tuple[Progress, ScormState]:
    """The learner's progress and SCORM state for a new launch (started on first launch): the
    last session's time goes into the total, and commits from older launches stop counting."""
    from risingtide.training import services  # the learner's progress: started there

    progress = services.progress_for(learner, module)
    package = package_of(progress)
    with transaction.atomic():
        state, _ = ScormState.objects.select_for_update().get_or_create(
            progress=progress, defaults={"package": package}
        )
        state.total_centiseconds = min(
            state.total_centiseconds + state.session_centiseconds, MAX_CENTISECONDS - 1
        )
        state.session_centiseconds = 0
        state.session += 1
        state.save()
    return progress, state


def resume_data(state: ScormState, learner: User) -> dict:
    """What the runtime is given before the package starts (``loadFromJSON``): who the learner
    is and what the package kept last time, so it can resume."""
    standard = state.package.standard
    entry = "resume" if state.exit == "suspend" else ("ab-initio" if state.commits == 0 else "")
    learner_id, name = f"rt-{learner.pk}", learner.get_full_name() or learner.get_username()
    total = timespan(state.total_centiseconds, standard)
    if standard == "1.2":
        core = {
            "student_id": learner_id,
            "student_name": name,
            "lesson_status": state.completion_status,
            "lesson_location": state.location,
            "entry": entry,
            "total_time": total,
            "score": _score(state, ("raw", "min", "max")),
        }
        return {"core": core, "suspend_data": state.suspend_data}
    return {
        "learner_id": learner_id,
        "learner_name": name,
        "completion_status": state.completion_status,
        "success_status": state.success_status,
        "location": state.location,
        "entry": entry,
        "total_time": total,
        "suspend_data": state.suspend_data,
        "score": _score(state, ("scaled", "raw", "min", "max")),
    }


def _score(state: ScormState, parts: tuple[str, ...]) -> dict:
    found = {part: getattr(state, f"score_{part}") for part in parts}
    return {part: f"{value:g}" for part, value in found.items() if value is not None}


def save(learner: User, module: Module, session: int, data) -> tuple[ScormState, Progress]:
    """Keep a commit from the learner's launch number ``session``: refused (ValidationError)
    if malformed or from an older launch. A commit that reports the package done finishes the
    learner's progress (once; a later commit never unfinishes it) and records the programme's
    completion if that was the last thing left."""
    if not can(learner, "module.take", module):
        raise PermissionDenied
    progress = (
        Progress.objects.select_related("version").filter(learner=learner, module=module).first()
    )
    if progress is None:
        raise ValidationError("Open the module before saving your place in it.")
    package = package_of(progress)
    commit = clean(package.standard, data)
    with transaction.atomic():
        state = ScormState.objects.select_for_update().get(progress=progress)
        if session != state.session:
            raise StaleLaunch(
                "This module was opened again in another tab or on another computer: "
                "carry on there, or reload this page."
            )
        for field in KEPT:
            setattr(state, field, getattr(commit, field))
        state.commits += 1
        state.save()
        finished = commit.done and progress.completed_at is None
        if finished:
            progress.completed_at = timezone.now()
            progress.save(update_fields=["completed_at", "updated_at"])
    if finished:
        completion.record_if_complete(learner, module.programme)
    return state, progress
