import pytest
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pupil_opens_portfolio_adds_note_and_autosaves(world, client_for):
    client = client_for(world.user("pupil2@own"))
    response = client.get(reverse("portfolios:my_portfolio", args=[world.projects["own"].pk]))
    portfolio_url = response["Location"]
    page = client.get(portfolio_url).content.decode()
    assert "Gather and Organise" in page and 'aria-label="Stages of the TASC wheel"' in page
    response = client.post(portfolio_url + "notes/", {"stage": "identify", "title": "<b>Qs</b>"})
    item_url, focus = response["Location"].split("?")
    assert focus == "new=1#note-body"  # the new note opens with the focus in its text
    assert "Your new note is ready" in client.get(response["Location"]).content.decode()
    editor = client.get(item_url).content.decode()
    assert "&lt;b&gt;Qs&lt;/b&gt;" in editor and "<b>Qs</b>" not in editor
    save = item_url + "save/"
    assert client.post(save, {"body": "Why?", "version": "1"}).json()["version"] == 2
    conflict = client.post(save, {"body": "Other tab", "version": "1"})
    assert conflict.status_code == 409
    assert conflict.json()["theirs"] == "Why?" and conflict.json()["yours"] == "Other tab"
    assert client.post(save, {"body": "x"}).status_code == 400


def test_teacher_reads_but_cannot_save(world, client_for):
    client = client_for(world.user("teacher@own"))
    page = client.get(
        reverse("portfolios:portfolio", args=[world.portfolios["own"].pk])
    ).content.decode()
    assert "only its pupils can change it" in page
    item = world.items["own"]
    assert client.get(reverse("portfolios:item", args=[item.pk])).status_code == 200
    response = client.post(
        reverse("portfolios:save_note", args=[item.pk]), {"body": "x", "version": "1"}
    )
    assert response.status_code == 403


def test_portfolio_page_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    from risingtide.portfolios.services import add_note

    pupil = world.user("pupil@own")
    client = client_for(pupil)
    url = reverse("portfolios:portfolio", args=[world.portfolios["own"].pk])
    client.get(url)
    with django_assert_max_num_queries(3):  # kept: session, person, portfolio
        client.get(url)
    world.portfolios["own"].items.update(title=F("title"))  # moves the version on: afresh
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    for n in range(40):
        add_note(pupil, world.portfolios["own"], ["gather", "decide"][n % 2], f"note {n}")
    with django_assert_max_num_queries(len(before)):
        client.get(url)


def test_progress_grid_shows_each_pupil_by_stage_and_who_is_quiet(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from risingtide.portfolios.models import Portfolio
    from risingtide.portfolios.services import set_stage_done

    set_stage_done(world.user("pupil@own"), world.portfolios["own"], "gather", True)
    Portfolio.objects.filter(pk=world.portfolios["own"].pk).update(
        last_activity_at=timezone.now() - timedelta(days=9)
    )
    client = client_for(world.user("teacher@own"))
    page = client.get(reverse("portfolios:project_progress", args=[world.projects["own"].pk]))
    html = page.content.decode()
    assert "Own, Ada" in html and "Own, Ben" in html  # both pupils of the class
    ada = html[html.index("Own, Ada") :].split("</tr>")[0]
    assert "9 days ago" in ada and '<span class="tag tag-stuck">stuck</span>' in ada
    assert "Ada Own, Gather and Organise: done, 2 items" in ada  # a note, a picture
    assert "Ada Own, Identify: stuck" in ada  # where the wheel says she is
    assert "not opened" in html  # Ben has not opened his portfolio
    assert "Other" not in html.split("<tbody>")[1]


def test_progress_grid_query_count_is_fixed(world, client_for, django_assert_max_num_queries):
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role
    from risingtide.portfolios.services import add_note, portfolio_for

    client = client_for(world.user("teacher@own"))
    url = reverse("portfolios:project_progress", args=[world.projects["own"].pk])
    client.get(url)
    with django_assert_max_num_queries(5):  # kept: session, person, project, grid version
        client.get(url)
    world.projects["own"].portfolios.update(content_version=F("content_version") + 1)
    with django_assert_max_num_queries(20) as before:  # afresh
        client.get(url)
    for n in range(25):
        pupil = make_user(f"class.{n}", "Class", f"Pupil{chr(65 + n)}")
        member(pupil, Role.PUPIL, school=world.schools["own"], teaching_group=world.groups["own"])
        portfolio = portfolio_for(pupil, world.projects["own"])
        add_note(pupil, portfolio, "gather", "n")
    with django_assert_max_num_queries(len(before)):
        client.get(url)


def test_notes_are_markdown_rendered_clean_for_readers(world, client_for):
    pupil = client_for(world.user("pupil@own"))
    item = world.items["own"]
    save = reverse("portfolios:save_note", args=[item.pk])
    body = "## Facts\n**Bees** <script>alert(1)</script>"
    saved = pupil.post(save, {"body": body, "version": "1"}).json()
    assert "<h4>Facts</h4>" in saved["html"] and "<strong>Bees</strong>" in saved["html"]
    assert "<script>" not in saved["html"]
    teacher_view = client_for(world.user("teacher@own")).get(
        reverse("portfolios:item", args=[item.pk])
    )
    page = teacher_view.content.decode()
    assert "<strong>Bees</strong>" in page and "<script>alert" not in page
    # The history names who saved each version.
    assert "Version 2 · Ada Own" in page
