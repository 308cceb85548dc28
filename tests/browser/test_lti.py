"""LTI 1.3 end to end, with the platform simulator (risingtide/lti/tests/platform.py) on
127.0.0.1: a teacher launches Rising Tide from the course to add content (deep linking), picks
a TASC project, and the signed answer goes back to the platform; a pupil then launches the
placed project, lands in their portfolio and finishes two stages, and the platform's gradebook
receives "2 of 8 stages done". A launch with a tampered signature gets the refusal page.
Every page of ours is axe-clean and pictured at 1280 and 390 px."""

import contextlib
import re
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from risingtide.lti import keys
from risingtide.lti.models import Deployment, Platform
from risingtide.lti.tests.platform import Person, RunningPlatform, Simulator
from risingtide.tasc.models import Project
from tests.browser.axe import assert_accessible
from tests.browser.steps import made, on_a_phone, screenshot

pytestmark = pytest.mark.browser

TEACHER = Person("t-1", "Grace", "Hopper", "Instructor")
PUPIL = Person("p-1", "Ada", "Lovelace", "Learner")


def both_widths(page: Page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, f"{name}-1280")
    on_a_phone(page, name)


@pytest.fixture
def warm_server(request):
    """The live server, started as ``server`` starts it and asked for a first page with time
    to spare: on a busy machine a cold server's first answer can outlast ``server``'s 5 s
    check, which is about plain HTTP, not speed."""
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        live = request.getfixturevalue("live_server")
    with contextlib.suppress(OSError):
        urllib.request.urlopen(live.url + "/healthz", timeout=60).read()
    return request.getfixturevalue("server")


@pytest.fixture
def platform_sim(warm_server, settings, tiny_world):
    server = warm_server
    sim = Simulator(tool_key_set=keys.key_set)
    with RunningPlatform(sim, host=urlsplit(server.url).hostname) as running:
        settings.FETCH_ALLOW_HOSTS = [running.url.removeprefix("http://")]
        settings.PUBLIC_URL = server.url
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
        platform = Platform.objects.create(
            name="Oak Moodle",
            school=tiny_world.schools["own"],
            new_teachers=Platform.NewTeachers.INSTRUCTORS,  # the teacher's first launch adds her
            **running.registration(),
        )
        Deployment.objects.create(platform=platform, deployment_id=running.deployment_id)
        yield running


def _start(page: Page, sim: Simulator, server, person: Person, **what) -> None:
    page.goto(
        sim.start_url(server.url + "/lti/login/", server.url + "/lti/launch/", person, **what)
    )


def test_teacher_deep_links_a_project_and_a_pupils_progress_reaches_the_gradebook(
    page: Page, platform_sim, warm_server, tiny_world
):
    server = warm_server
    sim = platform_sim
    project = tiny_world.projects["own"]

    # The teacher adds Rising Tide content to the course: straight to the choice of project.
    _start(page, sim, server, TEACHER, message="LtiDeepLinkingRequest")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Choose a TASC project for Year 5 Science"
    )
    both_widths(page, "lti-deep-link")
    page.get_by_role("button", name=re.compile(rf"^Place in course\W+{project.title}$")).click()
    # The answer goes back by itself (a static script) and the platform shows what it got.
    expect(page.get_by_role("heading", level=1)).to_have_text("Added to the course")
    expect(page.locator("main")).to_contain_text(project.title)
    (answer,) = sim.deep_link_answers
    (item,) = answer["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"rt_project": str(project.pk)}
    assert Project.objects.get(pk=project.pk).status == Project.Status.OPEN

    # A pupil of the course opens the placed project: their portfolio, signed in.
    page.context.clear_cookies()
    _start(page, sim, server, PUPIL, custom=item["custom"])
    expect(page.get_by_role("heading", level=1)).to_contain_text(project.title)
    both_widths(page, "lti-pupil-portfolio")
    for _ in range(2):
        page.get_by_role("button", name="I have finished this stage").click()
        expect(page.get_by_role("button", name="I have finished this stage")).to_be_visible()
    made(lambda: sim.scores[1] if len(sim.scores) >= 2 else None)
    assert sim.scores[-1]["comment"] == "2 of 8 stages done"
    assert (sim.scores[-1]["scoreGiven"], sim.scores[-1]["scoreMaximum"]) == (2, 8)


def test_a_tampered_launch_gets_a_page_that_says_what_to_do(page: Page, platform_sim, warm_server):
    server = warm_server
    platform_sim.misbehave.add("tampered")
    _start(page, platform_sim, server, TEACHER)
    expect(page.get_by_role("heading", level=1)).to_have_text("The launch's signature is not valid")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "What to tell your learning platform's administrator"
    )
    both_widths(page, "lti-refused")
