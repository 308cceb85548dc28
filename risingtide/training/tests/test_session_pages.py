"""The session pages through the test client: the schedule form's errors field by field, the
scheduler's list and session page, a learner signing up (and the waiting list) on their
programme page with the .ics download, and the register saved row by row. Constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from risingtide.training import sessions
from risingtide.training.models import Session, SignUp
from risingtide.training.tests.session_world import past_session, session
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db
LEARNERS = ["leading_teacher@own", "leading_teacher@peer", "leading_teacher@cluster"]


@pytest.fixture
def w(world):
    return add_training(world)


def _as(client, w, key):
    client.force_login(w.users[key])
    return client


def test_the_schedule_form_says_what_is_wrong_with_each_field(w, client):
    c = _as(client, w, "la_lead@own")
    url = reverse("training:schedule", args=[w.programmes["nation"].pk])
    assert c.get(url).status_code == 200
    yesterday = timezone.localdate() - timedelta(days=1)
    response = c.post(
        url,
        {
            "half_day": "1",
            "venue": "Hall",
            "address": "1 Road",
            "day": yesterday.isoformat(),
            "starts": "13:00",
            "ends": "16:00",
            "capacity": "10",
        },
    )
    assert response.status_code == 400
    assert "That date is in the past" in response.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = c.post(
        url,
        {
            "half_day": "1",
            "venue": "",
            "address": "",
            "day": tomorrow,
            "starts": "13:00",
            "ends": "12:00",
            "capacity": "0",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The session must end after it starts." in page
    assert "A session needs at least one place." in page
    assert "Say where the session is" in page and "Give the venue&#x27;s address" in page
    assert 'href="#id_ends"' in page  # the summary links to the field
    assert not Session.objects.exists()
    response = c.post(
        url,
        {
            "half_day": "2",
            "venue": "Riverton Teachers' Centre",
            "address": "1 Road",
            "day": tomorrow,
            "starts": "13:00",
            "ends": "16:30",
            "capacity": "12",
        },
    )
    made = Session.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("training:session", args=[made.pk]) + "#session-heading"
    )
    assert made.local_authority == w.las["own"] and made.half_day == 2 and made.capacity == 12
    assert timezone.localtime(made.starts_at).hour == 13


def test_the_national_officer_schedules_the_nations_sessions(w, client):
    c = _as(client, w, "national_officer@nation")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    c.post(
        reverse("training:schedule", args=[w.programmes["nation"].pk]),
        {
            "half_day": "1",
            "venue": "National Centre",
            "address": "1 Road",
            "day": tomorrow,
            "starts": "09:00",
            "ends": "12:00",
            "capacity": "40",
        },
    )
    assert Session.objects.get().nation == w.nation
    home = c.get(reverse("training:home")).content.decode()
    assert reverse("training:sessions") in home


def test_the_schedulers_list_counts_in_constant_queries(w, client, django_assert_max_num_queries):
    c = _as(client, w, "la_lead@own")
    made = session(w, "own", capacity=1)
    sessions.sign_up(w.users["leading_teacher@own"], made)
    sessions.sign_up(w.users["leading_teacher@peer"], made)
    url = reverse("training:sessions")
    c.get(url)
    with django_assert_max_num_queries(8) as counted:
        page = c.get(url).content.decode()
    assert "1 of 1" in page and "Own Teachers" in page
    for n in range(3):
        session(w, "own", days=10 + n)
    session(w, "other")  # not theirs
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = c.get(url).content.decode()
    assert page.count("Own Teachers") == 4 and "Other Teachers" not in page


def test_a_learner_signs_up_on_their_programme_page_and_downloads_the_invitation(w, client):
    made = session(w, "own", capacity=1)
    programme_url = reverse("training:programme", args=[w.programmes["nation"].pk])
    c = _as(client, w, "leading_teacher@own")
    page = c.get(programme_url).content.decode()
    assert "Sessions you can sign up for" in page and "1 place left" in page
    response = c.post(reverse("training:sign_up", args=[made.pk]))
    mine = SignUp.objects.get(learner=w.users["leading_teacher@own"])
    assert response["Location"].endswith(f"{programme_url}#sign-up-{mine.pk}")
    page = c.get(programme_url).content.decode()
    assert "You are booked" in page and "Booked</span>" in page
    ics = reverse("training:invitation", args=[made.pk])
    assert ics in page
    download = c.get(ics)
    assert download["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    (event,) = Calendar.from_ical(download.content).walk("VEVENT")
    assert event.decoded("dtstart") == made.starts_at
    # Someone else: the waiting list, with their place; no invitation until they have a place.
    other = _as(client, w, "leading_teacher@peer")
    other.post(reverse("training:sign_up", args=[made.pk]))
    page = other.get(programme_url).content.decode()
    assert "You are number 1" in page and "Leave the waiting list" in page
    assert other.get(ics).status_code == 404
    c = _as(client, w, "leading_teacher@own")
    c.post(reverse("training:cancel_place", args=[made.pk]))
    assert "Cancelled: your place" in c.get(programme_url).content.decode()
    assert SignUp.objects.get(learner=w.users["leading_teacher@peer"]).status == "booked"


def test_the_session_page_and_cancelling_it(w, client, django_assert_max_num_queries):
    made = session(w, "own", capacity=1)
    sessions.sign_up(w.users["leading_teacher@own"], made)
    sessions.sign_up(w.users["leading_teacher@peer"], made)
    c = _as(client, w, "la_lead@own")
    url = reverse("training:session", args=[made.pk])
    c.get(url)
    with django_assert_max_num_queries(10) as counted:
        page = c.get(url).content.decode()
    assert "Booked (1)" in page and "Waiting list (1)" in page
    for key in ("leading_teacher@cluster", "teacher+lead@own"):
        sessions.sign_up(w.users[key], made)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        assert "Waiting list (3)" in c.get(url).content.decode()
    assert "The register opens when the session starts." in page
    response = c.post(reverse("training:cancel_session", args=[made.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Say why the session is cancelled" in response.content.decode()
    c.post(reverse("training:cancel_session", args=[made.pk]), {"reason": "The venue flooded"})
    page = c.get(url).content.decode()
    assert "Cancelled</strong>" in page and "The venue flooded" in page
    learner = _as(client, w, "leading_teacher@own")
    page = learner.get(reverse("training:programme", args=[w.programmes["nation"].pk]))
    assert "it does not count" in page.content.decode()


def test_the_register_saves_row_by_row(w, client, django_assert_max_num_queries):
    made = past_session(w, "own", learners=LEARNERS[:1])
    c = _as(client, w, "la_lead@own")
    url = reverse("training:register", args=[made.pk])
    c.get(url)
    with django_assert_max_num_queries(10) as counted:
        c.get(url)
    bigger = past_session(w, "own", learners=LEARNERS, half_day=2)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        page = c.get(reverse("training:register", args=[bigger.pk])).content.decode()
    assert page.count('class="register-row') == 3
    row = SignUp.objects.get(session=bigger, learner=w.users["leading_teacher@peer"])
    mark = reverse("training:mark", args=[bigger.pk])
    late = (timezone.localtime(bigger.starts_at) + timedelta(minutes=25)).strftime("%H:%M")
    response = c.post(
        mark, {"sign_up": row.pk, "attendance": "present", "arrived": late}, HTTP_HX_REQUEST="true"
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment  # the row alone
    assert f": present, arrived {late}." in fragment and "Saved at " in fragment
    assert f'id="row-{row.pk}-present"' in fragment and 'aria-pressed="true"' in fragment
    row.refresh_from_db()
    assert row.present and row.arrived_at is not None
    # A time outside the session (an hour before it starts, whatever the time now): refused in
    # the row, nothing saved.
    outside = (timezone.localtime(bigger.starts_at) - timedelta(hours=1)).strftime("%H:%M")
    response = c.post(
        mark, {"sign_up": row.pk, "attendance": "present", "left": outside}, HTTP_HX_REQUEST="true"
    )
    assert (
        "Not saved" in response.content.decode()
        and "between the start" in response.content.decode()
    )
    row.refresh_from_db()
    assert row.left_at is None
    # Without script: back to the register at the row, with a message.
    response = c.post(mark, {"sign_up": row.pk, "attendance": "absent"})
    assert response["Location"].endswith(f"#row-{row.pk}")
    row.refresh_from_db()
    assert row.present is False
