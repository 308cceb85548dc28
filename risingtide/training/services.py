"""Changes to training: authors keep a draft and publish it as a new version; learners start a
module (on its newest version, kept for them to the end), move through its steps, answer its
knowledge checks, write its reflections (saved from an up-to-date copy only) and finish it."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from risingtide.access.core import can
from risingtide.people.models import User
from risingtide.schools.models import LocalAuthority, Nation
from risingtide.training import completion, content, media
from risingtide.training.models import (
    Module,
    ModuleMedia,
    ModuleVersion,
    Programme,
    Progress,
    Reflection,
)

REFLECTION_MAX_CHARS = 20_000
MAX_VERSION = 2**31 - 1  # what PostgreSQL's integer column holds


@dataclass
class EditConflict(Exception):
    """A reflection saved from an out-of-date copy: both texts, so the learner can keep either."""

    current_body: str
    current_version: int
    yours: str


# --- authors ---------------------------------------------------------------------------------


def _may_author(actor: User, module: Module) -> None:
    if not can(actor, "programme.author", module.programme):
        raise PermissionDenied


def create_programme(
    actor: User,
    title: str,
    owner: Nation | LocalAuthority,
    rules: list[str],
    *,
    summary: str = "",
) -> Programme:
    """A new programme of the nation (by a national officer) or of an LA (by its lead)."""
    national = isinstance(owner, Nation)
    if not can(actor, "training.create_national" if national else "training.create_for_la", owner):
        raise PermissionDenied
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError("A programme needs a title of at most 200 characters.")
    if len(summary) > 2_000:
        raise ValidationError("A programme's summary holds at most 2,000 characters.")
    return Programme.objects.create(
        title=title,
        summary=summary.strip(),
        rules=completion.clean_rules(rules),
        **{"nation" if national else "local_authority": owner},
    )


def add_module(
    actor: User,
    programme: Programme,
    title: str,
    *,
    core: bool = True,
    prerequisites: list[Module] = (),
) -> Module:
    """A module at the end of the programme, core or optional, needing ``prerequisites`` (of
    the same programme) first. Learners see it once a first version is published."""
    if not can(actor, "programme.author", programme):
        raise PermissionDenied
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError("A module needs a title of at most 200 characters.")
    if any(p.programme_id != programme.pk for p in prerequisites):
        raise ValidationError("A module can only need modules of its own programme first.")
    with transaction.atomic():
        last = programme.modules.aggregate(n=Max("position"))["n"] or 0
        module = Module.objects.create(
            programme=programme, title=title, core=core, position=last + 1
        )
        module.prerequisites.set(prerequisites)
    return module


def save_draft(actor: User, module: Module, draft: dict) -> Module:
    """Keep the author's working copy (checked as a published version would be)."""
    _may_author(actor, module)
    module.draft = content.clean(draft)
    module.save(update_fields=["draft"])
    return module


def publish(actor: User, module: Module) -> ModuleVersion:
    """The draft as a new version, numbered after the last. Learners who started an earlier one
    finish that; whoever starts from now on gets this."""
    _may_author(actor, module)
    kept = content.clean(module.draft)
    with transaction.atomic():
        Module.objects.select_for_update().filter(pk=module.pk).first()
        last = module.versions.aggregate(n=Max("number"))["n"] or 0
        version = ModuleVersion.objects.create(
            module=module,
            number=last + 1,
            content=kept,
            published_at=timezone.now(),
            published_by=actor,
        )
        # Learners may see the media this version shows from now on (training.access_authoring).
        ModuleMedia.objects.filter(
            module=module,
            pk__in=media.referenced_ids(media.step_texts(version.steps)),
            published_at__isnull=True,
        ).update(published_at=version.published_at)
        return version


# --- learners --------------------------------------------------------------------------------


def progress_for(learner: User, module: Module) -> Progress:
    """The learner's progress on the module, started on its newest version on first visit
    (once its prerequisites are done)."""
    if not can(learner, "module.take", module):
        raise PermissionDenied
    found = Progress.objects.select_related("version").filter(learner=learner, module=module)
    if progress := found.first():
        return progress
    version = module.versions.order_by("-number").first()
    if version is None:
        raise ValidationError("This module has not been published yet.")
    missing = module.prerequisites.exclude(
        progress__learner=learner, progress__completed_at__isnull=False
    )
    if names := [m.title for m in missing]:
        raise ValidationError(f"Finish {', '.join(names)} before starting this module.")
    try:
        with transaction.atomic():
            return Progress.objects.create(learner=learner, module=module, version=version)
    except IntegrityError:  # two tabs started it at once: the other one made it
        return found.get()


def visit(progress: Progress, step: int) -> int:
    """Keep the step the learner is on (so they come back to it); an index past either end
    is the nearest step."""
    step = max(0, min(step, len(progress.version.steps) - 1))
    if step != progress.step:
        Progress.objects.filter(pk=progress.pk).update(step=step, updated_at=timezone.now())
        progress.step = step
    return step


def _step_of(progress: Progress, step: int, kind: str) -> dict:
    steps = progress.version.steps
    if not 0 <= step < len(steps) or steps[step]["kind"] != kind:
        raise ValidationError("That step of the module is not there.")
    return steps[step]


def _open(progress: Progress) -> None:
    if progress.completed_at is not None:
        raise ValidationError("You have finished this module: your answers are kept as they were.")


def answer(progress: Progress, step: int, chosen: dict[int, list[int]]) -> content.Marked:
    """Mark a knowledge check and keep the answers with the result (the last try counts; once
    passed, a later try cannot unpass it)."""
    _open(progress)
    check = _step_of(progress, step, "check")
    for index, picks in chosen.items():
        if not 0 <= index < len(check["questions"]) or any(
            not 0 <= p < len(check["questions"][index]["answers"]) for p in picks
        ):
            raise ValidationError("That answer is not one of the choices.")
    marked = content.mark(check, chosen)
    with transaction.atomic():
        locked = Progress.objects.select_for_update().get(pk=progress.pk)
        before = locked.answers.get(str(step), {})
        locked.answers[str(step)] = {
            "chosen": {str(q): sorted(p) for q, p in chosen.items()},
            "right": marked.score,
            "passed": marked.passed or bool(before.get("passed")),
        }
        locked.save(update_fields=["answers", "updated_at"])
    progress.answers = locked.answers
    return marked


def save_reflection(progress: Progress, step: int, body: str, base_version: int) -> Reflection:
    """Save ``body`` over version ``base_version`` of the learner's reflection (0: none yet);
    if it has moved on since, refuse with ``EditConflict`` carrying both texts."""
    _open(progress)
    _step_of(progress, step, "reflection")
    if len(body) > REFLECTION_MAX_CHARS:
        raise ValidationError(f"A reflection holds at most {REFLECTION_MAX_CHARS:,} characters.")
    if not 0 <= base_version <= MAX_VERSION:
        raise ValidationError("That is not a version of this reflection.")
    with transaction.atomic():
        if base_version == 0:
            made, created = Reflection.objects.get_or_create(
                progress=progress, step=step, defaults={"body": body}
            )
            if created:
                return made
        else:
            updated = Reflection.objects.filter(
                progress=progress, step=step, version=base_version
            ).update(body=body, version=F("version") + 1, updated_at=timezone.now())
            if updated:
                return Reflection.objects.get(progress=progress, step=step)
        current = Reflection.objects.filter(progress=progress, step=step).first()
        if current is None or base_version > current.version:
            raise ValidationError("That is not a version of this reflection.")
    raise EditConflict(current.body, current.version, body)


def unfinished(progress: Progress, written: set[int]) -> list[tuple[int, str]]:
    """What the learner must still do before finishing, by step: each check not passed, each
    reflection not written (``written``: the steps with words). A SCORM package finishes only
    by reporting itself complete (``scorm.cmi.save``), never by the Finish button."""
    if progress.version.kind == "scorm":
        return [(0, "play the package to its end")]
    left = []
    for index, step in enumerate(progress.version.steps):
        if step["kind"] == "check" and not progress.answers.get(str(index), {}).get("passed"):
            left.append((index, f"pass “{step['title']}”"))
        if step["kind"] == "reflection" and index not in written:
            left.append((index, f"write “{step['title']}”"))
    return left


def written_steps(progress: Progress) -> set[int]:
    return set(progress.reflections.exclude(body__regex=r"^\s*$").values_list("step", flat=True))


def finish(progress: Progress) -> Progress:
    """Record the module finished (once), then see whether the programme is now complete."""
    with transaction.atomic():
        locked = Progress.objects.select_for_update().select_related("version").get(pk=progress.pk)
        if locked.completed_at is None:
            if left := unfinished(locked, written_steps(locked)):
                raise ValidationError(f"Before finishing, {'; '.join(t for _, t in left)}.")
            locked.completed_at = timezone.now()
            locked.save(update_fields=["completed_at", "updated_at"])
    progress.completed_at = locked.completed_at
    completion.record_if_complete(progress.learner, progress.module.programme)
    return progress
