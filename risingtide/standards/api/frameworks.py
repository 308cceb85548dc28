"""Quality-standards frameworks in the API: the frameworks and their versions, one version in
full, its file (YAML or JSON) and importing a new one, through the same functions and guards as
the framework pages (``standards.frameworks``)."""

from django.http import Http404, HttpResponse
from ninja import Field, File, Router, Schema, Status, UploadedFile

from risingtide.access.core import requires
from risingtide.lib.api_errors import ErrorOut, refusal
from risingtide.standards import frameworks, queries
from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.framework_models import Framework, FrameworkVersion

router = Router(tags=["Quality standards"])


# --- frameworks ----------------------------------------------------------------------------


class VersionBriefOut(Schema):
    id: int
    label: str
    active: bool


class FrameworkOut(Schema):
    key: str
    name: str
    kind: str
    versions: list[VersionBriefOut]

    @staticmethod
    def resolve_versions(framework: Framework) -> list:
        return list(framework.versions.all())


class PromptOut(Schema):
    id: int
    number: int
    text: str


class ElementOut(Schema):
    id: int
    number: int
    name: str
    summary: str
    entry: str
    developing: str
    exemplary: str
    theme: str = Field(description="The theme's code")
    prompts: list[PromptOut]

    @staticmethod
    def resolve_theme(element) -> str:
        return element.theme.code

    @staticmethod
    def resolve_prompts(element) -> list:
        return list(element.prompts.all())


class VersionOut(VersionBriefOut):
    framework: str
    source_note: str
    elements: list[ElementOut]


@router.get("/frameworks", response=list[FrameworkOut], summary="The frameworks and versions")
@requires("framework.browse", api=True)
def framework_list(request):
    return list(queries.framework_list())


@router.get(
    "/frameworks/versions/{int:version_id}",
    response=VersionOut,
    summary="One framework version: its elements, level descriptors and prompts",
)
@requires("framework.browse", api=True)
def framework_version(request, version_id: int):
    version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
    if version is None:
        raise Http404
    return {
        "id": version.pk,
        "label": version.label,
        "active": version.active,
        "framework": version.framework.key,
        "source_note": version.source_note,
        "elements": list(
            version.elements.select_related("theme").prefetch_related("prompts").order_by("number")
        ),
    }


@router.get(
    "/frameworks/versions/{int:version_id}/file",
    summary="One framework version as a framework file (YAML, or JSON with ?format=json)",
)
@requires("framework.browse", api=True)
def framework_file(request, version_id: int, format: str = "yaml"):
    version = FrameworkVersion.objects.select_related("framework").filter(pk=version_id).first()
    if version is None:
        raise Http404
    fmt = "json" if format == "json" else "yaml"
    return HttpResponse(
        frameworks.export(version, fmt),
        content_type="application/json" if fmt == "json" else "application/yaml; charset=utf-8",
    )


class ProblemOut(Schema):
    line: int | None
    message: str


class ImportRefusedOut(ErrorOut):
    problems: list[ProblemOut] = Field(description="Every problem found, with its line")


@router.post(
    "/frameworks",
    response={201: VersionBriefOut, 400: ImportRefusedOut},
    summary="Load a framework file (YAML or JSON): checked as a whole, loaded or not at all",
)
@requires("framework.manage", api=True)
def import_framework(request, file: File[UploadedFile]):
    try:
        # One byte past the limit is enough for parse to refuse it as too large.
        version = frameworks.load(frameworks.parse(file.read(MAX_BYTES + 1), file.name or ""))
    except frameworks.FrameworkFileError as exc:
        problems = [{"line": p.line, "message": p.message} for p in exc.problems]
        return refusal(400, "Nothing was loaded.", problems=problems)
    return Status(201, version)
