"""Changes to wheels and projects: the acting person first, the check, the change, the audit."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from risingtide.access.core import anchors, can, visible
from risingtide.audit.models import record
from risingtide.people.models import Role, User
from risingtide.schools.models import School
from risingtide.tasc import events
from risingtide.tasc.models import STAGE_ORDER, Assignment, Project, Wheel, WheelStage


@dataclass(frozen=True)
class StageWording:
    title: str
    question: str
    prompts: list[str]


def reword_wheel(
    actor: User, wheel: Wheel, school: School, wording: dict[str, StageWording], name: str = ""
) -> Wheel:
    """A new version of ``wheel`` for ``school`` with new words; stage identities are kept.

    Stages missing from ``wording`` keep their current words. Projects set with the old
    version keep it.
    """
    if (
        not can(actor, "wheel.reword", wheel)
        or not staff_schools(actor).filter(pk=school.pk).exists()
    ):
        raise PermissionDenied
    unknown = set(wording) - set(STAGE_ORDER)
    if unknown:
        raise ValidationError(f"Unknown TASC stage(s): {', '.join(sorted(unknown))}")
    for stage, words in wording.items():
        if not words.title.strip() or not words.question.strip():
            raise ValidationError(f"Every stage needs a title and a question ({stage}).")
    name = name.strip() or wheel.name
    for attempt in range(3):  # two teachers rewording at once: the later takes the next number
        try:
            return _new_wheel_version(actor, wheel, school, wording, name)
        except IntegrityError:
            if attempt == 2:
                raise ValidationError("Someone saved this wheel just now: try again.") from None
    raise AssertionError("unreachable")


def _new_wheel_version(actor, wheel: Wheel, school: School, wording, name: str) -> Wheel:
    with transaction.atomic():
        latest = Wheel.objects.filter(school=school, name=name).aggregate(v=Max("version"))["v"]
        new = Wheel.objects.create(
            name=name, version=(latest or 0) + 1, school=school, based_on=wheel, created_by=actor
        )
        current = {s.stage: s for s in wheel.stages.all()}
        WheelStage.objects.bulk_create(
            WheelStage(
                wheel=new,
                stage=stage,
                title=(wording[stage].title if stage in wording else current[stage].title).strip(),
                question=(
                    wording[stage].question if stage in wording else current[stage].question
                ).strip(),
                prompts=[
                    p.strip()
                    for p in (
                        wording[stage].prompts if stage in wording else current[stage].prompts
                    )
                    if p.strip()
                ],
            )
            for stage in STAGE_ORDER
        )
        record(actor, "wheel.reworded", new, school=school, based_on=wheel.pk)
    return new


@dataclass
class ProjectDetails:
    title: str
    brief: str
    subject: str
    key_stage: str
    success_criteria: list[str]
    wheel: Wheel
    stage_prompts: dict[str, list[str]]
    start_date: date | None
    due_date: date | None
    mode: str
    pupils_choose_groups: bool = False


def _check_details(details: ProjectDetails) -> None:
    if details.start_date and details.due_date and details.due_date < details.start_date:
        raise ValidationError({"due_date": "The due date is before the start date."})
    unknown = set(details.stage_prompts) - set(STAGE_ORDER)
    if unknown:
        raise ValidationError(f"Unknown TASC stage(s): {', '.join(sorted(unknown))}")


def create_project(actor: User, school: School, details: ProjectDetails) -> Project:
    if not can(actor, "project.create") or not staff_schools(actor).filter(pk=school.pk).exists():
        raise PermissionDenied
    if not can(actor, "wheel.view", details.wheel) or details.wheel.school_id not in (
        None,
        school.pk,
    ):
        raise PermissionDenied
    _check_details(details)
    with transaction.atomic():
        project = Project.objects.create(school=school, created_by=actor, **vars(details))
        record(actor, "project.created", project, school=school)
    return project


def update_project(actor: User, project: Project, details: ProjectDetails) -> Project:
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    if details.wheel.school_id not in (None, project.school_id):
        raise PermissionDenied
    _check_details(details)
    if details.mode != project.mode and project.portfolios.exists():
        raise ValidationError(
            {
                "mode": "Pupils have started this project: it cannot switch between individual "
                "and group work now. Copy it to set it the other way."
            }
        )
    with transaction.atomic():
        for field, value in vars(details).items():
            setattr(project, field, value)
        project.save()
        record(actor, "project.updated", project, school=project.school)
    return project


def copy_project(actor: User, project: Project) -> Project:
    """A draft copy in the same school, unassigned, remembering where it came from."""
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    with transaction.atomic():
        copy = Project.objects.get(pk=project.pk)
        copy.pk = None
        copy.title = f"{project.title} (copy)"[:150]
        copy.status = Project.Status.DRAFT
        copy.copied_from = project
        copy.created_by = actor
        copy.save()
        record(actor, "project.copied", copy, school=project.school, source=project.pk)
    return copy


def assign(actor: User, project: Project, groups=(), pupils=()) -> list[Assignment]:
    """Set the project to whole groups and/or chosen pupils of its school (adds to what is
    there). Anything outside the actor's reach or the project's school is refused whole."""
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    group_ids = {g.pk for g in groups}
    pupil_ids = {p.pk for p in pupils}
    reachable_groups = set(
        visible(actor, "teaching_group")
        .filter(pk__in=group_ids, school=project.school_id)
        .values_list("pk", flat=True)
    )
    reachable_pupils = set(
        visible(actor, "pupil")
        .filter(pk__in=pupil_ids, memberships__school=project.school_id)
        .values_list("pk", flat=True)
    )
    if reachable_groups != group_ids or reachable_pupils != pupil_ids:
        raise PermissionDenied
    with transaction.atomic():
        made = [
            Assignment.objects.get_or_create(project=project, teaching_group_id=g)[0]
            for g in sorted(group_ids)
        ] + [
            Assignment.objects.get_or_create(project=project, pupil_id=p)[0]
            for p in sorted(pupil_ids)
        ]
        record(
            actor,
            "project.assigned",
            project,
            school=project.school,
            groups=sorted(group_ids),
            pupils=sorted(pupil_ids),
        )
    return made


def unassign(actor: User, project: Project, assignment_id: int) -> None:
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _ = project.assignments.filter(pk=assignment_id).delete()
        left = sum(events.assignment_removed.send(project=project)) if deleted else 0
    if deleted:
        record(
            actor,
            "project.unassigned",
            project,
            school=project.school,
            assignment=assignment_id,
            left_groups=left,
        )


def set_status(actor: User, project: Project, status: str) -> Project:
    if not can(actor, "project.edit", project):
        raise PermissionDenied
    if status not in Project.Status.values:
        raise ValidationError(f"Unknown status {status!r}")
    if status == Project.Status.DRAFT and project.portfolios.exists():
        raise ValidationError("Pupils have started this project: close it instead.")
    if status == Project.Status.OPEN and not project.assignments.exists():
        raise ValidationError("Assign the project to a class or to pupils before opening it.")
    Project.objects.filter(pk=project.pk).update(status=status)
    project.status = status
    record(actor, "project.status", project, school=project.school, status=status)
    return project


def staff_schools(user: User):
    """Schools where the person may create projects (staff roles, through access)."""

    held = anchors(user)
    ids = set()
    for role in (Role.TEACHER, Role.LEADING_TEACHER, Role.HEAD):
        if role in held:
            ids |= held[role].schools
    return visible(user, "school").filter(pk__in=ids)
