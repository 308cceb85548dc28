"""The learners pages through the test client: who reaches whose profile (404 for anyone
else's), a refused answer comes back on its field with the words kept, the save is confirmed
with the focus on the confirmation, observations appear for the pupil and vanish when
withdrawn, guides and switches for the coordinator only, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.learners import services
from risingtide.learners.models import LearningGuide, Observation, ProfileChange
from risingtide.learners.tests.helpers import ANSWERS, identify, profiles_on

pytestmark = pytest.mark.django_db


def _profile_url(world, key="own"):
    return reverse("learners:profile", args=[world.records[key].pk])


# --- the pupil's own page ---------------------------------------------------------------------


def test_switched_off_by_default_the_pupils_page_explains_and_offers_nothing_to_write(
    world, client_for
):
    page = client_for(world.user("pupil@own")).get(reverse("learners:my_profile"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your profile is not turned on yet" in text
    assert "<textarea" not in text and "Save my profile" not in text
    refused = client_for(world.user("pupil@own")).post(reverse("learners:my_profile"), ANSWERS)
    assert refused.status_code == 400 and not ProfileChange.objects.exists()
    assert "Your words were not saved" in refused.content.decode()
    assert "Time to think before I answer." in refused.content.decode()  # never lost


def test_a_pupil_fills_in_their_profile_and_the_save_is_confirmed(world, client_for):
    profiles_on(world)
    client = client_for(world.user("pupil@own"))
    page = client.get(reverse("learners:my_profile")).content.decode()
    assert "What are you interested in?" in page  # Year 7: the secondary wording
    assert "maxlength" not in page  # a browser must never cut what a pupil pasted
    saved = client.post(reverse("learners:my_profile"), ANSWERS, follow=True)
    text = saved.content.decode()
    assert "Saved! Your profile is up to date." in text
    assert 'id="saved" data-focus' in text  # the focus lands on the confirmation
    assert "Volcanoes and chess." in text
    assert ProfileChange.objects.filter(changed_by=world.users["pupil@own"]).count() == 5
    # Shown again later, the page is not "just saved" any more.
    assert "data-focus" not in client.get(reverse("learners:my_profile")).content.decode()


def test_an_over_limit_answer_names_the_field_keeps_the_words_and_saves_nothing(world, client_for):
    profiles_on(world)
    client = client_for(world.user("pupil@own"))
    long = "My strengths are many." * 50  # 1,100 characters
    answer = client.post(reverse("learners:my_profile"), {**ANSWERS, "strengths": long})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert 'id="answer-strengths_error">“What are you good at?” is too long: 1,100 characters' in (
        text.replace("&ldquo;", "“").replace("&rdquo;", "”")
    )
    assert 'aria-invalid="true"' in text
    assert 'aria-describedby="answer-strengths_helptext answer-strengths_error"' in text
    assert long.strip() in text  # the pupil's words are still in the box
    assert "Volcanoes and chess." in text  # and so are the other answers
    assert not ProfileChange.objects.exists()


def test_a_pupil_without_a_linked_record_is_told_so(world, client_for):
    world.records["own"].account = None
    world.records["own"].save()
    page = client_for(world.user("pupil@own")).get(reverse("learners:my_profile"))
    assert "has not joined your sign-in to your school record" in page.content.decode()


@pytest.mark.parametrize(
    "year, question",
    [
        ("1", "What do you like?"),
        ("5", "What would you like to do one day?"),
        ("12", "What are your plans after sixth form?"),
    ],
)
def test_the_questions_suit_the_pupils_age(world, client_for, year, question):
    profiles_on(world)
    world.records["own"].nc_year = year
    world.records["own"].save()
    page = client_for(world.user("pupil@own")).get(reverse("learners:my_profile"))
    assert question in page.content.decode()


# --- who reaches a profile --------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("pupil2@own", 404),
        ("pupil@own2", 404),
        ("pupil@other", 404),
        ("carer@own", 200),
        ("teacher@own", 200),
        ("teacher@other", 404),
        ("leading_teacher@own", 200),
        ("head@own", 200),
        ("la_lead@own", 404),
        ("national_officer@nation", 404),
        ("nobody@nowhere", 404),
    ],
)
def test_who_reaches_pupil_at_owns_profile(world, client_for, who, status):
    client = client_for(world.user(who))
    assert client.get(_profile_url(world)).status_code == status
    history = client.get(reverse("learners:history", args=[world.records["own"].pk]))
    # The history keeps words the pupil took back out of their profile: never a carer's.
    assert history.status_code == (403 if who == "carer@own" else status)


def test_a_carer_sees_their_own_child_only(world, client_for):
    profiles_on(world)
    services.save_profile(world.user("pupil@own"), world.records["own"], ANSWERS)
    carer = client_for(world.user("carer@own"))
    page = carer.get(_profile_url(world)).content.decode()
    assert "Volcanoes and chess." in page
    assert "Add the observation" not in page
    assert carer.get(_profile_url(world, "2@own")).status_code == 404
    assert (
        carer.post(
            reverse("learners:observe", args=[world.records["own"].pk]), {"text": "Hi"}
        ).status_code
        == 403
    )


def test_the_pupil_opening_their_record_page_goes_to_their_own_page(world, client_for):
    answer = client_for(world.user("pupil@own")).get(_profile_url(world))
    assert answer.status_code == 302 and answer["Location"] == reverse("learners:my_profile")


def test_staff_reading_a_profile_is_audited(world, client_for):
    from risingtide.audit.models import AuditEvent

    client_for(world.user("teacher@own")).get(_profile_url(world))
    event = AuditEvent.objects.get(action="learners.profile_viewed")
    assert event.actor == world.users["teacher@own"] and event.detail["why"]


# --- observations -----------------------------------------------------------------------------


def test_a_teacher_adds_an_observation_and_the_pupil_reads_it(world, client_for):
    profiles_on(world)
    teacher = client_for(world.user("teacher@own"))
    done = teacher.post(
        reverse("learners:observe", args=[world.records["own"].pk]),
        {"text": "Asked a brilliant question about prime numbers."},
    )
    made = Observation.objects.get()
    assert done["Location"].endswith(f"#observation-{made.pk}")
    shown = teacher.get(done["Location"]).content.decode()
    assert "Your observation is added. Ada can read it now." in shown
    mine = client_for(world.user("pupil@own")).get(reverse("learners:my_profile")).content.decode()
    assert "What my teachers have noticed" in mine
    assert "Asked a brilliant question about prime numbers." in mine
    assert "Teach Own" in mine


def test_an_empty_observation_is_refused_on_its_field(world, client_for):
    profiles_on(world)
    answer = client_for(world.user("teacher@own")).post(
        reverse("learners:observe", args=[world.records["own"].pk]), {"text": "  "}
    )
    assert answer.status_code == 400
    assert 'id="observe-text_error">Write what you noticed.' in answer.content.decode()
    assert not Observation.objects.exists()


def test_a_withdrawn_observation_is_hidden_from_the_pupil_and_kept_for_staff(world, client_for):
    profiles_on(world)
    made = services.add_observation(
        world.user("teacher@own"), world.records["own"], "Shouted out the answer."
    )
    lead = client_for(world.user("leading_teacher@own"))
    done = lead.post(reverse("learners:withdraw_observation", args=[made.pk]), follow=True)
    assert "The observation is withdrawn" in done.content.decode()
    mine = client_for(world.user("pupil@own")).get(reverse("learners:my_profile")).content.decode()
    assert "Shouted out the answer." not in mine
    carer = client_for(world.user("carer@own")).get(_profile_url(world)).content.decode()
    assert "Shouted out the answer." not in carer
    history = lead.get(reverse("learners:history", args=[world.records["own"].pk]))
    assert "Shouted out the answer." in history.content.decode()
    assert "No: withdrawn" in history.content.decode()
    # Another teacher of the school, not the author, may see it but not withdraw it.
    other = client_for(world.user("teacher+lead@own"))
    assert other.post(reverse("learners:withdraw_observation", args=[made.pk])).status_code == 302


def test_a_teacher_cannot_withdraw_anothers_observation(world, client_for):
    profiles_on(world)
    made = services.add_observation(world.user("head@own"), world.records["own"], "Kind.")
    teacher = client_for(world.user("teacher@own"))
    assert teacher.post(reverse("learners:withdraw_observation", args=[made.pk])).status_code == 403
    assert Observation.objects.get().withdrawn_at is None


def test_history_records_who_changed_what(world, client_for):
    profiles_on(world)
    pupil = world.user("pupil@own")
    services.save_profile(pupil, world.records["own"], {"interests": "Volcanoes."})
    services.save_profile(pupil, world.records["own"], {"interests": "Volcanoes and rivers."})
    page = client_for(world.user("teacher@own")).get(
        reverse("learners:history", args=[world.records["own"].pk])
    )
    text = page.content.decode()
    assert text.count("<td>Ada Own</td>") == 2
    assert "What I am interested in" in text
    assert text.index("Volcanoes and rivers.") < text.index("(empty)")  # newest first


# --- guides and switches ----------------------------------------------------------------------


def test_the_coordinator_assigns_a_guide_from_the_schools_page(world, client_for):
    identify(world, "own")
    identify(world, "2@own")
    lead = client_for(world.user("leading_teacher@own"))
    url = reverse("learners:guides", args=[world.schools["own"].pk])
    page = lead.get(url).content.decode()
    assert "Ada Own" in page and "Ben Own" in page and "Pupil Eight" not in page  # register only
    teacher = world.users["teacher@own"]
    done = lead.post(url, {"pupil": world.records["own"].pk, "guide": teacher.pk})
    assert done["Location"].endswith(f"#guide-{world.records['own'].pk}")
    assert LearningGuide.objects.get().guide == teacher
    shown = lead.get(done["Location"]).content.decode()
    assert "Teach Own is now Ada Own&#x27;s learning guide." in shown
    refused = lead.post(
        url,
        {"pupil": world.records["own"].pk, "guide": world.users["teacher@other"].pk},
        follow=True,
    )
    assert "Choose a member of staff at this school." in refused.content.decode()
    elsewhere = lead.post(
        url, {"pupil": world.records["other"].pk, "guide": teacher.pk}, follow=True
    )
    assert "That pupil is not on this school&#x27;s register." in elsewhere.content.decode()
    assert LearningGuide.objects.get().guide == teacher


@pytest.mark.parametrize(
    "who, status",
    [
        ("leading_teacher@own", 200),
        ("head@own", 200),
        ("teacher@own", 403),
        ("la_lead@own", 403),
        ("leading_teacher@other", 404),
        ("pupil@own", 404),
        ("carer@own", 404),
    ],
)
def test_who_reaches_the_guides_and_switches_pages(world, client_for, who, status):
    client = client_for(world.user(who))
    for name in ("learners:guides", "learners:personalisation"):
        assert client.get(reverse(name, args=[world.schools["own"].pk])).status_code == status


def test_the_coordinator_turns_profiles_on_and_the_pupil_can_write(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    url = reverse("learners:personalisation", args=[world.schools["own"].pk])
    page = lead.get(url).content.decode()
    assert 'name="profiles_on"' in page and "checked" not in page  # off by default
    done = lead.post(url, {"profiles_on": "on"}, follow=True)
    assert "learner profiles are on and suggestions are off at Own School" in done.content.decode()
    mine = client_for(world.user("pupil@own")).get(reverse("learners:my_profile"))
    assert "Save my profile" in mine.content.decode()


def test_what_we_use_says_what_and_whether_the_school_has_it_on(world, client_for):
    profiles_on(world, suggestions=False)
    for who in ("pupil@own", "carer@own"):
        page = client_for(world.user(who)).get(reverse("learners:what_we_use")).content.decode()
        assert "The words in your profile." in page
        assert "next steps your teachers gave you" in page
        assert "Nothing automatic ever takes an opportunity away from you." in page
        row = page.split('<th scope="row">Own School</th>')[1].split("</tr>")[0]
        assert row == "<td>On</td><td>Off</td>"
    la = client_for(world.user("la_lead@own")).get(reverse("learners:what_we_use"))
    assert la.status_code == 403


# --- query counts -----------------------------------------------------------------------------


def _count(client, url) -> int:
    """The page's queries once the site's own caches (the bar, a person's anchors) are warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_profile_pages_make_a_constant_number_of_queries(world, client_for):
    profiles_on(world)
    pupil, record = world.user("pupil@own"), world.records["own"]
    services.save_profile(pupil, record, ANSWERS)
    services.add_observation(world.user("teacher@own"), record, "One.")
    teacher, mine = client_for(world.user("teacher@own")), client_for(pupil)
    urls = [
        (teacher, _profile_url(world)),
        (teacher, reverse("learners:history", args=[record.pk])),
        (mine, reverse("learners:my_profile")),
    ]
    before = [_count(client, url) for client, url in urls]
    for n in range(8):
        made = services.add_observation(world.user("head@own"), record, f"More {n}.")
        services.withdraw_observation(world.user("head@own"), made)
        services.save_profile(pupil, record, {"interests": f"Interest {n}"})
    after = [_count(client, url) for client, url in urls]
    assert after == before
    assert max(after) <= 14


def test_the_guides_page_makes_a_constant_number_of_queries(world, client_for):
    lead = client_for(world.user("leading_teacher@own"))
    url = reverse("learners:guides", args=[world.schools["own"].pk])
    identify(world, "own")
    before = _count(lead, url)
    identify(world, "2@own")
    identify(world, "own2")
    services.assign_guide(
        world.user("leading_teacher@own"), world.records["own2"], world.user("head@own")
    )
    assert _count(lead, url) == before
