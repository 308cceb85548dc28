"""Authoring's objects in the tiny world, for the route matrix: a picture in each module of
``add_training`` and the "own" and "other" LAs' modules shared (made on first use)."""

from risingtide.lib.testing import png_file
from risingtide.training import sharing
from risingtide.training.tests.world import add_training


def add_authoring(world):
    """``world.module_media`` by module key, ``world.shared_modules`` by LA key."""
    if hasattr(world, "module_media"):
        return world
    add_training(world)
    authors = {
        "nation": "national_officer@nation",
        "own": "la_lead@own",
        "other": "la_lead@other",
    }
    world.module_media = {
        key: sharing.add_media(world.users[authors[key]], module, png_file())
        for key, module in world.modules.items()
    }
    world.shared_modules = {
        key: sharing.share(world.users[authors[key]], world.modules[key])
        for key in ("own", "other")
    }
    return world
