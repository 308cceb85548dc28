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
from risingtide.training.tests.session_world import add_sessions
from risingtide.training.tests.world import add_credentials, add_training
from risingtide.training.tests.world_authoring import add_authoring

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
    "carer@own": [(Role.CARER, "child", "pupil@own")],
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
    # ("audience": "la"), or every school ("*"); a withdrawn one only its own school. An LA
    # lead finds the LA's and everyone's ("la"), a national officer everyone's only.
    "resource": {
        "own_school": {"school": "own", "self": "teacher@own", "nation": False},
        "own_la": {
            "school": "own",
            "audience": "la",
            "self": "teacher@own",
            "la": "own",
            "nation": False,
        },
        "own_withdrawn": {"school": "own", "self": "teacher@own", "nation": False},
        "other_everyone": {"school": "*", "self": "teacher@other", "la": "*"},
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
# issue 20: rostering. A school's roster import, and an LA's (which only its LA lead reaches).
TARGETS["roster_import"] = {
    "own": {"school": "own"},
    "other": {"school": "other"},
    "la_own": {"la": "own"},
}
# A school's Opportunities page: what it shows its own pupils.
TARGETS["school_opportunities"] = TARGETS["school"]
TARGETS["standards"] = TARGETS["school"]
# issue 19: entitlement (a school's entitlement page: the school itself is the subject)
TARGETS["entitlement"] = TARGETS["school"]
# "own" is a draft: the LA sees a school's submitted judgements, not its work in progress.
TARGETS["self_evaluation"] = {"own": {"school": "own"}, "other": {"school": "other", "la": "other"}}
TARGETS["improvement_plan"] = {k: {"school": k, "la": k} for k in ("own", "other")}
# A classroom reflection is its teacher's; the school's coordinators reach it once shared.
# A published service reaches every school and LA ("*"); a draft only its provider (and the
# nation). A booking is its school's, its LA's and its service's provider's.
TARGETS["service"] = {
    "own_published": {"school": "*", "la": "*", "provider": "own"},
    "own_draft": {"provider": "own"},
    "other_published": {"school": "*", "la": "*", "provider": "other"},
}
TARGETS["booking"] = {k: {"school": k, "la": k, "provider": k} for k in ("own", "other")}
# issue 19: a pupil's marketplace place (the one each booking above holds), for consent.
TARGETS["marketplace_place"] = {k: {"self": f"pupil@{k}", "school": k} for k in ("own", "other")}
# Contracts are their provider's (and the nation's); a delivered session reaches the pupil who
# went, their group's teacher, their school's coordinators and the provider; a provider's
# profile every school and LA of the nation ("*") and its own provider.
TARGETS["contract"] = {k: {"provider": k} for k in ("own", "other")}
TARGETS["session"] = {
    k: {"self": f"pupil@{k}", "group": k, "school": k, "provider": k} for k in ("own", "other")
}
TARGETS["provider_profile"] = {
    k: {"provider": k, "school": "*", "la": "*"} for k in ("own", "other")
}
# A provider's request to redeem credits: its provider's (and the nation's).
TARGETS["redemption"] = {k: {"provider": k} for k in ("own", "other")}
TARGETS["classroom_evaluation"] = {
    "own_private": {"self": "teacher@own"},
    "own_shared": {"self": "teacher@own", "school": "own"},
    "other": {"self": "teacher@other"},
}
# E-credit accounts: the nation's, the LAs', schools' (and a school's credits held for
# bookings) and a provider's.
TARGETS["account"] = {
    "nation": {},
    "la_own": {"la": "own"},
    "school_own": {"school": "own", "la": "own"},
    "held_own": {"school": "own", "la": "own"},
    "school_other": {"school": "other", "la": "other"},
    "provider_own": {"provider": "own"},
}
# Training programmes (and their modules): the nation's reaches every LA ("*"), an LA's its own.
TARGETS["programme"] = {"nation": {"la": "*"}, "own": {"la": "own"}, "other": {"la": "other"}}
TARGETS["module"] = TARGETS["programme"]
# Writing is narrower: the nation's programmes by the nation, an LA's by that LA only (the
# nation's reach stops short of them: "la_only"). What an LA shares reaches every LA ("*").
TARGETS["authored_programme"] = {
    "nation": {},
    "own": {"la": "own", "la_only": True},
    "other": {"la": "other", "la_only": True},
}
TARGETS["authored_module"] = TARGETS["authored_programme"]
# The world's module media are uploads in drafts, never published: their authors' alone, so
# they sit where writing does (published media reach every learner, as modules do:
# training/tests/test_media_publication.py).
TARGETS["module_media"] = TARGETS["authored_programme"]
TARGETS["shared_module"] = {k: {"la": "*"} for k in ("own", "other")}
# Face-to-face sessions: the nation's (for LA leads), and each LA's (for its leading teachers),
# which the nation's reach does not take in ("nation": False): a national officer runs only the
# nation's sessions, and schedules only the nation's programmes.
TARGETS["training_session"] = {
    "nation": {},
    "own": {"la": "own", "nation": False},
    "other": {"la": "other", "nation": False},
}
TARGETS["scheduled_session"] = TARGETS["training_session"]
TARGETS["schedulable_programme"] = {
    "nation": {"la": "*"},
    "own": {"la": "own", "nation": False},
    "other": {"la": "other", "nation": False},
}
# issue 19: the provision map. A school's own opportunity reaches its school's staff and
# pupils, and the carer of a pupil there (the tiny world's carer is pupil@own's: "self" is
# the child a carer reaches it through). The map itself is its school's staff's alone.
TARGETS["opportunity"] = {
    "own": {"school": "own", "self": "pupil@own"},
    "other": {"school": "other"},
}
TARGETS["provision_map"] = {k: {"school": k} for k in ("own", "peer", "other")}
# A training credential: its learner's, and its programme's owner's.
TARGETS["badge_credential"] = {
    "nation": {"self": "leading_teacher@own"},
    "own": {"self": "leading_teacher@own", "la": "own", "nation": False},
    "other": {"self": "la_lead@other", "la": "other", "nation": False},
}

# issue 19: learners. A learner is a pupil record seen as its pupil: the pupil's own, their
# carer's child's, their group's teacher's and their school's coordinators'. An observation is
# its author's ("self"), and the teachers' of the pupil's group and the school's (staff only);
# "own" was written by the head, so its group's teacher sees it but may not withdraw it.
TARGETS["learner"] = {
    k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
    for k in ("own", "own2", "other")
}
TARGETS["observation"] = {
    "own": {"self": "head@own", "group": "own", "school": "own"},
    "own2": {"self": "teacher+lead@own", "group": "own2", "school": "own"},
    "other": {"self": "teacher@other", "group": "other", "school": "other"},
}

# issue 20: a pupil's badge reaches as the pupil does (and their carer: "self" is the child a
# carer reaches it through).
TARGETS["badge_award"] = {
    k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
    for k in ("own", "own2", "other")
}


def _observations(world):
    """An observation about each of pupil@own, pupil@own2 and pupil@other, made on first use."""
    if not hasattr(world, "observations"):
        from risingtide.learners.models import Observation

        world.observations = {
            key: Observation.objects.create(
                pupil=world.records[key],
                text="Route test",
                author=world.users[TARGETS["observation"][key]["self"]],
            )
            for key in TARGETS["observation"]
        }
    return world.observations


# issue 19: the menu of opportunities. An opportunity on the menu reaches its school's pupils;
# a pupil's opportunities page (a pupil record) and a participation reach the pupil, their
# carer, their group's teacher and their school's coordinators; a request (a participation as
# staff answer it) the teacher and the coordinators. The learning guide's reach (SELF) has
# no guide in the tiny world.
TARGETS["menu_opportunity"] = {k: {"school": k} for k in ("own", "other")}
TARGETS["opportunity_requests"] = TARGETS["school"]
TARGETS["pupil_opportunities"] = {
    k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
    for k in ("own", "own2", "other")
}
TARGETS["participation"] = TARGETS["pupil_opportunities"]
TARGETS["request"] = {k: {"group": k, "school": GROUP_SCHOOL[k]} for k in ("own", "own2", "other")}


def _menu(world):
    """An opportunity on the menu at "own" and at "other", and a request by the pupils of
    "own", "own2" and "other", made on first use."""
    if hasattr(world, "menu_opportunities"):
        return world
    from risingtide.opportunities.tests.menu_world import opportunity, requested

    world.menu_opportunities = {
        k: opportunity(world.schools[k], f"Route club {k}") for k in ("own", "other")
    }
    world.participations = {
        k: requested(world.records[k], world.menu_opportunities[GROUP_SCHOOL[k]])
        for k in ("own", "own2", "other")
    }
    return world


# issue 19: learning plans. A pupil's plan hangs on their record: the pupil's own, their carer's
# child's, their class teacher's and their school's (never an LA's). No learning guide is named
# in the tiny world, so a teacher reaches a plan through their group only.
TARGETS["learning_plan_of"] = {
    k: {"self": f"pupil@{k}", "group": k, "school": GROUP_SCHOOL[k]}
    for k in ("own", "own2", "other")
}
# issue 19: families. A carer's child is a pupil's account, reached only by their own carer
# ("self" is the pupil the carer is linked to); an invitation is its pupil's school's.
TARGETS["child"] = {
    "own": {"self": "pupil@own"},
    "2@own": {"self": "pupil2@own"},
    "other": {"self": "pupil@other"},
}
TARGETS["invitation"] = {k: {"school": k} for k in ("own", "other")}
# issue 20: two-factor sign-in. A member of staff (their leading teacher) is reached from their
# school, and from their school's LA.
TARGETS["staff_member"] = {k: {"school": k, "la": SCHOOL_LA[k]} for k in ("own", "other")}
# issue 21: privacy. A subject-access export is its asker's alone: head@own's about pupil@own and
# head@other's about pupil@other, both made and ready to download.
TARGETS["subject_access_export"] = {"own": {"self": "head@own"}, "other": {"self": "head@other"}}


def _subject_access_exports(world):
    """A made export by each of head@own and head@other, made on first use."""
    if hasattr(world, "subject_access_exports"):
        return world.subject_access_exports
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from risingtide.privacy.models import SubjectAccessExport

    world.subject_access_exports = {}
    for key in ("own", "other"):
        export = SubjectAccessExport(
            school=world.schools[key],
            pupil=world.records[key],
            subject_name="Route pupil",
            requested_by=world.users[f"head@{key}"],
            state=SubjectAccessExport.State.DONE,
            expires_at=timezone.now() + timedelta(days=1),
        )
        export.archive.save("route.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=True)
        world.subject_access_exports[key] = export
    return world.subject_access_exports


def _invitations(world):
    """An unused invitation for a carer of "own"'s and "other"'s first pupil, made on first use."""
    if hasattr(world, "invitations"):
        return world.invitations
    from datetime import timedelta

    from django.utils import timezone

    from risingtide.families import codes
    from risingtide.families.models import Invitation

    world.invitations = {
        key: Invitation.objects.create(
            pupil=world.records[key],
            code_digest=codes.digest(codes.new_code()),
            expires_at=timezone.now() + timedelta(days=14),
        )
        for key in ("own", "other")
    }
    return world.invitations


# issue 20: single sign-on. A school's connection is its coordinators' and heads'; an LA's
# (for every school in it) its LA leads'.
TARGETS["identity_provider"] = {
    "own": {"school": "own"},
    "la_own": {"la": "own"},
    "other": {"school": "other"},
}


def _identity_providers(world):
    """A connection of "own", of the LA "own" and of "other", made on first use. Their
    discovery URL is this machine's, refused at once if a route tries to read it."""
    if hasattr(world, "identity_providers"):
        return world.identity_providers
    from risingtide.sso.models import IdentityProvider

    owners = {
        "own": {"school": world.schools["own"]},
        "la_own": {"local_authority": world.las["own"]},
        "other": {"school": world.schools["other"]},
    }
    world.identity_providers = {
        key: IdentityProvider.objects.create(
            **owner,
            kind="oidc",
            name=f"Route {key}",
            slug=f"route-{key}",
            discovery_url="https://127.0.0.1/.well-known/openid-configuration",
            client_id="route",
            client_secret="route-secret",
            email_domains=["route.example"],
        )
        for key, owner in owners.items()
    }
    return world.identity_providers


def _account_pk(world, key: str) -> int:
    from risingtide.credits import services

    owner, _, place = key.partition("_")
    if owner == "held":
        return services.held_account(world.schools[place]).pk
    found = {"nation": lambda: world.nation, "la": lambda: world.las[place]}
    found["school"] = lambda: world.schools[place]
    found["provider"] = lambda: world.providers[place]
    return services.account_of(found[owner]()).pk


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
        if reach == Reach.LA and "la" in where and (where["la"] in las or where["la"] == "*"):
            return True
        if (
            reach == Reach.NATION
            and kind != "provider"
            and not where.get("la_only")
            and where.get("nation", True)
        ):
            return True  # the tiny world has one nation
        if reach == Reach.PROVIDER and kind == "provider" and where.get("provider") == place:
            return True
        # A carer reaches what is their child's own: the pupil, or what belongs to them.
        if reach == Reach.CHILD and kind == "child" and where.get("self") == place:
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


FILE_ROUTES = {
    "portfolios:item_file",
    "portfolios:item_thumbnail",
    "api-1:item_file",
    "api-1:item_thumbnail",
}


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
        "account": lambda: _account_pk(world, key),
        "service": lambda: _market(world).services[key].pk,
        "booking": lambda: _market(world).bookings[key].pk,
        "marketplace_place": lambda: _market(world).bookings[key].places.get().pk,
        "contract": lambda: _contracts(world).contracts[key].pk,
        "session": lambda: _contracts(world).sessions[key].pk,
        "provider_profile": lambda: world.providers[key].pk,
        "redemption": lambda: _redemption(world, key).pk,
        "school_opportunities": lambda: world.schools[key].pk,
        "programme": lambda: add_training(world).programmes[key].pk,
        "module": lambda: add_training(world).modules[key].pk,
        "authored_programme": lambda: add_training(world).programmes[key].pk,
        "authored_module": lambda: add_training(world).modules[key].pk,
        "module_media": lambda: add_authoring(world).module_media[key].pk,
        "shared_module": lambda: add_authoring(world).shared_modules[key].pk,
        "training_session": lambda: add_sessions(world).training_sessions[key].pk,
        "scheduled_session": lambda: add_sessions(world).training_sessions[key].pk,
        "schedulable_programme": lambda: add_training(world).programmes[key].pk,
        "badge_credential": lambda: add_credentials(world).credentials[key].pk,
        # issue 19: learners
        "learner": lambda: world.records[key].pk,
        "observation": lambda: _observations(world)[key].pk,
        # issue 19: entitlement
        "entitlement": lambda: world.schools[key].pk,
        # issue 19: the menu of opportunities
        "menu_opportunity": lambda: _menu(world).menu_opportunities[key].pk,
        "opportunity_requests": lambda: world.schools[key].pk,
        "pupil_opportunities": lambda: world.records[key].pk,
        "participation": lambda: _menu(world).participations[key].pk,
        "request": lambda: _menu(world).participations[key].pk,
        # issue 19: learning plans
        "learning_plan_of": lambda: world.records[key].pk,
        # issue 19: the provision map
        "opportunity": lambda: _opportunities(world)[key].pk,
        "provision_map": lambda: world.schools[key].pk,
        # issue 19: families
        "child": lambda: (
            world.users[{"own": "pupil@own", "2@own": "pupil2@own", "other": "pupil@other"}[key]].pk
        ),
        "invitation": lambda: _invitations(world)[key].pk,
        # issue 20: badges
        "badge_award": lambda: _badges(world).awards[key].pk,
        # issue 20: single sign-on
        "identity_provider": lambda: _identity_providers(world)[key].pk,
        # issue 20: two-factor sign-in
        "staff_member": lambda: world.users[f"leading_teacher@{key}"].pk,
        # issue 20: rostering
        "roster_import": lambda: _roster_imports(world)[key].pk,
        # issue 21: privacy
        "subject_access_export": lambda: _subject_access_exports(world)[key].pk,
    }[subject]()


def _badges(world):
    """issue 20: badges. "Completed a TASC project" awarded to pupil@own, pupil@own2 and
    pupil@other, made on first use (badges/tests/world.py)."""
    from risingtide.badges.tests.world import add_badges

    return add_badges(world)


def _roster_imports(world):
    """issue 20: a checked roster import of "own", of "other" and of the LA "own"; made on
    first use."""
    if not hasattr(world, "roster_imports"):
        from risingtide.rostering.models import RosterImport

        world.roster_imports = {
            key: RosterImport.objects.create(
                state=RosterImport.State.PREVIEW,
                file_name="route.zip",
                sha256="0" * 64,
                **owner,
            )
            for key, owner in (
                ("own", {"school": world.schools["own"]}),
                ("other", {"school": world.schools["other"]}),
                ("la_own", {"local_authority": world.las["own"]}),
            )
        }
    return world.roster_imports


def _opportunities(world):
    """issue 19: the provision map. An opportunity at "own" and one at "other", made on
    first use."""
    if not hasattr(world, "map_opportunities"):
        from risingtide.opportunities.models import Opportunity

        world.map_opportunities = {
            key: Opportunity.objects.create(
                school=world.schools[key],
                title=f"Route test {key}",
                kind="club",
                wave=2,
                domain="gifted",
                year_from=7,
                year_to=9,
                academic_year=2026,
                term="autumn",
            )
            for key in ("own", "other")
        }
    return world.map_opportunities


def _contracts(world):
    """A contract with each provider, and at each of "own" and "other" a delivered session of
    its provider's service that the school's first pupil attended; made on first use."""
    if hasattr(world, "contracts"):
        return world
    from datetime import date

    from risingtide.provision import bookings
    from risingtide.provision.models import Contract, Session

    _market(world)
    world.contracts, world.sessions = {}, {}
    for key in ("own", "other"):
        world.contracts[key] = Contract.objects.create(
            provider=world.providers[key],
            reference=f"ROUTE-{key}",
            title="Route test",
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            value=1000,
            created_by=world.users["national_officer@nation"],
        )
        booked = world.bookings[key].session
        session = world.sessions[key] = Session.objects.create(
            service=booked.service, starts_at=booked.starts_at, ends_at=booked.ends_at, capacity=5
        )
        booking = bookings.book(
            world.users[f"{'leading_teacher' if key == 'own' else 'head'}@{key}"],
            session,
            world.schools[key],
            pupil_ids=[world.records[key].pk],
            key=f"route-delivered-{key}",
        )
        bookings.deliver(
            world.users[f"provider_staff@{key}"],
            booking,
            set(booking.places.values_list("pk", flat=True)),
            now=session.starts_at,
        )
    return world


def _redemption(world, key: str):
    """A request to redeem 10 of 50 credits earned by provider ``key``, made on first use."""
    from risingtide.credits import ledger, redemptions, services
    from risingtide.credits.models import Redemption, Transaction

    provider = world.providers[key]
    if found := Redemption.objects.filter(provider=provider).first():
        return found
    account = services.account_of(provider)
    ledger.transfer(Transaction.Kind.FUNDING, services.outside(), account, 50)
    return redemptions.request(world.users[f"provider_staff@{key}"], provider, 10, key="route")


def _market(world):
    """The marketplace's objects, made on first use: services of both providers (one a
    draft) and a booking at "own" and at "other", each of its own provider's service."""
    if hasattr(world, "services"):
        return world
    from datetime import timedelta

    from django.utils import timezone

    from risingtide.credits import services as credits
    from risingtide.provision import bookings
    from risingtide.provision.models import Service, Session
    from risingtide.register.models import RegisterEntry, academic_year

    national = world.users["national_officer@nation"]
    credits.fund(national, world.nation, 1_000)
    world.services, world.bookings = {}, {}
    for key, status in (
        ("own_published", Service.Status.PUBLISHED),
        ("own_draft", Service.Status.DRAFT),
        ("other_published", Service.Status.PUBLISHED),
    ):
        world.services[key] = Service.objects.create(
            provider=world.providers[key.split("_")[0]],
            title=f"Route test {key}",
            kind=Service.Kind.MASTERCLASS,
            audience=Service.Audience.PUPILS,
            format=Service.Format.ONLINE,
            price=10,
            status=status,
        )
    start = timezone.now() + timedelta(days=30)
    for key in ("own", "other"):
        school, record = world.schools[key], world.records[key]
        credits.allocate(national, world.nation, world.las[key], 100, None)
        credits.allocate(world.users[f"la_lead@{key}"], world.las[key], school, 100, None)
        RegisterEntry.objects.filter(pupil=record, current=True).update(current=False)
        RegisterEntry.objects.create(
            pupil=record,
            school=school,
            academic_year=academic_year(),
            status=RegisterEntry.Status.IDENTIFIED,
            current=True,
        )
        session = Session.objects.create(
            service=world.services[f"{key}_published"],
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=5,
        )
        world.bookings[key] = bookings.book(
            world.users[f"{'leading_teacher' if key == 'own' else 'head'}@{key}"],
            session,
            school,
            pupil_ids=[record.pk],
            key=f"route-{key}",
        )
    return world


def _extra_kwargs(route, number) -> dict:
    """Values for a route's other URL parts: ids of things that need not exist (the guard
    decides before the view looks), and a real stage name."""
    kwargs = {name: number for name in re.findall(r"<int:(\w+_id)>", route.path)}
    if "<slug:stage>" in route.path:
        kwargs["stage"] = "gather"
    return kwargs


GUARDED = [r for r in catalogue() if r.rule is not None and not r.name.startswith("admin:")]


# issue 19: the provision map: an opportunity as the API takes it.
MAP_OPPORTUNITY = {
    "title": "Route test",
    "kind": "club",
    "wave": 2,
    "components": ["beyond"],
    "domain": "gifted",
    "year_from": 7,
    "year_to": 9,
    "academic_year": 2026,
    "term": "autumn",
}


# A well-formed body for each API operation that takes one, by method and path (one path may
# carry several operations): the guard runs after parsing. A callable is a multipart form,
# made afresh for each call because a file is read once.
API_BODIES = {
    # issue 20: badges
    "POST /api/v1/badges/pupils/<pupil_id>/awards": {"badge_class": 1},
    "POST /api/v1/badges/awards/<award_id>/revoke": {"reason": "Awarded by mistake."},
    # issue 19: entitlement
    "PUT /api/v1/schools/<school_id>/entitlement": {
        "per_term": 2,
        "components": 2,
        "beyond_classroom": True,
    },
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
    # No Idempotency-Key header: refused with 400, past the guard.
    "POST /api/v1/credits/nations/<nation_id>/allocations": {"to": 1, "amount": 5},
    "POST /api/v1/credits/las/<la_id>/allocations": {"to": 1, "amount": 5},
    # No such session (404, past the guard), then no Idempotency-Key header (400).
    "POST /api/v1/provision/schools/<school_id>/sessions/<int:session_id>/bookings": {
        "pupils": [1]
    },
    "POST /api/v1/provision/bookings/<booking_id>/cancel": None,
    "POST /api/v1/training/sessions/<session_id>/sign-up": None,
    "POST /api/v1/training/sessions/<session_id>/cancel-place": None,
    # Not a sign-up of this session: refused with 400, past the guard.
    "PUT /api/v1/training/sessions/<session_id>/register": {"sign_up": 999999},
    # issue 19: learners (profiles are off in the tiny world: a write is refused, past the guard)
    "PUT /api/v1/pupils/<record_id>/profile": {"interests": "Route test"},
    "POST /api/v1/pupils/<record_id>/observations": {"text": "Route test"},
    "POST /api/v1/observations/<observation_id>/withdraw": None,
    "PUT /api/v1/pupils/<record_id>/guide": {"guide": None},
    "PUT /api/v1/schools/<school_id>/personalisation": {
        "profiles_on": False,
        "suggestions_on": False,
    },
    # issue 19: a marketplace place's consent (it needs none here: refused, 400)
    "POST /api/v1/places/<place_id>/consent": {"choice": "yes"},
    # issue 19: the menu of opportunities (a second ask, answer or consent is refused: 400)
    "POST /api/v1/me/opportunities/<opportunity_id>/requests": {"reason": "Route test"},
    "POST /api/v1/me/participations/<participation_id>/answer": {"choice": "withdraw"},
    "POST /api/v1/requests/<participation_id>/decision": {"decision": "not_now", "note": "No"},
    "POST /api/v1/pupils/<record_id>/offers": {"opportunity": 999999},
    "POST /api/v1/participations/<participation_id>/consent": {"choice": "yes"},
    # issue 19: learning plans. No such target: refused with 400, past the guard.
    "POST /api/v1/pupils/<record_id>/plan/targets": {"text": "Route test"},
    "PATCH /api/v1/pupils/<record_id>/plan/targets": {"target": 999999, "state": "achieved"},
    "POST /api/v1/pupils/<record_id>/plan/evidence": {"target": 999999, "kind": "item", "id": 1},
    "POST /api/v1/pupils/<record_id>/plan/reviews": {"reviewed_on": "2026-01-05", "summary": "s"},
    "POST /api/v1/pupils/<record_id>/plan/messages": {"text": "Route test"},
    # issue 19: the provision map (a well-formed opportunity; the service decides the rest).
    "POST /api/v1/provision-map/schools/<school_id>/opportunities": MAP_OPPORTUNITY,
    "PUT /api/v1/provision-map/opportunities/<opportunity_id>": MAP_OPPORTUNITY,
    "POST /api/v1/provision-map/opportunities/<opportunity_id>/withdraw": None,
    # issue 19: families (a new invitation's code, once; a second cancel is refused: 400)
    "POST /api/v1/families/pupils/<record_id>/invitations": {"relationship": ""},
    "POST /api/v1/families/invitations/<invitation_id>/cancel": None,
    # issue 20: rostering (not a zip: refused with 400, past the guard; a second confirm or
    # cancel is refused too)
    "POST /api/v1/schools/<school_id>/roster/imports": lambda: {
        "file": SimpleUploadedFile("roster.zip", b"not a zip")
    },
    "POST /api/v1/las/<la_id>/roster/imports": lambda: {
        "file": SimpleUploadedFile("roster.zip", b"not a zip")
    },
    "POST /api/v1/roster/imports/<import_id>/confirm": None,
    "POST /api/v1/roster/imports/<import_id>/cancel": None,
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
    if "service_id" in static_kwargs:  # a real published service, so the view answers too
        static_kwargs["service_id"] = _market(world).services["own_published"].pk
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
            past_the_guard_404 |= {"session_id"}
            past_the_guard_404 |= {"platform_id"}  # issue 20: lti (no such registration)
            if (
                past_the_guard_404 & set(static_kwargs)
                or route.name == "portfolios:presentation_picture"
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
        assert response["Location"].startswith(reverse("people:login"))


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
