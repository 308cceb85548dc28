"""The badges pages through the test client: awarding from the progress grid and a portfolio
(message, back where the teacher acted, the grid's queries constant), withdrawing, the
pupil's and carer's badges and downloads, the record page's box, the school's page, and the
public pages a verifier opens."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse

from risingtide.badges import credentials, services
from risingtide.badges.models import Award, BadgeClass, SchoolBadgeSettings
from risingtide.badges.tests.world import add_badges, allow_downloads
from risingtide.demo.testing import make_user, member
from risingtide.people.models import Role
from risingtide.portfolios import services as portfolios


def completed_project(world):
    return services.school_badges(world.schools["own"]).get(key="completed-project")


def grid_url(world) -> str:
    return reverse("portfolios:project_progress", args=[world.projects["own"].pk])


@pytest.mark.django_db
def test_the_grid_offers_an_award_link_on_each_row(world, client_for):
    html = client_for(world.users["teacher@own"]).get(grid_url(world)).content.decode()
    for key in ("pupil@own", "pupil2@own"):
        pupil = world.users[key]
        assert f'id="award-{pupil.pk}"' in html
        assert f"{reverse('badges:pupil', args=[pupil.pk])}?project=" in html


@pytest.mark.django_db
def test_a_teacher_awards_from_the_grid_and_goes_back_to_the_row(world, client_for):
    teacher, pupil = world.users["teacher@own"], world.users["pupil@own"]
    client = client_for(teacher)
    page = client.get(
        reverse("badges:pupil", args=[pupil.pk]),
        {"project": world.projects["own"].pk, "back": grid_url(world)},
    )
    assert "Completed a TASC project" in page.content.decode()
    badge = completed_project(world)
    response = client.post(
        reverse("badges:award", args=[pupil.pk]),
        {"badge_class": badge.pk, "project": world.projects["own"].pk, "back": grid_url(world)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{grid_url(world)}#award-{pupil.pk}"
    assert "Awarded “Completed a TASC project” to Ada." in response.content.decode()
    given = Award.objects.get(pupil=pupil)
    assert (given.badge_class, given.project, given.awarded_by) == (
        badge,
        world.projects["own"],
        teacher,
    )


@pytest.mark.django_db
def test_the_same_badge_twice_for_one_project_is_refused(world, client_for):
    client = client_for(world.users["teacher@own"])
    pupil, badge = world.users["pupil@own"], completed_project(world)
    body = {"badge_class": badge.pk, "project": world.projects["own"].pk}
    client.post(reverse("badges:award", args=[pupil.pk]), body)
    response = client.post(reverse("badges:award", args=[pupil.pk]), body, follow=True)
    assert "Ada already has “Completed a TASC project”" in response.content.decode()
    assert Award.objects.filter(pupil=pupil).count() == 1


@pytest.mark.django_db
def test_back_never_leaves_the_site(world, client_for):
    pupil = world.users["pupil@own"]
    response = client_for(world.users["teacher@own"]).post(
        reverse("badges:award", args=[pupil.pk]),
        {"badge_class": completed_project(world).pk, "back": "//evil.example/x"},
    )
    assert response["Location"] == f"/badges/pupils/{pupil.pk}/#award-{pupil.pk}"


@pytest.mark.django_db
def test_a_badge_of_another_school_cannot_be_awarded(world, client_for):
    other = services.school_badges(world.schools["other"]).first()
    pupil = world.users["pupil@own"]
    response = client_for(world.users["head@own"]).post(
        reverse("badges:award", args=[pupil.pk]), {"badge_class": other.pk}, follow=True
    )
    assert "Choose one of your school" in response.content.decode()
    assert not Award.objects.exists()
    # Nor by a head of both schools, who sees both: the badge must be the pupil's school's.
    both = make_user("head.both", "Head", "Both")
    member(both, Role.HEAD, school=world.schools["own"])
    member(both, Role.HEAD, school=world.schools["other"])
    with pytest.raises(ValidationError, match="another school"):
        services.award(both, pupil, other)
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_a_badge_is_for_a_project_the_pupil_works_in_only(world, client_for):
    # The project's title goes into the public credential's evidence: a project the teacher
    # sees but the pupil is not in (pupil2 has no portfolio of "own"; pupil@own2 is not set it)
    # is refused, by the domain, on the project.
    badge, own = completed_project(world), world.projects["own"]
    for teacher, pupil in (("teacher@own", "pupil2@own"), ("teacher+lead@own", "pupil@own2")):
        with pytest.raises(ValidationError) as refused:
            services.award(world.users[teacher], world.users[pupil], badge, own)
        assert "is not in “own project”" in refused.value.message_dict["project"][0]
    assert not Award.objects.exists()
    # The page: the teacher came from the grid's row of a pupil not in it, so the badge is not
    # for it, and a posted project is refused in words, nothing given.
    pupil2 = world.users["pupil2@own"]
    client = client_for(world.users["teacher@own"])
    page = client.get(reverse("badges:pupil", args=[pupil2.pk]), {"project": own.pk})
    html = page.content.decode()
    assert "Award a badge for" not in html and 'name="project"' not in html
    assert "is not in “own project” (they have no portfolio of it yet)" in html
    response = client.post(
        reverse("badges:award", args=[pupil2.pk]),
        {"badge_class": badge.pk, "project": own.pk},
        follow=True,
    )
    assert "is not in “own project” (they have no portfolio of it)" in response.content.decode()
    assert not Award.objects.exists()
    # Once the pupil has their portfolio of it, the badge is theirs for it.
    portfolios.portfolio_for(pupil2, own)
    services.award(world.users["teacher@own"], pupil2, badge, own)
    assert Award.objects.get(pupil=pupil2).project == own


@pytest.mark.django_db
def test_who_may_award(world, client_for):
    pupil, badge = world.users["pupil@own"], completed_project(world)
    url = reverse("badges:award", args=[pupil.pk])
    # Another group's teacher and another school's cannot see the pupil; a pupil cannot award.
    for key, status in (("teacher@other", 404), ("teacher+lead@own", 302), ("pupil2@own", 404)):
        response = client_for(world.users[key]).post(url, {"badge_class": badge.pk})
        assert response.status_code == status, key
    assert Award.objects.filter(pupil=pupil).count() == 1


@pytest.mark.django_db
def test_the_grid_queries_stay_constant_with_badges_and_a_bigger_class(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.users["teacher@own"])
    client.get(grid_url(world))
    world.projects["own"].portfolios.update(content_version=F("content_version") + 1)
    with django_assert_max_num_queries(20) as before:
        client.get(grid_url(world))
    badge = completed_project(world)
    for n in range(8):
        pupil = make_user(f"badge.{n}", "Class", f"Pupil{n}")
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolios.portfolio_for(pupil, world.projects["own"])
        services.award(world.users["teacher@own"], pupil, badge, world.projects["own"])
    with django_assert_max_num_queries(len(before)):
        html = client.get(grid_url(world)).content.decode()
    assert html.count('Award<span class="visually-hidden"> a badge to') == 10


@pytest.mark.django_db
def test_a_portfolio_page_offers_awarding_to_its_teacher_not_its_pupil(world, client_for):
    portfolio = world.portfolios["own"]
    url = reverse("portfolios:portfolio", args=[portfolio.pk])
    html = client_for(world.users["teacher@own"]).get(url).content.decode()
    pupil = world.users["pupil@own"]
    assert "Award a badge to Ada Own" in html and f'id="award-{pupil.pk}"' in html
    assert "Award a badge" not in client_for(pupil).get(url).content.decode()


@pytest.mark.django_db
def test_withdrawing_needs_a_reason_and_shows_on_the_pupils_page(world, client_for):
    add_badges(world)
    given = world.awards["own"]
    client = client_for(world.users["teacher@own"])
    url = reverse("badges:revoke", args=[given.pk])
    response = client.post(url, {"reason": "  "}, follow=True)
    assert "Say why the badge is withdrawn." in response.content.decode()
    response = client.post(url, {"reason": "Given to the wrong pupil."}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#given-{given.pk}")
    html = response.content.decode()
    assert "Withdrew “Completed a TASC project”" in html and "Given to the wrong pupil." in html
    given.refresh_from_db()
    assert given.revoked and given.revoked_by == world.users["teacher@own"]
    # Another school's teacher cannot see it; the pupil may see it but not withdraw it.
    other = world.awards["other"]
    assert (
        client.post(reverse("badges:revoke", args=[other.pk]), {"reason": "x"}).status_code == 404
    )
    pupil = client_for(world.users["pupil@other"])
    assert pupil.post(reverse("badges:revoke", args=[other.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.django_db
def test_my_badges_shows_the_pupils_own_with_who_and_when(world, client_for):
    add_badges(world)
    html = client_for(world.users["pupil@own"]).get(reverse("badges:mine")).content.decode()
    assert "My badges" in html and "Completed a TASC project" in html
    assert "From Teach Own" in html and 'alt="A gold medal with a star on a blue ribbon"' in html
    assert "Download" not in html  # the school has not allowed downloads
    assert "Pupil Eight" not in html
    empty = client_for(world.users["pupil2@own"]).get(reverse("badges:mine")).content.decode()
    assert "No badges yet" in empty


@pytest.mark.django_db
def test_a_withdrawn_badge_leaves_my_badges(world, client_for):
    add_badges(world)
    services.revoke(world.users["teacher@own"], world.awards["own"], "Mistake.")
    html = client_for(world.users["pupil@own"]).get(reverse("badges:mine")).content.decode()
    assert "Completed a TASC project" not in html


@pytest.mark.django_db
def test_a_carer_sees_their_childs_badges(world, client_for):
    add_badges(world)
    html = client_for(world.users["carer@own"]).get(reverse("badges:mine")).content.decode()
    assert "Ada’s badges" in html and "Completed a TASC project" in html
    assert html.count('class="badge-card"') == 1


@pytest.mark.django_db
def test_downloads_when_the_school_allows_them(world, client_for):
    add_badges(world)
    given = world.awards["own"]
    client = client_for(world.users["pupil@own"])
    refused = client.get(reverse("badges:download_jwt", args=[given.pk]), follow=True)
    assert "Your school has not turned on badge downloads." in refused.content.decode()
    allow_downloads(world.schools["own"])
    assert "Download the badge" in client.get(reverse("badges:mine")).content.decode()
    jwt = client.get(reverse("badges:download_jwt", args=[given.pk]))
    assert jwt["Content-Type"] == "application/vc+jwt"
    assert 'filename="badge-completed-a-tasc-project-' in jwt["Content-Disposition"]
    document = json.loads(client.get(reverse("badges:download_json", args=[given.pk])).content)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    # The file verifies on the public checking page.
    checked = client_for(world.users["nobody@nowhere"]).post(
        reverse("training:credential_verify"), {"credential": jwt.content.decode()}
    )
    assert "Valid: this credential stands" in checked.content.decode()
    assert f"/badges/credentials/{given.uuid}/" in checked.content.decode()
    # Someone else's badge: not theirs to download.
    other = client_for(world.users["pupil2@own"])
    assert other.get(reverse("badges:download_jwt", args=[given.pk])).status_code == 404


@pytest.mark.django_db
def test_the_record_page_shows_the_pupils_badges_to_staff(world, client_for):
    add_badges(world)
    record = world.records["own"]
    html = (
        client_for(world.users["head@own"])
        .get(reverse("register:register_pupil", args=[record.pk]))
        .content.decode()
    )
    assert "Badges" in html and "Completed a TASC project from Teach Own" in html


@pytest.mark.django_db
def test_a_coordinator_adds_a_badge_and_chooses_downloads(world, client_for):
    school = world.schools["own"]
    client = client_for(world.users["leading_teacher@own"])
    assert (
        "Great gatherer" in client.get(reverse("badges:school", args=[school.pk])).content.decode()
    )
    missing = client.post(reverse("badges:add", args=[school.pk]), {"name": "Kind helper"})
    assert missing.status_code == 400 and "Choose a picture." in missing.content.decode()
    body = {
        "name": "Kind helper",
        "description": "Helped others.",
        "criteria": "Helped a classmate.",
        "design": "star",
    }
    made = client.post(reverse("badges:add", args=[school.pk]), body)
    assert made.status_code == 302
    assert BadgeClass.objects.filter(school=school, name="Kind helper", design="star").exists()
    again = client.post(reverse("badges:add", args=[school.pk]), body)
    assert "already has a badge with this name" in again.content.decode()
    client.post(
        reverse("badges:settings", args=[school.pk]),
        {"allow_download": "on", "name_in_credential": "none"},
    )
    chosen = SchoolBadgeSettings.objects.get(school=school)
    assert chosen.allow_download and chosen.name_in_credential == "none"
    teacher = client_for(world.users["teacher@own"])
    assert teacher.get(reverse("badges:school", args=[school.pk])).status_code == 403


@pytest.mark.django_db
def test_a_design_not_bundled_is_refused(world, client_for):
    school = world.schools["own"]
    response = client_for(world.users["head@own"]).post(
        reverse("badges:add", args=[school.pk]),
        {"name": "X", "description": "x", "criteria": "x", "design": "../../evil"},
    )
    assert response.status_code == 400 and not BadgeClass.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_the_public_pages(world, client):
    add_badges(world)
    given = world.awards["own"]
    # An award never downloaded has no public page.
    assert client.get(reverse("badges:credential", args=[given.uuid])).status_code == 404
    allow_downloads(world.schools["own"])
    credentials.issue(world.users["pupil@own"], given)
    page = client.get(reverse("badges:credential", args=[given.uuid])).content.decode()
    assert "This badge stands" in page and "Ada O." in page and "Ada Own" not in page
    profile = client.get(reverse("badges:issuer", args=[given.school_id])).json()
    assert profile["type"] == ["Profile"] and profile["name"] == world.schools["own"].name
    assert client.get(reverse("badges:issuer", args=[99_999])).status_code == 404
    status = client.get(reverse("badges:status_list", args=[given.school_id, 1]))
    assert status["Content-Type"] == "application/vc+jwt"
    assert client.get(reverse("badges:status_list", args=[given.school_id, 0])).status_code == 404


@pytest.mark.django_db
def test_my_badges_and_the_pupils_page_cost_the_same_queries_with_more_badges(
    world, client_for, django_assert_max_num_queries
):
    add_badges(world)
    allow_downloads(world.schools["own"])
    pupil = world.users["pupil@own"]
    mine = client_for(pupil)
    staff = client_for(world.users["teacher@own"])
    staff_url = reverse("badges:pupil", args=[pupil.pk])
    mine.get(reverse("badges:mine"))
    staff.get(staff_url)
    with django_assert_max_num_queries(30) as before_mine:
        mine.get(reverse("badges:mine"))
    with django_assert_max_num_queries(40) as before_staff:
        staff.get(staff_url)
    for badge in services.school_badges(world.schools["own"]).exclude(key="completed-project"):
        services.award(world.users["teacher@own"], pupil, badge, world.projects["own"])
    with django_assert_max_num_queries(len(before_mine)):
        html = mine.get(reverse("badges:mine")).content.decode()
    assert html.count('class="badge-card"') == 5
    with django_assert_max_num_queries(len(before_staff)):
        staff.get(staff_url)


@pytest.mark.django_db
def test_a_carer_without_badges_to_see_is_not_told_they_are_a_pupil(world, client_for):
    html = client_for(world.users["carer@own"]).get(reverse("badges:mine")).content.decode()
    assert "Your children’s badges" in html and "My badges</h1>" not in html
