"""The pupil record page shows the provision around the pupil (register.events.record_parts):
their opportunities, their plan's targets and their profile, to the staff who may open those;
never to an LA lead, who reaches the record only through a data-sharing agreement."""

from django.urls import reverse

from risingtide.learners.models import LearnerProfile
from risingtide.learning_plans import services
from risingtide.lib.testing import without_tokens
from risingtide.opportunities import places
from risingtide.opportunities.tests.menu_world import opportunity, requested


def _fill(world):
    record = world.records["own"]
    lead = world.user("leading_teacher@own")
    club = opportunity(world.schools["own"], "Debate club")
    places.grant(lead, requested(record, club))
    plan = services.plan_for(lead, record)
    services.add_target(lead, plan, "Speak first in a debate")
    LearnerProfile.objects.create(pupil=record, interests="Arguing about space")
    return record


def test_the_coordinator_sees_the_pupils_provision_on_their_record(world, client_for):
    record = _fill(world)
    page = client_for(world.user("leading_teacher@own")).get(
        reverse("register:register_pupil", args=[record.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Debate club: Has a place" in text
    assert "Speak first in a debate" in text
    assert "Arguing about space" in text
    assert reverse("opportunities:pupil_opportunities", args=[record.pk]) in text
    assert reverse("learning_plans:plan", args=[record.pk]) in text
    assert "Parents and carers" in text and "Cara Own" in text  # carer@own, pupil@own's carer
    assert reverse("families:carers", args=[record.pk]) in text


def test_an_la_lead_reading_the_record_sees_none_of_it(world, client_for):
    record = _fill(world)
    page = client_for(world.user("la_lead@own")).get(
        reverse("register:register_pupil", args=[record.pk])
    )
    assert page.status_code == 200  # own's data-sharing agreement lets the LA read the record
    text = without_tokens(page.content.decode())
    for private in ("Debate club", "Speak first", "Arguing about space", "Learning plan", "Cara"):
        assert private not in text


def test_what_a_carer_reads_on_other_apps_pages_is_kept_for_the_pupil(world, client_for):
    """The profile, plan and opportunities pages (and their API twins) tell families what a
    carer saw there (people.events.carer_saw); staff reading the same pages leave nothing."""
    from risingtide.families.models import Shown

    record = _fill(world)
    carer = client_for(world.user("carer@own"))
    for url in (
        reverse("learners:profile", args=[record.pk]),
        reverse("learning_plans:plan", args=[record.pk]),
        reverse("opportunities:pupil_opportunities", args=[record.pk]),
        f"/api/v1/pupils/{record.pk}/plan",
    ):
        assert carer.get(url).status_code == 200, url
    shown = Shown.objects.filter(carer=world.users["carer@own"], child=world.users["pupil@own"])
    assert sorted(shown.values_list("what", flat=True)) == [
        "opportunities",
        "plan",
        "plan",
        "profile",
    ]
    # The history keeps words the pupil took back out: never a carer's.
    assert carer.get(reverse("learners:history", args=[record.pk])).status_code == 403
    client_for(world.user("leading_teacher@own")).get(reverse("learners:profile", args=[record.pk]))
    assert shown.count() == 4
