"""Writing a module: its draft as a list of steps the author edits like a document (kept as
they write, unfinished steps and all), structural edits (add, move, remove and put back a
step; add and remove questions and answers), the problems that stop it being published, and
publishing it. Uploading media and sharing live in ``training.sharing``.

The draft is ``Module.draft``: ``{"steps": [...], "revision": n, "removed": [...]}``. Each
save names the revision it was made from, so a save from an out-of-date copy (another tab)
is refused rather than written over the newer one, as ``services.save_reflection`` does."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from risingtide.access.core import anchors, can
from risingtide.people.models import Role, User
from risingtide.schools.models import LocalAuthority, Nation
from risingtide.training import content, media, services
from risingtide.training.models import Module, ModuleVersion, Programme

MAX_QUESTIONS = 20
MAX_ANSWERS = 10
KEEP_REMOVED = 10  # steps that can be put back


@dataclass
class DraftConflict(Exception):
    """The draft was saved elsewhere since this copy was opened."""

    current_revision: int


def _may_write(actor: User, module: Module) -> None:
    if not can(actor, "module.author", module):
        raise PermissionDenied


def owner_for(actor: User) -> Nation | LocalAuthority | None:
    """Where a programme the actor starts belongs: the nation for a national officer, their
    LA for an LA lead."""
    held = anchors(actor)
    if Role.NATIONAL_OFFICER in held and held[Role.NATIONAL_OFFICER].nations:
        return Nation.objects.filter(pk__in=held[Role.NATIONAL_OFFICER].nations).first()
    if Role.LA_LEAD in held and held[Role.LA_LEAD].las:
        return LocalAuthority.objects.filter(pk__in=held[Role.LA_LEAD].las).order_by("pk").first()
    return None


def start_programme(actor: User, title: str, summary: str, rules: list[str]) -> Programme:
    owner = owner_for(actor)
    if owner is None:
        raise PermissionDenied
    return services.create_programme(actor, title, owner, rules, summary=summary)


# --- the draft -------------------------------------------------------------------------------


def blank(kind: str) -> dict:
    """A new, empty step of ``kind``."""
    if kind == "page":
        return {"kind": "page", "title": "", "body": ""}
    if kind == "reflection":
        return {"kind": "reflection", "title": "", "prompt": ""}
    return {"kind": "check", "title": "", "pass_mark": 1, "questions": [blank_question()]}


def blank_question() -> dict:
    answer = {"text": "", "correct": False, "feedback": ""}
    return {"text": "", "multiple": False, "answers": [dict(answer), dict(answer)]}


def steps_of(module: Module) -> list[dict]:
    return list(module.draft.get("steps", []))


def revision_of(module: Module) -> int:
    return int(module.draft.get("revision", 0))


def _bounded(steps: list[dict]) -> None:
    """The limits a draft keeps even unfinished (a finished one must pass ``content.clean``)."""
    if len(steps) > content.MAX_STEPS:
        raise ValidationError(f"A module holds at most {content.MAX_STEPS} steps.")
    for n, step in enumerate(steps, 1):
        if step.get("kind") not in content.KINDS:
            raise ValidationError(f"Step {n} must be a page, a knowledge check or a reflection.")
        questions = step.get("questions", [])
        if len(questions) > MAX_QUESTIONS:
            raise ValidationError(f"Step {n} holds at most {MAX_QUESTIONS} questions.")
        if any(len(q.get("answers", [])) > MAX_ANSWERS for q in questions):
            raise ValidationError(f"A question holds at most {MAX_ANSWERS} answers.")


def save_draft(
    actor: User,
    module: Module,
    steps: list[dict],
    base_revision: int,
    removed: list[dict] | None = None,
) -> int:
    """Keep the draft as written over revision ``base_revision`` (and the steps that can be
    put back, when given); the new revision, or ``DraftConflict`` when it has moved on since
    (nothing is written then)."""
    _may_write(actor, module)
    _bounded(steps)
    with transaction.atomic():
        locked = Module.objects.select_for_update().get(pk=module.pk)
        current = revision_of(locked)
        if base_revision != current:
            raise DraftConflict(current)
        draft = {**locked.draft, "steps": steps, "revision": current + 1}
        if removed is not None:
            draft["removed"] = removed
        Module.objects.filter(pk=module.pk).update(draft=draft)
    module.draft = draft
    return draft["revision"]


@dataclass
class Edit:
    """A structural change made: the steps after it, where to put the author back (an element
    id) and what to tell them."""

    steps: list[dict]
    focus: str
    said: str
    removed: list[dict] = field(default_factory=list)


def _title(step: dict, n: int) -> str:
    return f"“{step['title']}”" if step.get("title", "").strip() else f"step {n}"


def edit(steps: list[dict], removed: list[dict], action: tuple) -> Edit:
    """Apply one structural ``action`` (``("add", kind)``, ``("up", i)``, ``("down", i)``,
    ``("remove", i)``, ``("restore",)``, ``("add_question", i)``, ``("remove_question", i,
    q)``, ``("add_answer", i, q)``, ``("remove_answer", i, q, a)``) to a copy of ``steps``."""
    steps = [dict(s) for s in steps]
    removed = list(removed)
    verb, *at = action

    def step_at(i: int) -> dict:
        if not 0 <= i < len(steps):
            raise ValidationError("That step is not in the draft any more.")
        return steps[i]

    if verb == "add":
        if len(steps) >= content.MAX_STEPS:
            raise ValidationError(f"A module holds at most {content.MAX_STEPS} steps.")
        steps.append(blank(at[0]))
        words = {"page": "a page", "check": "a knowledge check", "reflection": "a reflection"}
        return Edit(steps, f"step-{len(steps) - 1}", f"Added {words[at[0]]} at the end.", removed)
    if verb in ("up", "down"):
        i = at[0]
        j = i - 1 if verb == "up" else i + 1
        step = step_at(i)
        if not 0 <= j < len(steps):
            where = "first" if verb == "up" else "last"
            return Edit(steps, f"step-{i}", f"That step is already {where}.", removed)
        steps[i], steps[j] = steps[j], steps[i]
        return Edit(steps, f"step-{j}", f"Moved {_title(step, j + 1)} to step {j + 1}.", removed)
    if verb == "remove":
        step = step_at(at[0])
        del steps[at[0]]
        removed = [*removed, {"at": at[0], "step": step}][-KEEP_REMOVED:]
        focus = f"step-{min(at[0], len(steps) - 1)}" if steps else "add-step"
        said = f"Removed {_title(step, at[0] + 1)}. You can put it back."
        return Edit(steps, focus, said, removed)
    if verb == "restore":
        if not removed:
            raise ValidationError("There is no removed step to put back.")
        last = removed.pop()
        i = min(last["at"], len(steps))
        steps.insert(i, last["step"])
        return Edit(steps, f"step-{i}", f"Put back {_title(last['step'], i + 1)}.", removed)
    check = step_at(at[0])
    if check.get("kind") != "check":
        raise ValidationError("That step is not a knowledge check.")
    questions = [dict(q, answers=list(q.get("answers", []))) for q in check["questions"]]
    check["questions"] = questions
    steps[at[0]] = check
    if verb == "add_question":
        if len(questions) >= MAX_QUESTIONS:
            raise ValidationError(f"A knowledge check holds at most {MAX_QUESTIONS} questions.")
        questions.append(blank_question())
        q = len(questions) - 1
        return Edit(steps, f"step-{at[0]}-q-{q}", f"Added question {q + 1}.", removed)
    if not 0 <= at[1] < len(questions):
        raise ValidationError("That question is not in the draft any more.")
    if verb == "remove_question":
        if len(questions) == 1:
            raise ValidationError("A knowledge check needs at least one question.")
        del questions[at[1]]
        return Edit(steps, f"step-{at[0]}", f"Removed question {at[1] + 1}.", removed)
    answers = questions[at[1]]["answers"]
    if verb == "add_answer":
        if len(answers) >= MAX_ANSWERS:
            raise ValidationError(f"A question holds at most {MAX_ANSWERS} answers.")
        answers.append({"text": "", "correct": False, "feedback": ""})
        where = f"step-{at[0]}-q-{at[1]}-a-{len(answers) - 1}"
        return Edit(steps, where, f"Added an answer to question {at[1] + 1}.", removed)
    if verb == "remove_answer":
        if not 0 <= at[2] < len(answers):
            raise ValidationError("That answer is not in the draft any more.")
        del answers[at[2]]
        where = f"step-{at[0]}-q-{at[1]}"
        return Edit(steps, where, f"Removed answer {at[2] + 1} of question {at[1] + 1}.", removed)
    raise ValidationError("That is not something the editor can do.")


def save_edit(actor: User, module: Module, done: Edit, base_revision: int) -> int:
    """Keep a structural edit (the steps and the removed steps) over ``base_revision``."""
    return save_draft(actor, module, done.steps, base_revision, done.removed)


# --- checking and publishing -----------------------------------------------------------------


def problems(module: Module, steps: list[dict], found: dict | None = None) -> list[str]:
    """Everything that stops the draft being published, step by step, in the author's words
    (e.g. "Step 2, question 2 has no right answer."). ``found``: the media the steps refer
    to, when the caller has them already."""
    if not steps:
        return ["The module needs at least one step: a page, a knowledge check or a reflection."]
    wrong = []
    for n, step in enumerate(steps, 1):
        try:
            content._step(step, n)  # the very check publishing makes, one step at a time
        except ValidationError as exc:
            wrong.extend(exc.messages)
    if found is None:
        found = media.of_steps(module.pk, steps)
    return wrong + media.problems(steps, found)


def publish(actor: User, module: Module) -> ModuleVersion:
    """The draft as a new version, or every problem that stops it."""
    _may_write(actor, module)
    if wrong := problems(module, steps_of(module)):
        raise ValidationError(wrong)
    return services.publish(actor, module)


# --- the module's details --------------------------------------------------------------------


def _needs_itself(module: Module, needed: list[Module]) -> bool:
    """Would ``module`` needing ``needed`` first make a circle (so no learner could start)?"""
    edges: dict[int, set[int]] = {}
    for source, target in Module.prerequisites.through.objects.filter(
        from_module__programme_id=module.programme_id
    ).values_list("from_module_id", "to_module_id"):
        edges.setdefault(source, set()).add(target)
    edges[module.pk] = {m.pk for m in needed}
    seen, waiting = set(), list(edges[module.pk])
    while waiting:
        current = waiting.pop()
        if current == module.pk:
            return True
        if current not in seen:
            seen.add(current)
            waiting.extend(edges.get(current, ()))
    return False


def update_details(
    actor: User,
    module: Module,
    *,
    title: str,
    summary: str,
    core: bool,
    prerequisites: list[Module],
) -> Module:
    """Rename the module, say what it is about, make it core or optional, and choose what
    learners finish first (modules of the same programme, never in a circle)."""
    _may_write(actor, module)
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "A module needs a title of at most 200 characters."})
    if any(p.programme_id != module.programme_id for p in prerequisites):
        raise ValidationError({"prerequisites": "Choose modules of this programme."})
    if any(p.pk == module.pk for p in prerequisites) or _needs_itself(module, prerequisites):
        raise ValidationError(
            {"prerequisites": "That would make a circle: a module cannot need itself first."}
        )
    with transaction.atomic():
        module.title, module.summary, module.core = title, summary.strip(), core
        module.save(update_fields=["title", "summary", "core"])
        module.prerequisites.set(prerequisites)
    return module
