"""The JSON API under /api/v1/: session (with CSRF) or bearer-token authentication, and every
operation guarded by the same ``access.requires`` as the pages."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from risingtide.access.core import anchors, requires, visible
from risingtide.api import openapi
from risingtide.api.models import ApiToken
from risingtide.badges.api import router as badges_router
from risingtide.credits.api import router as credits_router
from risingtide.families.api import router as families_router
from risingtide.feedback.api import router as reviews_router
from risingtide.insights.api import router as insights_router
from risingtide.learners.api import router as learners_router
from risingtide.learning_plans.api import router as learning_plans_router
from risingtide.lib import jsondata
from risingtide.opportunities.api_entitlement import router as entitlement_router
from risingtide.opportunities.api_map import router as provision_map_router
from risingtide.opportunities.api_menu import router as menu_router
from risingtide.people import queries as people_queries
from risingtide.people.models import Role
from risingtide.portfolios.api.items import router as items_router
from risingtide.portfolios.api.portfolios import router as portfolios_router
from risingtide.provision.api import router as provision_router
from risingtide.provision.report_api import router as provision_reports_router
from risingtide.register.api import router as register_router
from risingtide.rostering.api import router as rostering_router
from risingtide.sso.api import router as sso_router
from risingtide.standards.api import router as standards_router
from risingtide.standards.classroom.api import router as classroom_router
from risingtide.tasc.api import router as tasc_router
from risingtide.training.api import router as training_router
from risingtide.training.session_api import router as training_sessions_router

# Each app owns its routers; an operation's id (what a generated client calls it) is still the
# one it was published with, named after the module of ``risingtide.api`` it was first written
# in: ``risingtide_api_tasc_projects``, not ``risingtide_tasc_api_projects``.
PUBLISHED_AS = {
    "risingtide.tasc.api": "risingtide.api.tasc",
    "risingtide.portfolios.api.portfolios": "risingtide.api.tasc",
    "risingtide.feedback.api": "risingtide.api.tasc",
    "risingtide.portfolios.api.items": "risingtide.api.items",
    "risingtide.register.api.pupils": "risingtide.api.register",
    "risingtide.register.api.entries": "risingtide.api.register",
    "risingtide.register.api.imports": "risingtide.api.register",
    "risingtide.insights.api.reports": "risingtide.api.insights",
    "risingtide.insights.api.runs": "risingtide.api.insights",
    "risingtide.standards.api.frameworks": "risingtide.api.standards",
    "risingtide.standards.api.evaluations": "risingtide.api.standards",
    "risingtide.standards.api.oversight": "risingtide.api.standards",
    "risingtide.standards.classroom.api": "risingtide.api.classroom",
    # Written in its app from the first: named as the others are.
    "risingtide.credits.api": "risingtide.api.credits",
    "risingtide.provision.api": "risingtide.api.provision",
    "risingtide.provision.report_api": "risingtide.api.provision",
    "risingtide.training.session_api": "risingtide.api.training",
    "risingtide.training.api": "risingtide.api.training",
    "risingtide.learners.api": "risingtide.api.learners",
    "risingtide.opportunities.api_map": "risingtide.api.opportunities",
    "risingtide.opportunities.api_menu": "risingtide.api.opportunities",
    "risingtide.opportunities.api_entitlement": "risingtide.api.opportunities",
    "risingtide.learning_plans.api": "risingtide.api.learning_plans",
    "risingtide.families.api": "risingtide.api.families",
    "risingtide.sso.api": "risingtide.api.sso",
    "risingtide.rostering.api": "risingtide.api.rostering",
    "risingtide.badges.api": "risingtide.api.badges",
}


class TokenAuth(HttpBearer):
    """A personal token in ``Authorization: Bearer``. Tried first: a script sends no cookie
    and no CSRF token, and a browser on another site cannot set this header."""

    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


class CookieSessionAuth(SessionAuth):
    """The signed-in browser's session, with its CSRF check. A request that carries an
    ``Authorization`` header is answered by that header alone: a wrong token is a 401, never a
    fall back to whatever cookie rides along (and never a CSRF refusal of a token call)."""

    def __call__(self, request):
        if "authorization" in request.headers:
            return None
        return super().__call__(request)


class LimitedParser(Parser):
    """Request bodies through the project's one JSON reader (depth-limited)."""

    def parse_body(self, request):
        return jsondata.loads(request.body, what="The request body")


class RisingTideAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return openapi.add_refusals(schema)

    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        module = PUBLISHED_AS.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = RisingTideAPI(
    title="Rising Tide API",
    version="1",
    urls_namespace="api-1",
    auth=[TokenAuth(), CookieSessionAuth()],
    docs_url="/docs",
    parser=LimitedParser(),
)


@api.exception_handler(HttpError)
def http_error(request, exc):
    # Ninja answers any body it cannot parse with "Cannot parse request body"; say why when
    # the reason is ours to give.
    cause = exc.__cause__
    detail = str(cause) if isinstance(cause, jsondata.JsonRefused) else str(exc)
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid_input(request, exc):
    """Parameters or a body that do not match the operation's types: 422 in the one shape of
    every refusal (``lib.api_errors``), each problem under the field it is about, not ninja's
    list of pydantic errors (the fuzzer found the document promised no such answer)."""
    errors: dict[str, list[str]] = {}
    for problem in exc.errors:
        where = [str(part) for part in problem.get("loc", ())]
        # ("body", "payload", "title") and ("query", "status"): the field, not its source.
        field = ".".join(where[2:] if where[:1] == ["body"] else where[1:]) or "__all__"
        errors.setdefault(field, []).append(str(problem.get("msg", "Not valid.")))
    named = ", ".join(sorted(errors))
    return api.create_response(
        request,
        {"detail": f"Some of what was sent is not valid: {named}.", "errors": errors},
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "You may not do this."}, status=403)


class ScopeOut(Schema):
    role: str
    role_label: str
    groups: list[int]
    schools: list[int]
    local_authorities: list[int]
    nations: list[int]
    providers: list[int]
    everywhere: bool


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    roles: list[ScopeOut]


class SchoolOut(Schema):
    id: int
    name: str
    urn: str
    establishment_number: str
    la_code: str
    phase: str


class AccountPupilOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str


def _school(school) -> dict:
    return {
        "id": school.pk,
        "name": school.name,
        "urn": school.urn,
        "establishment_number": school.establishment_number,
        "la_code": school.local_authority.code,
        "phase": school.phase,
    }


@api.get("/me", response=MeOut, summary="The caller's roles and the places they reach")
@requires("site.profile", api=True)
def me(request):
    user = request.user
    scopes = [
        {
            "role": role,
            "role_label": Role(role).label,
            "groups": sorted(a.groups),
            "schools": sorted(a.schools),
            "local_authorities": sorted(a.las),
            "nations": sorted(a.nations),
            "providers": sorted(a.providers),
            "everywhere": a.anywhere,
        }
        for role, a in sorted(anchors(user).items())
    ]
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "roles": scopes,
    }


@api.get("/schools", response=list[SchoolOut], summary="Schools the caller may see")
@requires("site.list_schools", api=True)
def schools(request):
    return [_school(s) for s in visible(request.user, "school").select_related("local_authority")]


@api.get("/schools/{school_id}", response=SchoolOut, summary="One school")
@requires("school.view", "school_id", api=True)
def school(request, school_id: int):
    return _school(request.access_target)


@api.get(
    "/groups/{group_id}/pupils",
    response=list[AccountPupilOut],
    summary="The pupils of a teaching group",
)
@requires("teaching_group.view", "group_id", api=True)
def group_pupils(request, group_id: int):
    return list(people_queries.group_pupils(request.user, request.access_target))


# The order the operations were first registered in, kept so that the URL patterns and the
# OpenAPI document do not change. A path's methods must all stay in one router: Django resolves
# a path to the first router that has it.
api.add_router("/", tasc_router)
api.add_router("/", portfolios_router)
api.add_router("/", reviews_router)
api.add_router("/", items_router)
api.add_router("/", register_router)
api.add_router("/", insights_router)
api.add_router("/", standards_router)
api.add_router("/", classroom_router)
api.add_router("/", credits_router)
api.add_router("/", provision_router)
api.add_router("/", provision_reports_router)
api.add_router("/", training_sessions_router)
api.add_router("/", training_router)
api.add_router("/", learners_router)
api.add_router("/", provision_map_router)
api.add_router("/", menu_router)
api.add_router("/", entitlement_router)
api.add_router("/", learning_plans_router)
api.add_router("/", families_router)
api.add_router("/", sso_router)
api.add_router("/", rostering_router)
api.add_router("/", badges_router)
