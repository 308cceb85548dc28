"""A group project: the teacher makes a group; two pupils write in the group's note at once;
neither text is lost, and the one who saved second keeps both."""

import pytest
from playwright.sync_api import Browser, Page, expect

from risingtide.demo.testing import TinyWorld
from risingtide.portfolios.models import Item
from risingtide.tasc.models import Assignment, Project
from tests.browser.axe import assert_accessible
from tests.browser.steps import screenshot, sign_in_and_land_home

pytestmark = pytest.mark.browser


def test_two_group_members_write_in_one_note(page: Page, browser: Browser, server, tiny_world):
    project = Project.objects.create(
        school=tiny_world.schools["own"],
        title="Bee hotel team",
        key_stage=Project.KeyStage.KS3,
        wheel=tiny_world.wheels["default"],
        mode=Project.Mode.GROUP,
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=tiny_world.groups["own"])

    sign_in_and_land_home(page, "teacher.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", name="Not in a group yet (2)")).to_be_visible()
    page.get_by_label("Own, Ada").check()
    page.get_by_label("Own, Ben").check()
    page.get_by_label("Group name (optional)").fill("Bee Team")
    page.get_by_role("button", name="Make a group").click()
    expect(page.get_by_role("heading", name="Bee Team")).to_be_visible()
    screenshot(page, "groups")
    assert_accessible(page)

    # Ada starts a note in the group's portfolio.
    ada = browser.new_context(base_url=server.url, locale="en-GB").new_page()
    sign_in_and_land_home(ada, "pupil1.own", TinyWorld.PASSWORD)
    ada.goto(f"/projects/{project.pk}/")
    ada.get_by_role("link", name="Open my group's portfolio").click()
    expect(ada.get_by_role("heading", level=1)).to_contain_text("Bee Team")
    ada.get_by_role("link", name="Stage 3: Generate").click()
    ada.get_by_label("Add to Generate").fill("Our ideas")
    ada.get_by_role("button", name="Add a Note").click()
    expect(ada.locator("form.autosave[data-ready]")).to_have_count(1)
    note_url = ada.url.split("?")[0]  # the note, without "new" and its focus

    # Ben opens the same note, then both type.
    ben = browser.new_context(base_url=server.url, locale="en-GB").new_page()
    sign_in_and_land_home(ben, "pupil2.own", TinyWorld.PASSWORD)
    ben.goto(note_url)
    expect(ben.locator("form.autosave[data-ready]")).to_have_count(1)
    ada.get_by_label("Your note").fill("Bamboo tubes")
    expect(ada.get_by_role("status")).to_have_text("All changes saved.")
    ben.get_by_label("Your note").fill("A drilled log")
    expect(ben.get_by_text("Two versions of this note")).to_be_visible()
    expect(ben.locator(".conflict-theirs")).to_have_text("Bamboo tubes")
    expect(ben.locator(".conflict-yours")).to_have_text("A drilled log")
    screenshot(ben, "group-note-conflict")
    ben.get_by_role("button", name="Keep both, one after the other").click()
    expect(ben.get_by_role("status")).to_have_text("All changes saved.")
    assert Item.objects.get(title="Our ideas").body == "Bamboo tubes\n\nA drilled log"

    # The portfolio says who added the note; its history says who saved what.
    ben.goto(note_url)
    ben.get_by_text("Earlier versions").click()
    expect(ben.locator(".history li").first).to_contain_text("Ben Own")
    expect(ben.locator(".history")).to_contain_text("Ada Own")
    assert_accessible(ben)
    ada.context.close()
    ben.context.close()


def test_pupils_choose_groups_talk_and_say_who_gave_what(
    page: Page, browser: Browser, server, tiny_world
):
    project = Project.objects.create(
        school=tiny_world.schools["own"],
        title="Pond survey",
        key_stage=Project.KeyStage.KS3,
        wheel=tiny_world.wheels["default"],
        mode=Project.Mode.GROUP,
        pupils_choose_groups=True,
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=tiny_world.groups["own"])

    sign_in_and_land_home(page, "pupil1.own", TinyWorld.PASSWORD)
    page.goto(f"/projects/{project.pk}/")
    page.get_by_role("link", name="Open my group's portfolio").click()
    page.get_by_role("button", name="Start a new group").click()
    expect(page.get_by_text("You are in Group 1.")).to_be_visible()
    page.get_by_role("link", name="Group discussion").click()
    page.get_by_label("Your message").fill("Let's survey the pond on Friday.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Let's survey the pond on Friday.")).to_be_visible()
    assert_accessible(page)

    ben = browser.new_context(base_url=server.url, locale="en-GB").new_page()
    sign_in_and_land_home(ben, "pupil2.own", TinyWorld.PASSWORD)
    ben.goto(f"/projects/{project.pk}/")
    ben.get_by_role("link", name="Open my group's portfolio").click()
    ben.get_by_role("radio", name="Group 1 (1 in it)").check()
    assert_accessible(ben)
    ben.get_by_role("button", name="Join this group").click()
    ben.get_by_role("link", name="Who gave what").click()
    ben.get_by_role("group", name="Ada Own").get_by_label("A lot").check()
    ben.get_by_role("group", name="Ben Own (you)").get_by_label("Some").check()
    ben.get_by_role("button", name="Save").click()
    expect(ben.get_by_text("Saved.")).to_be_visible()
    screenshot(ben, "group-contributions")
    assert_accessible(ben)
    ben.context.close()


def test_three_pupils_build_one_group_portfolio_and_each_sees_who_did_what(
    page: Page, browser: Browser, server, tiny_world
):
    from risingtide.demo.testing import make_user, member
    from risingtide.people.models import Role
    from risingtide.portfolios.groups import form_group

    cat = make_user("pupil3.own", "Cat", "Own")
    member(cat, Role.PUPIL, school=tiny_world.schools["own"])
    member(
        cat, Role.PUPIL, school=tiny_world.schools["own"], teaching_group=tiny_world.groups["own"]
    )
    project = Project.objects.create(
        school=tiny_world.schools["own"],
        title="Wildlife garden",
        key_stage=Project.KeyStage.KS3,
        wheel=tiny_world.wheels["default"],
        mode=Project.Mode.GROUP,
        status=Project.Status.OPEN,
    )
    Assignment.objects.create(project=project, teaching_group=tiny_world.groups["own"])
    group = form_group(
        tiny_world.users["teacher@own"],
        project,
        [tiny_world.users["pupil@own"], tiny_world.users["pupil2@own"], cat],
        "Hedgehogs",
    )
    pages = {"pupil1.own": page}
    for username in ("pupil2.own", "pupil3.own"):
        pages[username] = browser.new_context(base_url=server.url, locale="en-GB").new_page()
    for username, title in (
        ("pupil1.own", "Leaves"),
        ("pupil2.own", "Logs"),
        ("pupil3.own", "Pond"),
    ):
        p = pages[username]
        sign_in_and_land_home(p, username, TinyWorld.PASSWORD)
        p.goto(f"/portfolios/{group.pk}/")
        p.get_by_label("Add to Gather and Organise").fill(title)
        p.get_by_role("button", name="Add a Note").click()
        expect(p.get_by_role("heading", level=1)).to_contain_text(title)
    for p in pages.values():
        p.goto(f"/portfolios/{group.pk}/")
        cards = p.locator(".stage-board li.card")
        expect(cards).to_have_count(3)
        for title, who in (("Leaves", "Ada"), ("Logs", "Ben"), ("Pond", "Cat")):
            expect(cards.filter(has_text=title)).to_contain_text(f"Note · {who}")
    screenshot(pages["pupil3.own"], "group-portfolio-three")
    assert_accessible(pages["pupil3.own"])
    for username in ("pupil2.own", "pupil3.own"):
        pages[username].context.close()
