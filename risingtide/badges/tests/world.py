"""Badges in the tiny world: ``world.awards`` by key, "Completed a TASC project" awarded to
pupil@own (by teacher@own, for the "own" project), pupil@own2 (by teacher+lead@own) and
pupil@other (by teacher@other); made on first use. ``allow_downloads`` turns the school's
downloads on."""

from risingtide.badges import services
from risingtide.badges.models import SchoolBadgeSettings

GIVERS = {"own": "teacher@own", "own2": "teacher+lead@own", "other": "teacher@other"}


def add_badges(world):
    if hasattr(world, "awards"):
        return world
    world.awards = {}
    for key, giver in GIVERS.items():
        school = world.schools["other" if key == "other" else "own"]
        badge = services.school_badges(school).get(key="completed-project")
        project = world.projects["own"] if key == "own" else None
        world.awards[key] = services.award(
            world.users[giver], world.users[f"pupil@{key}"], badge, project
        )
    return world


def allow_downloads(school, names: str = SchoolBadgeSettings.Names.INITIAL) -> None:
    SchoolBadgeSettings.objects.update_or_create(
        school=school, defaults={"allow_download": True, "name_in_credential": names}
    )
