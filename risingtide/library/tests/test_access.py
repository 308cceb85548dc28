"""Who finds what in the library: shared with a school, an LA or everyone; withdrawn."""

import pytest

from risingtide.access.core import can, visible
from risingtide.library import services
from risingtide.library.models import Resource

pytestmark = pytest.mark.django_db


def _seen(world, user_key: str) -> set[str]:
    """The tiny world's resources (not the starter set) that this person can see."""
    keys = {r.pk: k for k, r in world.resources.items()}
    return {
        keys[pk]
        for pk in visible(world.user(user_key), "resource").values_list("pk", flat=True)
        if pk in keys
    }


def test_each_audience_reaches_as_far_as_it_says(world):
    # own's staff: everything from own (withdrawn too), and what other shared with everyone.
    assert _seen(world, "teacher@own") == {
        "own_school",
        "own_la",
        "own_withdrawn",
        "other_everyone",
    }
    # peer is another school in own's LA: the LA's and everyone's, not own's school-only.
    assert _seen(world, "leading_teacher@peer") == {"own_la", "other_everyone"}
    # other is in another LA: only what is shared with everyone.
    assert _seen(world, "teacher@other") == {"other_everyone"}
    assert _seen(world, "head@other") == {"other_everyone"}
    # a cluster's leading teacher reaches both its schools.
    assert _seen(world, "leading_teacher@cluster") == {
        "own_school",
        "own_la",
        "own_withdrawn",
        "other_everyone",
    }


def test_pupils_and_people_outside_schools_see_no_library(world):
    for key in ("pupil@own", "provider_staff@own"):
        assert _seen(world, key) == set(), key
        assert not can(world.user(key), "library.browse"), key
    assert can(world.user("teacher@own"), "library.browse")


def test_la_leads_and_national_officers_look_but_publish_nothing(world):
    # An LA lead finds what is shared with their LA or everyone (never a school's own, nor
    # anything withdrawn); a national officer what is shared with everyone.
    assert _seen(world, "la_lead@own") == {"own_la", "other_everyone"}
    assert _seen(world, "la_lead@other") == {"other_everyone"}
    assert _seen(world, "national_officer@nation") == {"other_everyone"}
    for key in ("la_lead@own", "national_officer@nation"):
        assert can(world.user(key), "library.browse"), key
        assert not can(world.user(key), "resource.publish"), key
        assert not can(world.user(key), "resource.copy", world.resources["own_la"]), key


def test_the_starter_set_is_everyones(world):
    starters = Resource.objects.exclude(starter_key="")
    assert starters.count() >= 6
    for key in ("teacher@own", "teacher@other", "head@own"):
        assert visible(world.user(key), "resource").filter(starter_key__gt="").count() == (
            starters.count()
        )


def test_only_the_author_changes_or_withdraws(world):
    resource = world.resources["own_la"]
    assert can(world.user("teacher@own"), "resource.edit", resource)
    assert can(world.user("teacher@own"), "resource.withdraw", resource)
    for key in ("head@own", "leading_teacher@own", "leading_teacher@peer", "teacher@other"):
        assert not can(world.user(key), "resource.edit", resource), key
        assert not can(world.user(key), "resource.withdraw", resource), key
    # A site administrator may take anything down (never edit it).
    assert can(world.user("site_admin@site"), "resource.withdraw", resource)
    assert not can(world.user("site_admin@site"), "resource.edit", resource)


def test_withdrawing_narrows_to_the_authors_school(world):
    resource = world.resources["own_la"]
    services.withdraw(world.user("teacher@own"), resource)
    assert _seen(world, "leading_teacher@peer") == {"other_everyone"}
    assert "own_la" in _seen(world, "head@own")
