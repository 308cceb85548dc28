"""Reading training, for the pages (and the API to come): the programmes that apply to a
person, and one programme as a learner stands in it. A constant number of queries each."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from risingtide.access.core import visible
from risingtide.people.models import User
from risingtide.training import completion
from risingtide.training.models import Completion, Module, Programme, Progress

DONE, IN_PROGRESS, NOT_STARTED, WAITING, UNPUBLISHED = (
    "done",
    "in_progress",
    "not_started",
    "waiting",
    "unpublished",
)
STATUS_WORDS = {
    DONE: "Done",
    IN_PROGRESS: "In progress",
    NOT_STARTED: "Not started",
    WAITING: "Not yet open",
    UNPUBLISHED: "Coming soon",
}


def programmes(user: User) -> QuerySet[Programme]:
    """The programmes that apply to the person, with how many modules each has."""
    return (
        visible(user, "programme")
        .select_related("nation", "local_authority")
        .annotate(module_count=Count("modules"))
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class ModuleRow:
    module: Module
    status: str
    progress: Progress | None
    waiting_for: list[str]  # prerequisites not yet done

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class Standing:
    programme: Programme
    rows: list[ModuleRow]
    outcomes: list[completion.Outcome]
    completion: Completion | None

    def _rows(self, core: bool) -> list[ModuleRow]:
        return [r for r in self.rows if r.module.core == core]

    @property
    def core(self) -> list[ModuleRow]:
        return self._rows(True)

    @property
    def optional(self) -> list[ModuleRow]:
        return self._rows(False)

    @property
    def core_left(self) -> int:
        return sum(r.status != DONE for r in self.core)

    @property
    def rules(self) -> list[tuple[str, bool]]:
        return [(completion.RULES[o.rule].label, o.met) for o in self.outcomes]


def standing(learner: User, programme: Programme) -> Standing:
    """The programme as the learner stands in it: each module done, in progress, not started
    or waiting for its prerequisites; the completion rules met and not; the completion if
    recorded (recorded now, if every rule has just come to be met)."""
    mine = Progress.objects.filter(learner=learner).select_related("version")
    modules = list(
        programme.modules.annotate(published=Count("versions")).prefetch_related(
            Prefetch("progress", queryset=mine, to_attr="mine"),
            Prefetch("prerequisites", queryset=Module.objects.only("pk", "title")),
        )
    )
    done = {m.pk for m in modules if m.mine and m.mine[0].completed_at}
    rows = []
    for m in modules:
        progress = m.mine[0] if m.mine else None
        waiting = [p.title for p in m.prerequisites.all() if p.pk not in done]
        if progress and progress.completed_at:
            status = DONE
        elif progress:
            status = IN_PROGRESS
        elif not m.published:
            status = UNPUBLISHED
        elif waiting:
            status = WAITING
        else:
            status = NOT_STARTED
        rows.append(ModuleRow(m, status, progress, waiting))
    recorded = completion.record_if_complete(learner, programme)
    return Standing(programme, rows, completion.outcomes(learner, programme), recorded)


@dataclass(frozen=True)
class AnswerShown:
    text: str
    chosen: bool
    feedback: str  # shown only for an answer the learner chose


@dataclass(frozen=True)
class QuestionShown:
    index: int
    text: str
    multiple: bool
    answers: list[AnswerShown]
    right: bool | None  # None until answered


@dataclass(frozen=True)
class StepShown:
    """One step of the learner's version, with what they have done there."""

    index: int
    count: int
    step: dict
    questions: list[QuestionShown]
    result: dict  # the last marked try at a check: {"right": n, "passed": bool}, or {}
    reflection_body: str
    reflection_version: int

    @property
    def kind(self) -> str:
        return self.step["kind"]

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def is_last(self) -> bool:
        return self.index == self.count - 1


def step_shown(progress: Progress, index: int) -> StepShown:
    """The step as the learner sees it: for a check, their last answers with each chosen
    answer's feedback; for a reflection, what they have written and its version."""
    step = progress.version.steps[index]
    result = progress.answers.get(str(index), {}) if step["kind"] == "check" else {}
    chosen = result.get("chosen", {})
    questions = []
    for q, question in enumerate(step.get("questions", [])):
        picked = set(chosen.get(str(q), []))
        wanted = {n for n, a in enumerate(question["answers"]) if a["correct"]}
        questions.append(
            QuestionShown(
                q,
                question["text"],
                question["multiple"],
                [
                    AnswerShown(a["text"], n in picked, a["feedback"] if n in picked else "")
                    for n, a in enumerate(question["answers"])
                ],
                (picked == wanted) if result else None,
            )
        )
    body, version = "", 0
    if step["kind"] == "reflection":
        found = progress.reflections.filter(step=index).values_list("body", "version").first()
        body, version = found or ("", 0)
    return StepShown(index, len(progress.version.steps), step, questions, result, body, version)
