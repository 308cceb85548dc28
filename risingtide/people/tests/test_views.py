"""Adding pupils, printing sign-in cards and resetting passwords through the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.people.models import User

pytestmark = pytest.mark.django_db


def test_add_pupils_from_pasted_text_shows_cards_once(world, client_for):
    client = client_for(world.user("teacher@own"))
    url = reverse("people:add_pupils", args=[world.groups["own"].pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"pupils": "Amira Khan\nTom Lee"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 pupils added to Own 7A" in page and "amira.k" in page and "tom.l" in page
    assert "no-store" in response["Cache-Control"]
    assert User.objects.filter(username__in=["amira.k", "tom.l"]).count() == 2


def test_add_pupils_from_csv_file_in_windows_1252(world, client_for):
    client = client_for(world.user("leading_teacher@own"))
    upload = SimpleUploadedFile(
        "class.csv", "Surname,Forename\nBrontë,Zoë\n".encode("cp1252"), "text/csv"
    )
    response = client.post(
        reverse("people:add_pupils", args=[world.groups["own2"].pk]), {"csv_file": upload}
    )
    assert response.status_code == 200
    assert User.objects.filter(first_name="Zoë", last_name="Brontë").exists()


def test_bad_rows_are_listed_and_nothing_is_created(world, client_for):
    client = client_for(world.user("teacher@own"))
    before = User.objects.count()
    response = client.post(
        reverse("people:add_pupils", args=[world.groups["own"].pk]),
        {"pupils": "First name,Last name\nAmira,Khan\nTom,\n<b>x</b>,Lee\n"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "No pupils were added" in page
    assert "Line 3, last name: Last name is missing" in page
    assert "Line 4, first name: First name &#x27;&lt;b&gt;x&lt;/b&gt;&#x27; may hold only" in page
    assert "First name,Last name\nAmira,Khan" in page  # the text is kept for correcting
    assert User.objects.count() == before


def test_empty_and_oversized_submissions(world, client_for, settings):
    client = client_for(world.user("teacher@own"))
    url = reverse("people:add_pupils", args=[world.groups["own"].pk])
    response = client.post(url, {"pupils": "   "})
    assert response.status_code == 400
    assert "Paste a list of pupils or choose a CSV file." in response.content.decode()
    settings.PUPIL_IMPORT_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.csv", b"Amira,Khan\nTom,Lee\n", "text/csv")
    response = client.post(url, {"csv_file": upload})
    assert response.status_code == 400
    assert "the limit is 0 KB" in response.content.decode()


def test_print_cards_for_chosen_pupils_only_in_that_group(world, client_for):
    client = client_for(world.user("teacher@own"))
    chosen = [world.users["pupil@own"].pk, world.users["pupil@other"].pk]
    response = client.post(
        reverse("people:print_cards", args=[world.groups["own"].pk]), {"pupil": chosen}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "pupil1.own" in page and "pupil1.other" not in page
    response = client.post(reverse("people:print_cards", args=[world.groups["own"].pk]), {})
    assert response.status_code == 400


def test_reset_password_from_pupil_page(world, client_for):
    client = client_for(world.user("head@own"))
    pupil = world.users["pupil@own"]
    page = client.get(reverse("people:pupil", args=[pupil.pk])).content.decode()
    assert "Give Ada a new password" in page
    response = client.post(reverse("people:reset_password", args=[pupil.pk]))
    assert response.status_code == 200
    assert "New password for" in response.content.decode()
    assert client.get(reverse("people:reset_password", args=[pupil.pk])).status_code == 405


def test_pupil_sees_own_profile_without_reset_button(world, client_for):
    pupil = world.user("pupil@own")
    client = client_for(pupil)
    page = client.get(reverse("people:pupil", args=[pupil.pk])).content.decode()
    assert "pupil1.own" in page and "new password" not in page
    assert (
        client.get(reverse("people:pupil", args=[world.users["pupil2@own"].pk])).status_code == 404
    )


def test_odd_pupil_ids_are_ignored_not_a_500(world, client_for):
    client = client_for(world.user("teacher@own"))
    url = reverse("people:print_cards", args=[world.groups["own"].pk])
    response = client.post(url, {"pupil": ["²", "9" * 40, "-1", "abc"]})
    assert response.status_code == 400


def test_pupil_page_shows_staff_only_groups_in_their_reach(world, client_for):
    from risingtide.demo.testing import member
    from risingtide.people.models import Role

    pupil = world.users["pupil@own"]
    member(pupil, Role.PUPIL, school=world.schools["other"], teaching_group=world.groups["other"])
    page = client_for(world.user("teacher@own")).get(reverse("people:pupil", args=[pupil.pk]))
    assert "Own 7A" in page.content.decode() and "Other 7A" not in page.content.decode()
    page = client_for(pupil).get(reverse("people:pupil", args=[pupil.pk])).content.decode()
    assert "Own 7A" in page and "Other 7A" in page  # a pupil sees their own history


def test_a_new_card_lifts_a_sign_in_lockout(world, client, settings):
    from risingtide.people.services import reissue_passwords

    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(reverse("people:login"), {"username": "pupil1.own", "password": "x"})
    assert locked.status_code == 429
    (card,) = reissue_passwords(world.user("teacher@own"), [world.user("pupil@own")])
    response = client.post(
        reverse("people:login"), {"username": "pupil1.own", "password": card.password}
    )
    assert response.status_code == 302
