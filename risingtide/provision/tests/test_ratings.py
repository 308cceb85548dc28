"""Rating a delivered session: who may (those who went, their teachers and coordinators),
pupils' three faces (5, 3, 1), one rating per person changed in place, the 30-day window, and
what a provider reads: means and comments, never a pupil's name."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from risingtide.access.core import visible
from risingtide.provision import ratings
from risingtide.provision.contract_models import Rating
from risingtide.provision.tests.contract_world import deliver_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(market):
    """The market's session delivered: own2 (Ever-6) attended, 2@own did not."""
    return deliver_market(market)


def test_who_may_rate_a_delivered_session(delivered):
    w = delivered
    may = visible(w.user("pupil@own2"), "session", "session.rate")
    assert list(may) == [w.session]  # attended
    assert not visible(w.user("pupil2@own"), "session", "session.rate").exists()  # absent
    assert visible(w.user("teacher+lead@own"), "session", "session.rate").exists()
    assert not visible(w.user("teacher@own"), "session", "session.rate").exists()  # not theirs
    assert visible(w.user("leading_teacher@own"), "session", "session.rate").exists()
    assert not visible(w.user("leading_teacher@peer"), "session", "session.rate").exists()
    assert not visible(w.user("provider_staff@own"), "session", "session.rate").exists()
    with pytest.raises(PermissionDenied):
        ratings.rate(w.user("teacher@other"), w.session, 4)


def test_a_booked_session_not_yet_delivered_cannot_be_rated(market):
    assert not visible(market.user("leading_teacher@own"), "session", "session.rate").exists()


def test_a_pupil_rates_with_a_face_and_changes_it_in_place(delivered):
    w = delivered
    pupil = w.user("pupil@own2")
    with pytest.raises(ValidationError):
        ratings.rate(pupil, w.session, 4)  # not one of the faces
    first = ratings.rate(pupil, w.session, 5, "Loved the puzzles")
    again = ratings.rate(pupil, w.session, 1)
    assert first.pk == again.pk and again.score == 1 and again.rater == Rating.Rater.PUPIL
    assert Rating.objects.count() == 1


def test_staff_rate_one_to_five(delivered):
    w = delivered
    with pytest.raises(ValidationError):
        ratings.rate(w.user("leading_teacher@own"), w.session, 6)
    rating = ratings.rate(w.user("leading_teacher@own"), w.session, 4, " Well run ")
    assert (rating.rater, rating.school, rating.comment) == ("staff", w.schools["own"], "Well run")


def test_the_database_keeps_one_rating_per_person_per_session(delivered):
    w = delivered
    ratings.rate(w.user("leading_teacher@own"), w.session, 4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            session=w.session,
            rated_by=w.user("leading_teacher@own"),
            rater="staff",
            school=w.schools["own"],
            score=2,
        )


def test_ratings_close_thirty_days_after_the_session(delivered):
    w = delivered
    late = w.session.ends_at + timedelta(days=30, minutes=1)
    with pytest.raises(ValidationError, match="closed"):
        ratings.rate(w.user("leading_teacher@own"), w.session, 4, now=late)
    ratings.rate(w.user("leading_teacher@own"), w.session, 4, now=late - timedelta(minutes=2))
    assert ratings.to_rate(w.user("leading_teacher@own"), now=late) == []
    assert len(ratings.to_rate(w.user("leading_teacher@own"))) == 1


def test_providers_read_comments_without_pupils_names(delivered):
    w = delivered
    ratings.rate(w.user("pupil@own2"), w.session, 5, "Best day ever")
    ratings.rate(w.user("leading_teacher@own"), w.session, 3, "Too long")
    rows = {row.comment: row.who for row in ratings.comments_for(w.providers["own"])}
    assert rows == {"Best day ever": "A pupil", "Too long": "A teacher at Own School"}
    assert ratings.comments_for(w.providers["other"]) == []
