"""The library's pages, through the test client."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from risingtide.demo.testing import png_file
from risingtide.library import services
from risingtide.library.models import Resource, ResourceUse

pytestmark = pytest.mark.django_db

DETAILS = {
    "title": "Bee hotels",
    "description": "Solitary bees and where they nest.",
    "subject": "science",
    "key_stage": "ks3",
    "stage": "",
    "licence": "cc-by-4.0",
    "audience": "la",
}


def test_staff_have_a_library_in_the_menu_and_pupils_do_not(world, client_for):
    page = client_for(world.user("teacher@own")).get(reverse("home:home")).content.decode()
    assert f'href="{reverse("library:search")}"' in page
    pupil = client_for(world.user("pupil@own"))
    assert (
        f'href="{reverse("library:search")}"'
        not in pupil.get(reverse("home:home")).content.decode()
    )
    assert pupil.get(reverse("library:search")).status_code == 403


def test_search_page_lists_what_matches_with_labelled_filters(world, client_for):
    client = client_for(world.user("teacher@peer"))
    page = client.get(reverse("library:search"), {"q": "shared", "subject": "science"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "own_la resource" in html and "other_everyone resource" in html
    assert "own_school resource" not in html and "own_withdrawn resource" not in html
    for label in ("Search words", "Kind", "Subject", "Key stage", "TASC stage", "Licence"):
        assert f">{label}</label>" in html
    assert 'role="search"' in html
    everything = client.get(reverse("library:search")).content.decode()
    assert "Should our town build a wind farm?" in everything  # the starter set
    assert "Rising Tide starter set" in everything


def test_a_template_page_previews_the_project(world, client_for):
    project = world.projects["own"]
    project.brief = "Design a bee hotel <b>now</b>."
    project.success_criteria = ["I can explain what bees need"]
    project.stage_prompts = {"decide": ["Which design suits our garden?"]}
    project.save()
    resource = services.publish_project(
        world.user("teacher@own"), project, services.Details(**DETAILS)
    )
    html = client_for(world.user("teacher@peer")).get(
        reverse("library:resource", args=[resource.pk])
    )
    html = html.content.decode()
    assert "Design a bee hotel &lt;b&gt;now&lt;/b&gt;." in html
    assert "I can explain what bees need" in html
    assert "Which design suits our garden?" in html
    assert "Copy into my projects" in html and "Add my review" in html
    assert "Withdraw" not in html and "Change details" not in html
    author = client_for(world.user("teacher@own")).get(
        reverse("library:resource", args=[resource.pk])
    )
    author_html = author.content.decode()
    assert "Withdraw" in author_html and "Change details" in author_html
    assert "Add my review" not in author_html  # not one's own


def test_a_link_is_shown_not_followed(world, client_for):
    link = services.publish(
        world.user("teacher@own"),
        "link",
        services.Details(**DETAILS),
        url="https://example.org/bees?a=1&b=2",
    )
    html = client_for(world.user("teacher@own")).get(reverse("library:resource", args=[link.pk]))
    assert (
        '<a href="https://example.org/bees?a=1&amp;b=2" rel="noopener noreferrer nofollow">'
        in html.content.decode()
    )


def test_files_are_served_inert_and_downloads_counted(world, client_for):
    resource = world.resources["own_la"]
    client = client_for(world.user("teacher@peer"))
    html = client.get(reverse("library:resource", args=[resource.pk])).content.decode()
    url = reverse("library:resource_file", args=[resource.pk])
    assert f'<img src="{url}?view=1"' in html
    shown = client.get(url + "?view=1")
    assert shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in shown["Content-Security-Policy"]
    assert not ResourceUse.objects.filter(resource=resource).exists()
    assert client.get(url).status_code == 200
    assert ResourceUse.objects.filter(resource=resource, how="downloaded").count() == 1
    assert client_for(world.user("teacher@other")).get(url).status_code == 404


def test_publishing_a_project_from_its_page(world, client_for):
    project = world.projects["own"]
    client = client_for(world.user("teacher@own"))
    project_page = client.get(reverse("tasc:project", args=[project.pk])).content.decode()
    publish_url = reverse("library:publish_project", args=[project.pk])
    assert publish_url in project_page
    pupil_page = client_for(world.user("pupil@own")).get(reverse("tasc:project", args=[project.pk]))
    assert publish_url not in pupil_page.content.decode()
    form = client.get(publish_url).content.decode()
    assert 'value="own project"' in form  # the project's title, to change if need be
    response = client.post(publish_url, {**DETAILS, "kind": "template", "title": ""})
    assert response.status_code == 400 and "Nothing was saved" in response.content.decode()
    response = client.post(publish_url, {**DETAILS, "kind": "template"})
    resource = Resource.objects.get(source_project=project)
    assert response["Location"] == reverse("library:resource", args=[resource.pk])
    assert resource.author == world.users["teacher@own"] and resource.audience == "la"


def test_copy_then_the_project_says_where_it_came_from(world, client_for):
    resource = world.resources["own_la"]
    client = client_for(world.user("leading_teacher@peer"))
    response = client.post(reverse("library:copy", args=[resource.pk]))
    project = ResourceUse.objects.get(resource=resource, how="copied").project
    assert response["Location"] == reverse("tasc:project", args=[project.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Adapted from" in html and reverse("library:resource", args=[resource.pk]) in html
    # Not a template: refused with a message, no project.
    response = client.post(reverse("library:copy", args=[world.resources["other_everyone"].pk]))
    assert response.status_code == 302
    assert ResourceUse.objects.filter(how="copied").count() == 1
    assert client.get(reverse("library:copy", args=[resource.pk])).status_code == 405


def test_reviewing(world, client_for):
    resource = world.resources["own_la"]
    client = client_for(world.user("head@peer"))
    url = reverse("library:review", args=[resource.pk])
    client.post(url, {"rating": "4", "text": "Our Year 8s loved it"})
    client.post(url, {"rating": "5", "text": "Even better with Year 9"})
    html = client.get(reverse("library:resource", args=[resource.pk])).content.decode()
    assert "5.0 out of 5 (1 review)" in html and "Even better with Year 9" in html
    assert "Change your rating" in html
    client.post(url, {"rating": "9"})
    assert resource.reviews.get().rating == 5
    author = client_for(world.user("teacher@own"))
    author.post(url, {"rating": "5"})
    assert resource.reviews.count() == 1


def test_withdrawing_asks_first(world, client_for):
    resource = world.resources["own_la"]
    client = client_for(world.user("teacher@own"))
    url = reverse("library:withdraw", args=[resource.pk])
    assert "Withdraw it" in client.get(url).content.decode()
    resource.refresh_from_db()
    assert resource.withdrawn_at is None
    client.post(url)
    resource.refresh_from_db()
    assert resource.withdrawn_at is not None
    page = client.get(reverse("library:resource", args=[resource.pk])).content.decode()
    assert "Withdrawn from the library on" in page
    peer = client_for(world.user("teacher@peer"))
    assert peer.get(reverse("library:resource", args=[resource.pk])).status_code == 404


def test_sharing_a_link_a_file_and_a_lesson_plan(world, client_for):
    client = client_for(world.user("teacher@other"))
    url = reverse("library:new")
    assert client.get(url).status_code == 200
    bad = client.post(url, {**DETAILS, "kind": "link", "url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "Give the full address" in bad.content.decode()
    client.post(url, {**DETAILS, "kind": "link", "url": "https://example.org/"})
    client.post(url, {**DETAILS, "kind": "file", "title": "A picture", "file": png_file()})
    client.post(url, {**DETAILS, "kind": "lesson_plan", "title": "Plan", "body": "Do this"})
    made = Resource.objects.filter(author=world.users["teacher@other"])
    assert set(made.values_list("kind", flat=True)) == {"link", "file", "lesson_plan"}


def test_editing_details(world, client_for):
    resource = world.resources["own_school"]
    client = client_for(world.user("teacher@own"))
    url = reverse("library:edit", args=[resource.pk])
    assert 'value="own_school resource"' in client.get(url).content.decode()
    client.post(url, {**DETAILS, "title": "Renamed"})
    resource.refresh_from_db()
    assert resource.title == "Renamed" and resource.audience == "la"


def test_resource_page_makes_a_fixed_number_of_queries(world, client_for):
    resource = world.resources["own_la"]
    client = client_for(world.user("head@own"))
    url = reverse("library:resource", args=[resource.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for key in ("teacher@peer", "head@peer", "leading_teacher@peer", "leading_teacher@own"):
        services.review(world.user(key), resource, 3, "Fine")
        services.copy_to_project(world.user(key), resource)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(before) == len(after) <= 16
