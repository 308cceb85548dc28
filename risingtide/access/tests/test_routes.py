"""Every route × every role × own / other school / other LA objects, generated from the
declaration in ``access.policy`` and the route catalogue.

The expected answer comes from an independent reading of the declaration against the tiny
world's known layout (below), not from the engine under test: 404 when the person may not see
the object, 403 when they may see it but not do this, and success otherwise.
"""

import fcntl
import json
import os
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import path, reverse

from risingtide.access.policy import CAPABILITIES, VIEW_CAPABILITY, Reach, reaches
from risingtide.access.routes import catalogue, unguarded
from risingtide.demo.testing import png_file
from risingtide.people.models import Role

# --- the tiny world's layout, written out by hand (see risingtide/lib/testing.py) ----------
SCHOOL_LA = {"own": "own", "peer": "own", "other": "other"}
CLUSTER_SCHOOLS = {"own", "peer"}
GROUP_SCHOOL = {"own": "own", "own2": "own", "peer": "peer", "other": "other"}

# user key -> list of (role, scope kind, place)
MEMBERSHIPS = {
    "pupil@own": [(Role.PUPIL, "group", "own")],
    "pupil@own2": [(Role.PUPIL, "group", "own2")],
    "pupil@other": [(Role.PUPIL, "group", "other")],
    "teacher@own": [(Role.TEACHER, "group", "own")],
    "teacher@other": [(Role.TEACHER, "group", "other")],
    "teacher+lead@own": [(Role.TEACHER, "group", "own2"), (Role.LEADING_TEACHER, "school", "own")],
    "leading_teacher@own": [(Role.LEADING_TEACHER, "school", "own")],
    "leading_teacher@peer": [(Role.LEADING_TEACHER, "school", "peer")],
    "leading_teacher@cluster": [(Role.LEADING_TEACHER, "cluster", "cluster")],
    "head@own": [(Role.HEAD, "school", "own")],
    "head@other": [(Role.HEAD, "school", "other")],
    "la_lead@own": [(Role.LA_LEAD, "la", "own")],
    "la_lead@other": [(Role.LA_LEAD, "la", "other")],
    "national_officer@nation": [(Role.NATIONAL_OFFICER, "nation", "nation")],
    "provider_staff@own": [(Role.PROVIDER_STAFF, "provider", "own")],
    "site_admin@site": [(Role.SITE_ADMIN, "site", "")],
    "nobody@nowhere": [],
}

# subject -> target key -> where it sits, at the levels that subject is placed at
TARGETS = {
    "school": {k: {"school": k, "la": SCHOOL_LA[k]} for k in ("own", "peer", "other")},
    "teaching_group": {
        k: {"group": k, "school": GROUP_SCHOOL[k], "la": SCHOOL_LA[GROUP_SCHOOL[k]]}
        for k in ("own", "own2", "other")
    },
    "pupil": {
        k: {
            "self": f"pupil@{k}",
            "group": k,
            "school": GROUP_SCHOOL[k],
            "la": SCHOOL_LA[GROUP_SCHOOL[k]],
        }
        for k in ("own", "own2", "other")
    },
    "local_authority": {k: {"la": k} for k in ("own", "other")},
    "nation": {"nation": {}},
    "provider": {k: {"provider": k} for k in ("own", "other")},
    # "assigned": the pupils an open project is set to (drafts are set to nobody yet).
    "project": {
        "own": {"school": "own", "la": "own", "assigned": {"pupil@own", "pupil2@own"}},
        "own_draft": {"school": "own", "la": "own", "assigned": set()},
        "own2_pupil": {"school": "own", "la": "own", "assigned": {"pupil@own2"}},
        "other": {"school": "other", "la": "other", "assigned": {"pupil@other"}},
    },
    # Each portfolio (and its note) belongs to one pupil of one group.
    "portfolio": {
        k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
        for k in ("own", "own2", "other")
    },
    "item": {
        k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
        for k in ("own", "own2", "other")
    },
    "comment": {
        k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
        for k in ("own", "own2", "other")
    },
    # Not shared in the tiny world: a presentation reaches as its portfolio does.
    "presentation": {
        k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
        for k in ("own", "own2", "other")
    },
    # The default wording belongs to every school ("*").
    "wheel": {"default": {"school": "*"}, "own": {"school": "own"}, "other": {"school": "other"}},
    # Library resources reach by their audience: their school, every school of their LA
    # ("audience": "la"), or every school ("*"); a withdrawn one only its own school.
    "resource": {
        "own_school": {"school": "own", "self": "teacher@own"},
        "own_la": {"school": "own", "audience": "la", "self": "teacher@own"},
        "own_withdrawn": {"school": "own", "self": "teacher@own"},
        "other_everyone": {"school": "*", "self": "teacher@other"},
    },
    # Pupil-level register data: an LA reaches it only where the school shares it ("own").
    "register": {
        "own": {"school": "own", "la": "own"},
        "peer": {"school": "peer"},
        "other": {"school": "other"},
    },
    "pupil_record": {
        k: {"group": k, "school": GROUP_SCHOOL[k], **({"la": "own"} if k != "other" else {})}
        for k in ("own", "own2", "other")
    },
    "import": {k: {"school": k, "self": f"leading_teacher@{k}"} for k in ("own", "other")},
}
TARGETS["insights"] = TARGETS["school"]
TARGETS["standards"] = TARGETS["school"]
# "own" is a draft: the LA sees a school's submitted judgements, not its work in progress.
TARGETS["self_evaluation"] = {"own": {"school": "own"}, "other": {"school": "other", "la": "other"}}
TARGETS["improvement_plan"] = {k: {"school": k, "la": k} for k in ("own", "other")}
# A classroom reflection is its teacher's; the school's coordinators reach it once shared.
TARGETS["classroom_evaluation"] = {
    "own_private": {"self": "teacher@own"},
    "own_shared": {"self": "teacher@own", "school": "own"},
    "other": {"self": "teacher@other"},
}


def _reaches(user_key: str, role: str, reach: Reach, where: dict) -> bool:
    for m_role, kind, place in MEMBERSHIPS[user_key]:
        if m_role != role:
            continue
        if kind == "site" or reach == Reach.ANY:
            return True
        schools = (
            {GROUP_SCHOOL[place]}
            if kind == "group"
            else {place}
            if kind == "school"
            else CLUSTER_SCHOOLS
            if kind == "cluster"
            else set()
        )
        las = {SCHOOL_LA[s] for s in schools} | ({place} if kind == "la" else set())
        if reach == Reach.SELF and (
            where.get("self") == user_key or user_key in where.get("assigned", ())
        ):
            return True
        if reach == Reach.GROUP and kind == "group" and where.get("group") == place:
            return True
        if reach == Reach.SCHOOL:
            if "school" in where and (where["school"] in schools or where["school"] == "*"):
                return bool(schools)
            if where.get("audience") == "la" and SCHOOL_LA[where["school"]] in {
                SCHOOL_LA[s] for s in schools
            }:
                return True
            if kind == "la" and where.get("la") == place:
                return True
        if reach in (Reach.SCHOOL, Reach.LA) and kind == "nation" and "la" in where:
            return True
        if reach == Reach.LA and "la" in where and where["la"] in las:
            return True
        if reach == Reach.NATION and kind != "provider":
            return True  # the tiny world has one nation
        if reach == Reach.PROVIDER and kind == "provider" and where.get("provider") == place:
            return True
    return False


def expected_allowed(user_key: str, action: str, where: dict | None) -> bool:
    cap = CAPABILITIES[action]
    roles = {m[0] for m in MEMBERSHIPS[user_key]}
    if cap.subject is None:
        return "signed_in" in cap.grants or bool(roles & set(cap.grants))
    return any(
        _reaches(user_key, role, reach, where)
        for role, grant in cap.grants.items()
        if role in roles
        for reach in reaches(grant)
    )


FILE_ROUTES = {"item_file", "item_thumbnail", "api-1:item_file", "api-1:item_thumbnail"}


def _target_pk(world, subject, key, route_name=""):
    if subject == "item" and route_name in FILE_ROUTES:
        return world.uploads[key].pk  # routes that serve a file need an item that has one
    return {
        "school": lambda: world.schools[key].pk,
        "teaching_group": lambda: world.groups[key].pk,
        "pupil": lambda: world.users[f"pupil@{key}"].pk,
        "local_authority": lambda: world.las[key].pk,
        "nation": lambda: world.nation.pk,
        "provider": lambda: world.providers[key].pk,
        "project": lambda: world.projects[key].pk,
        "wheel": lambda: world.wheels[key].pk,
        "portfolio": lambda: world.portfolios[key].pk,
        "presentation": lambda: world.portfolios[key].pk,
        "item": lambda: world.items[key].pk,
        "comment": lambda: world.comments[key].pk,
        "resource": lambda: world.resources[key].pk,
        "register": lambda: world.schools[key].pk,
        "insights": lambda: world.schools[key].pk,
        "pupil_record": lambda: world.records[key].pk,
        "import": lambda: world.imports[key].pk,
        "standards": lambda: world.schools[key].pk,
        "self_evaluation": lambda: world.evaluations[key].pk,
        "improvement_plan": lambda: world.plans[key].pk,
        "classroom_evaluation": lambda: world.classroom[key].pk,
    }[subject]()


def _extra_kwargs(route, number) -> dict:
    """Values for a route's other URL parts: ids of things that need not exist (the guard
    decides before the view looks), and a real stage name."""
    kwargs = {name: number for name in re.findall(r"<int:(\w+_id)>", route.path)}
    if "<slug:stage>" in route.path:
        kwargs["stage"] = "gather"
    return kwargs


GUARDED = [r for r in catalogue() if r.rule is not None and not r.name.startswith("admin:")]


# A well-formed body for each API operation that takes one, by method and path (one path may
# carry several operations): the guard runs after parsing. A callable is a multipart form,
# made afresh for each call because a file is read once.
API_BODIES = {
    "POST /api/v1/portfolios/<portfolio_id>/notes": {"stage": "gather", "title": "t"},
    "PUT /api/v1/items/<item_id>/note": {"body": "x", "version": 1},
    "POST /api/v1/portfolios/<portfolio_id>/connections": {
        "source": 1,
        "target": 2,
        "label": "supports",
    },
    "PATCH /api/v1/items/<item_id>": {"title": "t"},
    "POST /api/v1/items/<item_id>/move": {"direction": "up"},
    "POST /api/v1/items/<item_id>/annotations": {"text": "t"},
    "POST /api/v1/portfolios/<portfolio_id>/uploads": lambda: {
        "stage": "gather",
        "title": "t",
        "file": png_file(),
    },
    "POST /api/v1/portfolios/<portfolio_id>/clippings": {
        "stage": "gather",
        "url": "https://example.org/",  # enqueued on commit, which a test never reaches
    },
    "DELETE /api/v1/portfolios/<portfolio_id>/connections/<int:connection_id>": None,
    "PUT /api/v1/portfolios/<portfolio_id>/layout": {"positions": {}},
    "PUT /api/v1/portfolios/<portfolio_id>/stages/<slug:stage>": {"done": True},
    "PUT /api/v1/portfolios/<portfolio_id>/tools/<slug:stage>": {
        "version": 0,
        "fields": {"known": "x"},
    },
    "PUT /api/v1/portfolios/<portfolio_id>/sharing": {"audience": "class"},
    "POST /api/v1/pupils/<pupil_id>/nominations": {"domains": ["maths"], "summary": "s"},
    "POST /api/v1/pupils/<pupil_id>/evidence": {"kind": "teacher_assessment", "summary": "s"},
    "POST /api/v1/pupils/<pupil_id>/decisions": {"status": "removed", "reason": "r"},
    "POST /api/v1/schools/<school_id>/imports": lambda: {
        "format": "ctf",
        "file": SimpleUploadedFile("pupils.xml", b"<CTfile/>"),  # checked on commit: never
    },
    "POST /api/v1/imports/<import_id>/mapping": {"mapping": {}},
    "POST /api/v1/imports/<import_id>/confirm": None,
    "POST /api/v1/imports/<import_id>/cancel": None,
    "POST /api/v1/insights/las/<la_id>/reports": None,
    "POST /api/v1/schools/<school_id>/self-evaluations": None,
    "PUT /api/v1/self-evaluations/<evaluation_id>/elements/<int:element_id>": {"revision": 0},
    "POST /api/v1/self-evaluations/<evaluation_id>/submit": None,
    "POST /api/v1/self-evaluations/<evaluation_id>/plans": None,
    "POST /api/v1/plans/<plan_id>/actions": {"what": "A masterclass"},
    "PUT /api/v1/plans/<plan_id>/actions/<int:action_id>": {"what": "A masterclass"},
    "POST /api/v1/classroom": {"class_name": "Route test"},
    "POST /api/v1/frameworks": lambda: {
        "file": SimpleUploadedFile("f.yaml", b"format: nothing"),  # refused: 400, past the guard
    },
    "PUT /api/v1/classroom/<evaluation_id>/prompts/<int:prompt_id>": {"for_all": 1},
    "POST /api/v1/classroom/<evaluation_id>/share": {},
}


def _send_api(client, route, url):
    method = route.methods[0]
    send = getattr(client, method.lower())
    if method == "GET":
        return send(url)
    body = API_BODIES[f"{method} {route.path}"]
    if body is None:
        return send(url)
    if callable(body):
        return send(url, body())
    return send(url, body, content_type="application/json")


def _call(client, route, kwargs):
    url = reverse(route.name, kwargs=kwargs)
    if route.name.startswith("api-1:") and route.methods:
        return _send_api(client, route, url)
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


# Every answer the matrix gave before the apps were rearranged (issue 15): a move must not
# change one. Rewrite it only for a deliberate change of the declaration, with
# RISINGTIDE_MATRIX_SNAPSHOT=write (one route at a time is fine: entries are merged).
SNAPSHOT = Path(__file__).with_name("route_matrix_answers.json")


def _answer(status: int) -> int | str:
    """What the guard decided: its refusal exactly, and otherwise "past the guard" (what the
    view then made of a test body, 201 or 400, can hang on the database's ids)."""
    return status if status in (401, 403, 404, 405) or status >= 500 else "past the guard"


def _compare_with_snapshot(route_name: str, answers: dict[str, int | str]) -> None:
    if os.environ.get("RISINGTIDE_MATRIX_SNAPSHOT") == "write":
        with open(SNAPSHOT, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # xdist workers write side by side
            handle.seek(0)
            stored = json.loads(handle.read() or "{}")
            stored[route_name] = answers
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert route_name in stored, f"{route_name} is new: write its answers into the snapshot"
    changed = {
        who: (stored[route_name].get(who), got)
        for who, got in answers.items()
        if stored[route_name].get(who) != got
    }
    assert not changed, f"answers changed since the snapshot (was, now): {changed}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED, ids=[r.name for r in GUARDED])
def test_route_answers_each_role_as_declared(route, world, client):
    rule = route.rule
    cap = CAPABILITIES[rule.capability]
    problems = []
    targets = [(k, w) for k, w in TARGETS[cap.subject].items()] if cap.subject else [(None, None)]
    static_kwargs = _extra_kwargs(route, 999999)
    answers: dict[str, int | str] = {}
    for user_key in MEMBERSHIPS:
        client.force_login(world.users[user_key])
        for target_key, where in targets:
            kwargs = dict(static_kwargs)
            if rule.kwarg:
                kwargs[rule.kwarg] = _target_pk(world, cap.subject, target_key, route.name)
            response = _call(client, route, kwargs)
            status = response.status_code
            if cap.subject is None:
                expected = "allowed" if expected_allowed(user_key, rule.capability, None) else 403
            elif not expected_allowed(user_key, VIEW_CAPABILITY[cap.subject], where):
                expected = 404
            elif not expected_allowed(user_key, rule.capability, where):
                expected = 403
            else:
                expected = "allowed"
            ok = (
                status < 500 and status not in (401, 403, 404, 405)
                if expected == "allowed"
                else status == expected
            )
            # No such token, run, file, element, piece of evidence, action, milestone, version
            # or prompt: the guard let the person past, then the view found nothing.
            past_the_guard_404 = {"token_id", "run_id", "file_id", "element_id", "link_id"}
            past_the_guard_404 |= {"action_id", "milestone_id", "version_id", "prompt_id"}
            if (
                past_the_guard_404 & set(static_kwargs) or route.name == "presentation_picture"
            ) and (expected == "allowed"):
                ok = status == 404  # past the guard: no such token, or no such chosen item
            if not ok:
                problems.append(f"{user_key} → {target_key}: got {status}, expected {expected}")
            answers[f"{user_key} → {target_key}"] = _answer(status)
        client.logout()
    assert not problems, "\n".join(problems)
    _compare_with_snapshot(route.name, answers)


@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED, ids=[r.name for r in GUARDED])
def test_route_refuses_anonymous(route, world, client):
    cap = CAPABILITIES[route.rule.capability]
    kwargs = _extra_kwargs(route, 1)
    if route.rule.kwarg:
        kwargs[route.rule.kwarg] = _target_pk(world, cap.subject, next(iter(TARGETS[cap.subject])))
    response = _call(client, route, kwargs)
    if route.name.startswith("api-1:"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_every_route_has_an_access_rule_or_is_public():
    assert unguarded() == []


def _unguarded_view(request):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [path("sneaky/", _unguarded_view, name="sneaky")]


@override_settings(ROOT_URLCONF=__name__)
def test_a_route_without_a_rule_is_caught():
    assert [r.name for r in unguarded(__name__)] == ["sneaky"]


@pytest.mark.django_db
@pytest.mark.parametrize("user_key", list(MEMBERSHIPS))
def test_admin_only_for_site_administrators(user_key, world, client):
    client.force_login(world.users[user_key])
    response = client.get(reverse("admin:index"))
    if user_key == "site_admin@site":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
