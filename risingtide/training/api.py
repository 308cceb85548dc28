"""Training in the API: the programmes that apply to the caller, a programme's modules as
published (outlines), the caller's progress through a programme, and coverage for an LA and
for the nation; under the same capabilities as the pages and read by the same functions
(``queries``, ``outlines``, ``coverage``)."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from risingtide.access.core import requires
from risingtide.training import completion, coverage, outlines, queries

router = Router(tags=["Training"])


class ProgrammeOut(Schema):
    id: int
    title: str
    summary: str
    nation: int | None = Field(description="Set for a national programme")
    local_authority: int | None = Field(description="Set for an LA's own programme")
    rules: list[str] = Field(description="The completion rules, in the programme's words")
    module_count: int


class StepOutlineOut(Schema):
    kind: str = Field(description="page, check or reflection")
    title: str


class ModuleOut(Schema):
    id: int
    programme: int
    title: str
    summary: str
    core: bool
    position: int
    prerequisites: list[int]
    version: int | None = Field(description="The newest published version; None if unpublished")
    published_at: datetime | None
    steps: list[StepOutlineOut]


class ProgrammeDetailOut(ProgrammeOut):
    modules: list[ModuleOut]


class TrainingRuleOut(Schema):
    rule: str
    label: str
    met: bool


class ModuleProgressOut(Schema):
    module: int
    title: str
    core: bool
    status: str = Field(description="done, in_progress, not_started, waiting or unpublished")
    version: int | None = Field(description="The version the caller is working through")
    step: int | None
    completed_at: datetime | None
    waiting_for: list[str] = Field(description="Prerequisites not yet done")


class ProgressOut(Schema):
    programme: int
    complete: bool
    completed_at: datetime | None
    rules: list[TrainingRuleOut]
    modules: list[ModuleProgressOut]


class LeadingTeacherOut(Schema):
    id: int
    name: str
    schools: list[int]
    cluster: int | None
    trained: bool
    completed_at: datetime | None
    still_needs: list[str]


class SchoolCoverageOut(Schema):
    id: int
    name: str
    phase: str
    cluster: int | None
    leading_teachers: list[int]
    named: bool
    trained: bool


class ChosenProgrammeOut(Schema):
    id: int
    title: str


class LACoverageOut(Schema):
    local_authority: int
    programme: ChosenProgrammeOut | None
    schools: list[SchoolCoverageOut] = Field(description="Those with none named first")
    leading_teachers: list[LeadingTeacherOut]


class CoverageCountOut(Schema):
    label: str
    local_authority: int | None = None
    schools: int
    named: int
    trained: int
    share_trained: float | None = Field(description="Per cent, one decimal place")


class MonthOut(Schema):
    month: date
    completions: int
    trained: int
    share_trained: float | None
    share_trained_by_phase: dict[str, float | None] = Field(
        description="By phase, for each phase the nation has schools of"
    )


class NationalCoverageOut(Schema):
    nation: int
    programme: ChosenProgrammeOut | None
    total: CoverageCountOut
    by_la: list[CoverageCountOut]
    by_phase: list[CoverageCountOut]
    months: list[MonthOut]


class ProgrammeChoice(Schema):
    programme: int | None = Field(None, description="Count against this programme")


def _programme(p, module_count: int) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "summary": p.summary,
        "nation": p.nation_id,
        "local_authority": p.local_authority_id,
        "rules": [completion.RULES[r].label for r in p.rules if r in completion.RULES],
        "module_count": module_count,
    }


def _module(o: outlines.Outline) -> dict:
    m = o.module
    return {
        "id": m.pk,
        "programme": m.programme_id,
        "title": m.title,
        "summary": m.summary,
        "core": m.core,
        "position": m.position,
        "prerequisites": o.prerequisites,
        "version": o.version.number if o.version else None,
        "published_at": o.version.published_at if o.version else None,
        "steps": o.steps,
    }


@router.get(
    "/training/programmes",
    response=list[ProgrammeOut],
    summary="The training programmes that apply to the caller",
)
@requires("training.home", api=True)
def training_programmes(request):
    return [_programme(p, p.module_count) for p in queries.programmes(request.user)]


@router.get(
    "/training/programmes/{programme_id}",
    response=ProgrammeDetailOut,
    summary="A programme, with each module's newest published version in outline",
)
@requires("programme.view", "programme_id", api=True)
def training_programme(request, programme_id: int):
    modules = [_module(o) for o in outlines.of_programme(request.access_target)]
    return {**_programme(request.access_target, len(modules)), "modules": modules}


@router.get(
    "/training/modules/{module_id}",
    response=ModuleOut,
    summary="A module's newest published version, in outline",
)
@requires("module.view", "module_id", api=True)
def training_module(request, module_id: int):
    return _module(outlines.of_module(request.access_target))


@router.get(
    "/training/programmes/{programme_id}/progress",
    response=ProgressOut,
    summary="Where the caller stands in a programme: each module, each completion rule",
)
@requires("programme.view", "programme_id", api=True)
def training_progress(request, programme_id: int):
    found = queries.standing(request.user, request.access_target)
    return {
        "programme": programme_id,
        "complete": found.completion is not None,
        "completed_at": found.completion.completed_at if found.completion else None,
        "rules": [
            {"rule": o.rule, "label": completion.RULES[o.rule].label, "met": o.met}
            for o in found.outcomes
        ],
        "modules": [
            {
                "module": r.module.pk,
                "title": r.module.title,
                "core": r.module.core,
                "status": r.status,
                "version": r.progress.version.number if r.progress else None,
                "step": r.progress.step if r.progress else None,
                "completed_at": r.progress.completed_at if r.progress else None,
                "waiting_for": r.waiting_for,
            }
            for r in found.rows
        ],
    }


def _chosen(programme) -> dict | None:
    return {"id": programme.pk, "title": programme.title} if programme else None


@router.get(
    "/training/coverage/las/{la_id}",
    response=LACoverageOut,
    summary="An LA's schools and leading teachers: named, trained, and what each still needs",
)
@requires("training.coverage_la", "la_id", api=True)
def training_coverage_la(request, la_id: int, choice: Query[ProgrammeChoice]):
    found = coverage.la_coverage(request.access_target, choice.programme)
    rows = found.unnamed + [s for s in found.schools if s.named]
    return {
        "local_authority": la_id,
        "programme": _chosen(found.programme),
        "schools": [
            {
                "id": s.school.pk,
                "name": s.school.name,
                "phase": s.school.phase,
                "cluster": s.school.cluster_id,
                "leading_teachers": sorted({lt.person.pk for lt in s.leading_teachers}),
                "named": s.named,
                "trained": s.trained,
            }
            for s in rows
        ],
        "leading_teachers": [
            {
                "id": lt.person.pk,
                "name": str(lt.person),
                "schools": [s.pk for s in lt.schools],
                "cluster": lt.cluster.pk if lt.cluster else None,
                "trained": lt.trained,
                "completed_at": lt.completed_at,
                "still_needs": lt.still_needs,
            }
            for lt in found.leading_teachers
        ],
    }


def _count(c: coverage.SchoolCount) -> dict:
    return {
        "label": c.label,
        "local_authority": c.pk,
        "schools": c.schools,
        "named": c.named,
        "trained": c.trained,
        "share_trained": c.share_trained,
    }


@router.get(
    "/training/coverage/nations/{nation_id}",
    response=NationalCoverageOut,
    summary="The nation's coverage by LA, by phase and month by month (counts of schools)",
)
@requires("training.coverage_nation", "nation_id", api=True)
def training_coverage_nation(request, nation_id: int, choice: Query[ProgrammeChoice]):
    found = coverage.national_coverage(request.access_target, choice.programme)
    return {
        "nation": nation_id,
        "programme": _chosen(found.programme),
        "total": _count(found.total),
        "by_la": [_count(c) for c in found.by_la],
        "by_phase": [_count(c) for c in found.by_phase],
        "months": [
            {
                "month": m.month,
                "completions": m.completions,
                "trained": m.trained,
                "share_trained": m.share_trained,
                "share_trained_by_phase": dict(zip(m.phases, m.shares_by_phase, strict=True)),
            }
            for m in found.months
        ],
    }
