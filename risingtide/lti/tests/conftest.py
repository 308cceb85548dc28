"""A running platform simulator, its registration for the tiny world's "own" school, and the
two steps of a launch as a browser (the test client) takes them."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from risingtide.lti import keys
from risingtide.lti.models import Deployment, Platform
from risingtide.lti.tests.platform import Person, RunningPlatform, Simulator

TEACHER = Person("t-100", "Grace", "Hopper", "Instructor")
PUPIL = Person("p-200", "Ada", "Lovelace", "Learner")
PUPIL2 = Person("p-201", "Alan", "Turing", "Learner")


@pytest.fixture
def sim(settings):
    simulator = Simulator(tool_key_set=keys.key_set)
    with RunningPlatform(simulator) as running:
        settings.FETCH_ALLOW_HOSTS = [running.url.removeprefix("http://")]
        settings.PUBLIC_URL = "https://testserver"
        yield running


@pytest.fixture
def school(db):
    """A school of its own (the claim checks need no more; ``test_launch`` uses the world's)."""
    from risingtide.schools.models import LocalAuthority, Nation, School

    nation = Nation.objects.create(name="England")
    la = LocalAuthority.objects.create(nation=nation, code="999", name="Testshire")
    return School.objects.create(
        local_authority=la,
        name="Oak Primary",
        establishment_number="2001",
        urn="999001",
        phase="primary",
    )


@pytest.fixture
def platform(sim, school):
    registered = Platform.objects.create(
        name="Simulated Moodle",
        school=school,
        new_teachers=Platform.NewTeachers.INSTRUCTORS,
        **sim.registration(),
    )
    Deployment.objects.create(platform=registered, deployment_id=sim.deployment_id)
    return registered


def begin(client, sim, person, **extra):
    """The platform's login initiation; the state and nonce we sent back with the browser."""
    params = {
        "iss": sim.issuer,
        "login_hint": person.sub,
        "target_link_uri": "https://testserver/lti/launch/",
        "client_id": sim.client_id,
        "lti_deployment_id": sim.deployment_id,
        **extra,
    }
    response = client.post(reverse("lti:login"), params)
    assert response.status_code == 302, response.content.decode()[:500]
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    return query["state"], query["nonce"]


def launch(client, sim, person, message="LtiResourceLinkRequest", claims=None, **kw):
    """A whole launch: login initiation, then the id_token POST (``claims`` edits the token)."""
    state, nonce = begin(client, sim, person)
    made = sim.claims(person, nonce, message, **kw)
    if claims:
        claims(made)
    token = sim.sign(made)
    return client.post(reverse("lti:launch"), {"id_token": token, "state": state})
