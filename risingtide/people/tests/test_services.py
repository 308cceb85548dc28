"""Adding pupils and issuing passwords: all or nothing, in scope, audited."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied

from risingtide.audit.models import AuditEvent
from risingtide.people import credentials
from risingtide.people.models import Membership, Role, User
from risingtide.people.services import RosterError, add_pupils, reissue_passwords

pytestmark = pytest.mark.django_db


def test_teacher_adds_pupils_who_can_sign_in(world, rf):
    teacher = world.user("teacher@own")
    issued = add_pupils(teacher, world.groups["own"], "Amira Khan\nTom Lee\n")
    assert [c.pupil.username for c in issued] == ["amira.k", "tom.l"]
    for card in issued:
        assert authenticate(rf.post("/"), username=card.pupil.username, password=card.password)
        assert set(
            Membership.objects.filter(user=card.pupil).values_list("role", "teaching_group")
        ) == {(Role.PUPIL, None), (Role.PUPIL, world.groups["own"].pk)}
    event = AuditEvent.objects.get(action="pupils.added")
    assert event.actor == teacher and event.detail["count"] == 2


def test_usernames_stay_unique_against_existing_and_within_the_list(world):
    User.objects.create(username="amira.k")
    issued = add_pupils(world.user("head@own"), world.groups["own"], "Amira Khan\nAmira Kent\n")
    assert [c.pupil.username for c in issued] == ["amira.k2", "amira.k3"]


def test_one_bad_row_creates_nobody(world):
    before = User.objects.count()
    with pytest.raises(RosterError) as caught:
        add_pupils(world.user("teacher@own"), world.groups["own"], "Amira Khan\nTom\nSam Ray\n")
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "last name")]
    assert User.objects.count() == before


def test_duplicates_and_taken_usernames_are_row_errors(world):
    text = (
        "First,Last,Username\nAda,Own,\nAmy,Bee,teacher.own\nCy,Dee,cy.d\nEd,Eff,cy.d\n"
        "Amy,Gee,\nAmy,Gee,\n"
    )
    with pytest.raises(RosterError) as caught:
        add_pupils(world.user("teacher@own"), world.groups["own"], text)
    assert [str(e) for e in caught.value.errors] == [
        "line 2, name: Ada Own is already in Own 7A",
        "line 3, username: 'teacher.own' is taken",
        "line 5, username: 'cy.d' is also on line 4",
        "line 7, name: Amy Gee is also on line 6; add twins or namesakes with a username "
        "column to tell them apart",
    ]


def test_cannot_add_to_another_teachers_group(world):
    with pytest.raises(PermissionDenied):
        add_pupils(world.user("teacher@own"), world.groups["own2"], "Amira Khan")
    with pytest.raises(PermissionDenied):
        add_pupils(world.user("la_lead@own"), world.groups["own"], "Amira Khan")
    assert not User.objects.filter(first_name="Amira").exists()


def test_reissue_passwords_changes_them_and_refuses_out_of_scope(world, rf):
    pupil = world.user("pupil@own")
    (card,) = reissue_passwords(world.user("teacher@own"), [pupil])
    assert authenticate(rf.post("/"), username=pupil.username, password=card.password)
    assert not authenticate(rf.post("/"), username=pupil.username, password=world.PASSWORD)
    with pytest.raises(PermissionDenied):
        reissue_passwords(world.user("teacher@own"), [pupil, world.user("pupil@other")])
    with pytest.raises(PermissionDenied):
        reissue_passwords(world.user("pupil@own"), [pupil])


def test_credentials():
    assert credentials.username_base("Zoë", "Ó Briain") == "zoe.o"
    assert credentials.username_base("李", "王") == "pupil.x"
    assert credentials.unique_usernames(["a.b", "a.b", "c.d"], {"a.b"}) == ["a.b2", "a.b3", "c.d"]
    word1, word2, digits = credentials.new_password().split("-")
    assert word1 in credentials.WORDS and word2 in credentials.WORDS and 10 <= int(digits) <= 99


def test_generated_usernames_avoid_usernames_given_in_the_same_list(world):
    text = "First,Last,Username\nAmira,Khan,amira.k\nAmira,Kent,\n"
    issued = add_pupils(world.user("teacher@own"), world.groups["own"], text)
    assert [c.pupil.username for c in issued] == ["amira.k", "amira.k2"]


def test_a_year_group_in_one_list(world, settings):
    names = [f"{a} {b}" for a in credentials.WORDS[:25] for b in credentials.WORDS[25:37]]
    issued = add_pupils(world.user("head@own"), world.groups["own"], "\n".join(names))
    assert len(issued) == 300 == len({c.pupil.username for c in issued})
