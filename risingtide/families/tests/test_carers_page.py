"""The school's page of a pupil's parents and carers: the coordinator makes a code (shown once,
on a printable letter, never cached), sees and cancels invitations, unlinks a carer; a pupil
without an account is said so; a teacher may not; the API answers the same."""

import re

from django.urls import reverse

from risingtide.families import codes
from risingtide.families.models import Invitation
from risingtide.people.models import Membership, Role


def _url(world, key="own"):
    return reverse("families:carers", args=[world.records[key].pk])


def test_the_coordinator_makes_a_code_and_letter_shown_once(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    page = client.get(_url(world))
    assert page.status_code == 200 and "Cara Own" in page.content.decode()
    letter = client.post(_url(world), {"relationship": "Grandmother"})
    assert letter.status_code == 200 and "no-store" in letter["Cache-Control"]
    text = letter.content.decode()
    invitation = Invitation.objects.get()
    code = re.search(r'class="family-code">([A-Z0-9-]+)<', text).group(1)
    assert codes.digest(code) == invitation.code_digest
    assert "shown <strong>only now</strong>" in text and "/families/join/" in text
    listing = client.get(_url(world)).content.decode()
    assert code not in listing and "Waiting to be used" in listing and "Grandmother" in listing


def test_cancel_and_unlink_say_what_happened(world, client_for):
    client = client_for(world.user("head@own"))
    client.post(_url(world), {})
    invitation = Invitation.objects.get()
    record = world.records["own"]
    done = client.post(
        reverse("families:cancel_invitation", args=[record.pk]), {"row": invitation.pk}, follow=True
    )
    assert "its code no longer works" in done.content.decode()
    assert Invitation.objects.get().cancelled_at is not None
    again = client.post(
        reverse("families:cancel_invitation", args=[record.pk]), {"row": invitation.pk}, follow=True
    )
    assert "already cancelled" in again.content.decode()
    nonsense = client.post(
        reverse("families:cancel_invitation", args=[record.pk]), {"row": "x"}, follow=True
    )
    assert "Choose an invitation to cancel." in nonsense.content.decode()
    gone = client.post(
        reverse("families:unlink_carer", args=[record.pk]),
        {"row": world.users["carer@own"].pk},
        follow=True,
    )
    assert "Cara Own is no longer linked to Ada Own." in gone.content.decode()
    assert not Membership.objects.filter(role=Role.CARER).exists()


def test_an_invitation_of_another_pupil_cannot_be_cancelled_through_this_one(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    client.post(_url(world, "2@own"), {})
    theirs = Invitation.objects.get()
    client.post(
        reverse("families:cancel_invitation", args=[world.records["own"].pk]), {"row": theirs.pk}
    )
    assert Invitation.objects.get().cancelled_at is None


def test_a_pupil_without_an_account_is_said_so(world, client_for):
    record = world.records["own"]
    record.account = None
    record.save()
    client = client_for(world.user("leading_teacher@own"))
    assert "has no Rising Tide account yet" in client.get(_url(world)).content.decode()
    refused = client.post(_url(world), {})
    assert (
        refused.status_code == 400 and "has no Rising Tide account yet" in refused.content.decode()
    )
    assert not Invitation.objects.exists()


def test_teachers_and_other_schools_may_not(world, client_for):
    assert client_for(world.user("teacher@own")).get(_url(world)).status_code == 403
    assert client_for(world.user("head@other")).get(_url(world)).status_code == 404
    assert client_for(world.user("carer@own")).get(_url(world)).status_code == 404


def test_the_api_gives_the_code_once_and_lists_and_cancels(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    record = world.records["own"]
    made = client.post(
        reverse("api-1:invite_carer", kwargs={"record_id": record.pk}),
        {"relationship": "Aunt"},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert (
        body["status"] == "pending"
        and codes.digest(body["code"]) == Invitation.objects.get().code_digest
    )
    listed = client.get(reverse("api-1:carer_invitations", kwargs={"record_id": record.pk})).json()
    assert [i["id"] for i in listed] == [body["id"]] and "code" not in listed[0]
    cancel = reverse("api-1:cancel_carer_invitation", kwargs={"invitation_id": body["id"]})
    assert client.post(cancel).json()["status"] == "cancelled"
    again = client.post(cancel)
    assert again.status_code == 400 and "already cancelled" in again.json()["detail"]
    no_account = world.records["2@own"]
    no_account.account = None
    no_account.save()
    refused = client.post(
        reverse("api-1:invite_carer", kwargs={"record_id": no_account.pk}),
        {},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "no Rising Tide account" in refused.json()["detail"]


def test_the_carers_page_costs_the_same_however_many(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.user("leading_teacher@own"))
    client.get(_url(world))
    with django_assert_max_num_queries(15) as first:
        client.get(_url(world))
    budget = len(first)
    for _ in range(4):
        client.post(_url(world), {"relationship": "Aunt"})
    with django_assert_max_num_queries(budget):
        client.get(_url(world))
