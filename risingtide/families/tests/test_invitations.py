"""Invitations: made only by the school's coordinator or head for a pupil with an account,
kept only as the code's digest, refused once expired, cancelled or used, and used exactly once
when two people race with the same code."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from risingtide.audit.models import AuditEvent
from risingtide.families import codes, services
from risingtide.families.models import Invitation
from risingtide.families.tests import race
from risingtide.people.models import Membership, Role, User

NEW = services.NewCarer("sam.jones", "Sam", "Jones", "", "a-long-family-passphrase")


def test_a_code_is_random_typeable_and_stored_only_as_its_digest(world):
    invitation, code = services.invite(
        world.user("leading_teacher@own"), world.records["own"], "Mother"
    )
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert all(c in codes.ALPHABET for c in code.replace("-", ""))
    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.code_digest == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    row = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert not any(code.replace("-", "") in str(v) for v in row.values())
    assert stored.expires_at - stored.created_at == pytest.approx(
        timedelta(days=14), abs=timedelta(seconds=5)
    )
    assert stored.relationship == "Mother"
    assert AuditEvent.objects.filter(action="families.invited").count() == 1
    assert (
        len({services.invite(world.user("head@own"), world.records["own"])[1] for _ in range(5)})
        == 5
    )


def test_typing_is_forgiving_of_case_spaces_and_dashes(world):
    _, code = services.invite(world.user("head@own"), world.records["own"])
    typed = " " + code.lower().replace("-", " ") + " "
    link = services.redeem(typed, new=NEW)
    assert link.child == world.users["pupil@own"] and link.role == Role.CARER


@pytest.mark.parametrize(
    "who", ["teacher@own", "leading_teacher@peer", "head@other", "la_lead@own", "carer@own"]
)
def test_only_the_pupils_school_coordinators_may_invite(world, who):
    with pytest.raises(PermissionDenied):
        services.invite(world.user(who), world.records["own"])
    assert not Invitation.objects.exists()


def test_a_pupil_without_an_account_gets_no_invitation_and_says_why(world):
    record = world.records["own"]
    record.account = None
    record.save()
    with pytest.raises(ValidationError, match="has no Rising Tide account yet"):
        services.invite(world.user("leading_teacher@own"), record)
    assert not Invitation.objects.exists()


def test_a_relationship_too_long_is_refused_on_its_field(world):
    with pytest.raises(ValidationError) as refused:
        services.invite(world.user("leading_teacher@own"), world.records["own"], "x" * 61)
    assert "relationship" in refused.value.message_dict
    assert not Invitation.objects.exists()


def _refused_code(code, **who) -> str:
    with pytest.raises(ValidationError) as refused:
        services.redeem(code, **who)
    return " ".join(refused.value.message_dict["code"])


def test_an_expired_code_is_refused_and_changes_nothing(world):
    invitation, code = services.invite(world.user("leading_teacher@own"), world.records["own"])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    before = User.objects.count()
    assert "ran out on" in _refused_code(code, new=NEW)
    assert User.objects.count() == before
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_a_cancelled_code_is_refused(world):
    lead = world.user("leading_teacher@own")
    invitation, code = services.invite(lead, world.records["own"])
    services.cancel(lead, invitation)
    assert "cancelled" in _refused_code(code, new=NEW)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.cancel(lead, invitation)
    assert not User.objects.filter(username="sam.jones").exists()


def test_a_code_works_once(world):
    invitation, code = services.invite(world.user("leading_teacher@own"), world.records["own"])
    link = services.redeem(code, new=NEW)
    assert Invitation.objects.get(pk=invitation.pk).used_by == link.user
    second = services.NewCarer("alex.jones", "Alex", "Jones", "", "another-long-passphrase")
    assert "already been used" in _refused_code(code, new=second)
    assert not User.objects.filter(username="alex.jones").exists()
    assert "already been used" in _refused_code(code, carer=world.user("carer@own"))
    with pytest.raises(ValidationError, match="already used"):
        services.cancel(world.user("leading_teacher@own"), invitation)


def test_an_unknown_code_is_refused(world):
    assert "do not recognise" in _refused_code("ABCD-EFGH-JKMN", new=NEW)
    assert "12 letters" in _refused_code("hello", new=NEW)


def test_a_carer_adds_a_second_child_with_a_new_code(world):
    carer = world.user("carer@own")
    _, code = services.invite(world.user("head@own"), world.records["2@own"])
    services.redeem(code, carer=carer)
    assert set(Membership.objects.filter(user=carer).values_list("child__username", flat=True)) == {
        "pupil1.own",
        "pupil2.own",
    }
    # A code for a child they already have is refused, and stays unused for the right person.
    invitation, again = services.invite(world.user("head@own"), world.records["own"])
    assert "already linked" in _refused_code(again, carer=world.user("carer@own"))
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_a_school_account_cannot_spend_a_code(world):
    _, code = services.invite(world.user("head@own"), world.records["own"])
    with pytest.raises(ValidationError, match="school account"):
        services.redeem(code, carer=world.user("teacher@own"))


def test_a_weak_password_or_taken_name_spends_no_code(world):
    invitation, code = services.invite(world.user("head@own"), world.records["own"])
    with pytest.raises(ValidationError) as refused:
        services.redeem(code, new=services.NewCarer("sam", "Sam", "Jones", "", "password"))
    assert "password" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.redeem(
            code, new=services.NewCarer("Carer.Own", "Sam", "J", "", "long-enough-pw-1")
        )
    assert "username" in refused.value.message_dict
    assert Invitation.objects.get(pk=invitation.pk).used_at is None


def test_unlinking_a_carer_ends_their_reach(world, client_for):
    from django.urls import reverse

    carer = world.user("carer@own")
    child = world.users["pupil@own"]
    url = reverse("families:child", args=[child.pk])
    assert client_for(carer).get(url).status_code == 200
    services.unlink(world.user("leading_teacher@own"), world.records["own"], carer.pk)
    assert client_for(world.user("carer@own")).get(url).status_code == 404
    with pytest.raises(ValidationError, match="not linked"):
        services.unlink(world.user("leading_teacher@own"), world.records["own"], carer.pk)
    with pytest.raises(PermissionDenied):
        services.unlink(world.user("teacher@own"), world.records["own"], carer.pk)


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_with_one_code_link_exactly_one(tmp_path):
    found = race.on_this_database(tmp_path)
    assert [o for o in found["outcomes"] if o.startswith("error")] == []
    assert found["outcomes"].count("ok") == 1
    refused = [o for o in found["outcomes"] if o != "ok"]
    assert refused and all("already been used" in o for o in refused)
    assert found["memberships"] == 1 and found["carers"] == 1
    assert found["used_by_the_winner"] is True
