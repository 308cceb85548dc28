"""The join page: a code and a new account, or (signed in as a carer) a code for another
child. A code used twice, expired, cancelled or unknown is refused with a clear error and
changes nothing; wrong codes are throttled; the new carer then signs in on the normal page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from risingtide.families import services
from risingtide.families.models import Invitation
from risingtide.people.models import Membership, Role, User

JOIN = reverse("families:join")


def _account(code, username="sam.jones", **extra):
    return {
        "code": code,
        "first_name": "Sam",
        "last_name": "Jones",
        "email": "",
        "username": username,
        "password": "a-long-family-passphrase",
        "password_again": "a-long-family-passphrase",
        **extra,
    }


def _state():
    """Everything a refused join must leave as it was."""
    return (
        User.objects.count(),
        Membership.objects.filter(role=Role.CARER).count(),
        list(Invitation.objects.order_by("pk").values_list("used_at", "used_by")),
    )


def test_the_join_page_is_public_and_explains_what_a_family_sees(client, db):
    page = client.get(JOIN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your code from the school" in text and "What you see, and why" in text
    assert "only your own child" in text


def test_a_carer_joins_sees_their_child_and_later_signs_in_normally(world, client):
    _, code = services.invite(world.user("leading_teacher@own"), world.records["own"], "Father")
    response = client.post(JOIN, _account(code))
    child = world.users["pupil@own"]
    assert response.status_code == 302
    assert response["Location"] == reverse("families:child", args=[child.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "You are now linked to Ada" in page.content.decode()
    carer = User.objects.get(username="sam.jones")
    assert Membership.objects.filter(user=carer, role=Role.CARER, child=child).exists()
    client.logout()
    signed_in = client.post(
        reverse("people:login"),
        {"username": "sam.jones", "password": "a-long-family-passphrase"},
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        ("used", "already been used"),
        ("expired", "ran out on"),
        ("cancelled", "cancelled that code"),
        ("unknown", "do not recognise that code"),
    ],
)
def test_a_code_that_cannot_work_is_refused_clearly_and_changes_nothing(world, client, spoil, says):
    lead = world.user("leading_teacher@own")
    invitation, code = services.invite(lead, world.records["own"])
    if spoil == "used":
        assert client.post(JOIN, _account(code, "first.person")).status_code == 302
        client.logout()
    elif spoil == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
    elif spoil == "cancelled":
        services.cancel(lead, invitation)
    else:
        code = "ABCD-EFGH-JKMN"
    before = _state()
    response = client.post(JOIN, _account(code))
    assert response.status_code == 400
    text = response.content.decode()
    assert says in text and 'class="error-summary"' in text
    assert _state() == before
    assert not User.objects.filter(username="sam.jones").exists()
    assert "_auth_user_id" not in client.session


def test_field_errors_say_which_field_and_spend_no_code(world, client):
    invitation, code = services.invite(world.user("head@own"), world.records["own"])
    response = client.post(
        JOIN, _account(code, username="bad name!", password_again="something-else")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The two passwords are not the same." in text
    assert "Choose a sign-in name" in text
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    common = client.post(JOIN, _account(code, password="password123", password_again="password123"))
    assert "too common" in common.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_wrong_codes_are_throttled(world, client, settings):
    _, code = services.invite(world.user("head@own"), world.records["own"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(JOIN, _account("ABCD-EFGH-JKMN")).status_code == 400
    paused = client.post(JOIN, _account(code))  # even the right code waits now
    assert paused.status_code == 429
    assert "wait 15 minutes" in paused.content.decode()
    assert not User.objects.filter(username="sam.jones").exists()


def test_a_signed_in_carer_adds_another_child(world, client_for):
    _, code = services.invite(world.user("head@own"), world.records["2@own"])
    client = client_for(world.user("carer@own"))
    page = client.get(JOIN)
    assert (
        "Add this child" in page.content.decode()
        and "Choose a password" not in page.content.decode()
    )
    response = client.post(JOIN, {"code": code})
    ben = world.users["pupil2@own"]
    assert response["Location"] == reverse("families:child", args=[ben.pk])
    assert client.get(response["Location"]).status_code == 200


def test_staff_are_told_to_sign_out_first(world, client_for):
    _, code = services.invite(world.user("head@own"), world.records["own"])
    client = client_for(world.user("teacher@own"))
    assert "sign out first" in client.get(JOIN).content.decode()
    client.post(JOIN, {"code": code})
    assert not Membership.objects.filter(role=Role.CARER, user=world.users["teacher@own"]).exists()


def test_a_carer_whose_only_link_was_removed_can_use_a_new_code(world, client_for):
    # The tiny world's carer was linked directly: here they joined with a code, as carers do.
    joined, _ = services.invite(world.user("head@own"), world.records["own"])
    Invitation.objects.filter(pk=joined.pk).update(
        used_at=timezone.now(), used_by=world.users["carer@own"]
    )
    Membership.objects.filter(role=Role.CARER, user=world.users["carer@own"]).delete()
    _, code = services.invite(world.user("head@own"), world.records["own"])
    client = client_for(world.user("carer@own"))
    assert client.post(JOIN, {"code": code}).status_code == 302
    assert Membership.objects.filter(role=Role.CARER, user=world.users["carer@own"]).exists()


def test_a_school_account_with_its_roles_taken_away_cannot_take_a_code(world, client_for):
    """A former teacher's account, still active but with no membership left, is not a family
    account: it is told to join with one, and the code stays unspent."""
    from django.core.exceptions import ValidationError

    teacher = world.user("teacher@other")
    Membership.objects.filter(user=teacher).delete()
    teacher = world.user("teacher@other")
    assert not services.is_family_account(teacher)
    invitation, code = services.invite(world.user("head@own"), world.records["own"])
    with pytest.raises(ValidationError):
        services.redeem(code, carer=teacher)
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    assert services.is_family_account(world.user("carer@own"))
