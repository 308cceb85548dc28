"""Fuzz the JSON API from its own OpenAPI document (schemathesis), in-process over WSGI.

Every operation of ``/api/v1/openapi.json`` is called with generated parameters and bodies,
valid ones and deliberately wrong ones, as a pupil, a teacher, a coordinator (leading teacher)
and an LA lead of the tiny world, each with a personal token; then chains of calls follow the
links schemathesis infers between operations (an id one returns, another takes). Every answer
must be no server error (5xx) and must match the document: a status it declares, with the body
and content type it declares for that status.

Bounded for CI, and the same every run: ``derandomize`` makes Hypothesis draw the same examples
from the same document, so a failure here is a real change, not bad luck. A longer hunt:

    RISINGTIDE_FUZZ_EXAMPLES=8 RISINGTIDE_FUZZ_STEPS=40 pytest -p no:xdist tests/fuzz   # or more

Each finding is fixed with a small reproduction in the app's own tests (docs/performance.md,
"API fuzzing", lists them).
"""

import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from risingtide.api.models import ApiToken

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("RISINGTIDE_FUZZ_EXAMPLES", "2"))
STEPS = int(os.environ.get("RISINGTIDE_FUZZ_STEPS", "10"))
BASE_URL = "https://localhost"  # production's security settings: plain HTTP is redirected

ROLES = {
    "pupil": "pupil@own",
    "teacher": "teacher@own",
    "coordinator": "leading_teacher@own",
    "la_lead": "la_lead@own",
}

# What the issue asks of every answer: no 5xx, and nothing the document does not promise.
# (Not schemathesis' checks that judge the API's policy, such as "valid data must be accepted":
# a pupil is rightly refused most operations.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # Shrinking finds the smallest failing call, worth its time only when something fails.
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app() -> Iterator:
    """The project's WSGI application, called in the test's own transaction. Django closes a
    connection that is not in autocommit when a request ends; the test client stops that, and
    so must we, or the first call would end the world's transaction."""
    from risingtide.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _world_ids(world) -> list[int]:
    """Ids of the tiny world's things: a generated path id is one of these half the time, so
    calls reach real objects (and the access guard's every branch), not only 404s."""
    ids = {world.nation.pk}
    for things in vars(world).values():
        if isinstance(things, dict):
            ids.update(t.pk for t in things.values() if hasattr(t, "pk"))
    return sorted(ids)


def _with_world_ids(case, data, ids) -> None:
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, int) and data.draw(st.booleans()):
            case.path_parameters[name] = data.draw(st.sampled_from(ids))


def _failures(error: BaseException) -> str:
    return str(error).split("\n\nReproduce with")[0]


_loaded: dict = {}


def _schema(wsgi_app):
    """The document, fetched from the app once a run, and each operation's strategies with it
    (building them is a good part of the cost; they hold nothing of one test's world)."""
    if "schema" not in _loaded:
        _loaded["schema"] = schemathesis.openapi.from_wsgi(
            "/api/v1/openapi.json", wsgi_app, base_url=BASE_URL
        )
        _loaded["operations"] = [r.ok() for r in _loaded["schema"].get_all_operations()]
    return _loaded["schema"], _loaded["operations"]


def _strategy(operation, mode):
    key = (operation.label, mode)
    if key not in _loaded:
        _loaded[key] = operation.as_strategy(generation_mode=mode)
    return _loaded[key]


def _examples(strategy, examples: int, ids: list[int], headers: dict):
    """A Hypothesis test of ``examples`` calls drawn from ``strategy``; with ``ids``, a path id
    is one of them half the time."""

    @settings(BOUNDED, max_examples=examples)
    @given(case=strategy, data=st.data())
    def call(case, data):
        if ids:
            _with_world_ids(case, data, ids)
        # Each call from the same world: a deletion does not starve the next example.
        with transaction.atomic():
            case.call_and_validate(base_url=BASE_URL, headers=headers, checks=CHECKS)
            transaction.set_rollback(True)

    return call


def _fuzz(user, wsgi_app, mode, examples, ids) -> dict[str, str]:
    """Every operation called as ``user`` with ``examples`` generated inputs of ``mode``; what
    failed, by operation."""
    _, token = ApiToken.issue(user, "fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    _, operations = _schema(wsgi_app)
    found = {}
    for operation in operations:
        try:
            _examples(_strategy(operation, mode), examples, ids, headers)()
        except (Exception, BaseExceptionGroup) as error:
            found[f"{operation.label} ({mode.value})"] = _failures(error)
    return found


def _report(found: dict[str, str]) -> str:
    return "\n\n".join(f"{label}\n{text}" for label, text in found.items())


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_its_schema_says(role, world, wsgi_app):
    """Valid inputs (ids of the world's things half the time), as each role: what a role may
    not do must still be refused as the document says."""
    found = _fuzz(
        world.user(ROLES[role]), wsgi_app, GenerationMode.POSITIVE, EXAMPLES, _world_ids(world)
    )
    assert not found, _report(found)


def test_every_operation_refuses_wrong_input_as_its_schema_says(world, wsgi_app):
    """Inputs of the wrong type or shape, as the coordinator, who may do most: they are read
    (and refused) before any role is asked, so one role is enough."""
    user = world.user(ROLES["coordinator"])
    found = _fuzz(user, wsgi_app, GenerationMode.NEGATIVE, max(1, EXAMPLES // 2), [])
    assert not found, _report(found)


@pytest.mark.parametrize("role", ROLES)
def test_chains_of_linked_operations_answer_as_the_schema_says(role, world, wsgi_app):
    _, token = ApiToken.issue(world.user(ROLES[role]), "fuzz")
    headers = {"Authorization": f"Bearer {token}"}
    schema, _ = _schema(wsgi_app)

    class Chains(schema.as_state_machine()):
        def setup(self):
            self._savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self._savepoint)

        def get_call_kwargs(self, case):
            return {"base_url": BASE_URL, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs or None)

    Chains.run(
        settings=settings(
            max_examples=max(1, STEPS // 5),
            stateful_step_count=5,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
