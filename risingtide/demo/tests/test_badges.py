"""The demo's badges, on the tiny world: Maya's two, and the school allows downloads."""

import pytest

from risingtide.badges.models import Award, SchoolBadgeSettings
from risingtide.demo import badges as demo


@pytest.mark.django_db
def test_the_demo_awards_a_few_badges(world):
    school = world.schools["own"]
    given = demo.load(school, world.users["teacher@own"], world.users["pupil@own"])
    maya = Award.objects.filter(pupil=world.users["pupil@own"])
    assert sorted(maya.values_list("badge_class__key", flat=True)) == [
        "great-gatherer",
        "ideas-generator",
    ]
    assert len(given) >= 2 and all(a.project == world.projects["own"] for a in given)
    assert SchoolBadgeSettings.objects.get(school=school).allow_download
