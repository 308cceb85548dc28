"""The SCORM pages through the test client: an author uploads (a refusal is said beside the
file and writes nothing); a learner's page frames the player on its own origin and saves
commits behind the CSRF check; the player's origin answers nothing but the player, with a
capability rather than a session, and serves a package's files inert to the platform."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.training.models import Module, ScormPackage, ScormState
from risingtide.training.scorm import packages, player
from risingtide.training.tests import scorm_packages as make
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db
PLAYER = "http://player.test:8000"
PLATFORM = "http://testserver"


@pytest.fixture
def training(world, settings, tmp_path):
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    settings.TRAINING_PLAYER_ORIGIN = PLAYER
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver", "player.test"]
    return add_training(world)


def _zip(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("package.zip", data, content_type="application/zip")


def _module(training, standard="1.2") -> Module:
    return packages.publish_package(
        training.users["la_lead@own"], training.programmes["own"], _zip(make.package(standard))
    ).module


def test_an_author_uploads_a_package_as_a_new_module(
    training, client, django_assert_max_num_queries
):
    client.force_login(training.users["la_lead@own"])
    url = reverse("training:scorm_upload", args=[training.programmes["own"].pk])
    _module(training)  # one package listed already
    _module(training)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    response = client.post(url, {"package": _zip(make.package()), "module": "new", "core": "on"})
    assert response.status_code == 302 and response["Location"].endswith("#packages")
    package = ScormPackage.objects.latest("pk")
    assert package.module.core and package.module.title == "Spotting the more able"
    page = client.get(response["Location"]).content.decode()
    assert "version 1 from the package" in page and "SCORM 1.2" in page


def test_a_refused_package_is_said_beside_the_file_and_writes_nothing(training, client, settings):
    client.force_login(training.users["la_lead@own"])
    url = reverse("training:scorm_upload", args=[training.programmes["own"].pk])
    slip = make.build({**make.files(), "../../escape.html": "x"})
    modules = Module.objects.count()
    response = client.post(url, {"package": _zip(slip), "module": "new"})
    assert response.status_code == 400
    assert "has a path that leaves its folder" in response.content.decode()
    assert ScormPackage.objects.count() == 0 and Module.objects.count() == modules
    root = settings.TRAINING_SCORM_DIR
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_learners_and_other_las_cannot_upload(training, client):
    url = reverse("training:scorm_upload", args=[training.programmes["own"].pk])
    client.force_login(training.users["leading_teacher@own"])  # a learner: not theirs to write
    assert client.get(url).status_code == 404
    client.force_login(training.users["la_lead@other"])
    assert client.get(url).status_code == 404


def test_the_learners_page_frames_the_player_on_its_own_origin(
    training, client, django_assert_max_num_queries
):
    module = _module(training)
    client.force_login(training.users["leading_teacher@own"])
    url = reverse("training:scorm_play", args=[module.pk])
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'src="{PLAYER}/training/player/' in page
    assert 'sandbox="allow-scripts allow-same-origin' in page  # same origin: the player's own
    assert "allow-top-navigation" not in page
    policy = response["Content-Security-Policy"]
    assert f"frame-src {PLAYER}" in policy and "script-src 'self'" in policy
    start = json.loads(page.split('id="scorm-start" type="application/json">')[1].split("<")[0])
    assert start["standard"] == "1.2" and start["session"] == 1
    # The authored module's page sends a SCORM module's learner here.
    assert client.get(reverse("training:module", args=[module.pk]))["Location"] == url


def test_no_other_page_may_frame_anything(training, client):
    client.force_login(training.users["leading_teacher@own"])
    response = client.get(reverse("training:home"))
    assert "frame-src 'none'" in response["Content-Security-Policy"]


def test_without_a_player_origin_the_module_says_it_cannot_play(training, client, settings):
    module = _module(training)
    settings.TRAINING_PLAYER_ORIGIN = ""
    client.force_login(training.users["leading_teacher@own"])
    response = client.get(reverse("training:scorm_play", args=[module.pk]))
    assert "cannot be played on this site yet" in response.content.decode()
    assert "frame-src 'none'" in response["Content-Security-Policy"]


def test_commits_are_saved_behind_the_csrf_check(training, client):
    module = _module(training)
    learner = client
    learner.handler.enforce_csrf_checks = True
    learner.force_login(training.users["leading_teacher@own"])
    page = learner.get(reverse("training:scorm_play", args=[module.pk]))
    referer = f"https://testserver{reverse('training:scorm_play', args=[module.pk])}"
    csrf = {"HTTP_X_CSRFTOKEN": str(page.context["csrf_token"]), "HTTP_REFERER": referer}
    url = reverse("training:scorm_commit", args=[module.pk])
    body = {"session": 1, "cmi": {"cmi.suspend_data": "seen=1", "cmi.core.exit": "suspend"}}
    no_token = learner.post(url, body, content_type="application/json", HTTP_REFERER=referer)
    assert no_token.status_code == 403
    saved = learner.post(url, body, content_type="application/json", **csrf)
    assert saved.status_code == 200 and saved.json()["completed"] is False
    assert ScormState.objects.get().suspend_data == "seen=1"
    too_long = {"session": 1, "cmi": {"cmi.suspend_data": "x" * 5000}}
    refused = learner.post(url, too_long, content_type="application/json", **csrf)
    assert refused.status_code == 400 and "longer than the standard" in refused.json()["error"]
    stale = learner.post(url, {"session": 0, "cmi": {}}, content_type="application/json", **csrf)
    assert stale.status_code == 409
    done = {"session": 1, "cmi": {"cmi.core.lesson_status": "passed"}}
    finished = learner.post(url, done, content_type="application/json", **csrf)
    assert finished.json()["completed"] is True
    assert ScormState.objects.get().suspend_data == ""  # the last commit is what is kept


def _player_get(client, path):
    return client.get(path, HTTP_HOST="player.test:8000")


def test_the_player_opens_by_capability_and_serves_files_inert_to_the_platform(training, client):
    module = _module(training)
    package = ScormPackage.objects.get(module=module)
    token = player.mint(package, PLATFORM)
    page = _player_get(client, f"/training/player/{token}/")
    assert page.status_code == 200
    assert f"frame-ancestors {PLATFORM}" in page["Content-Security-Policy"]
    assert "script-src 'self';" in page["Content-Security-Policy"]
    assert 'data-platform-origin="http://testserver"' in page.content.decode()
    assert "scorm12.min.js" in page.content.decode()
    assert "X-Frame-Options" not in page and page["X-Content-Type-Options"] == "nosniff"
    assert not page.cookies  # nothing of a session here
    sco = _player_get(client, f"/training/player/{token}/files/index.html")
    assert sco["Content-Type"] == "text/html; charset=utf-8"
    assert sco["X-Content-Type-Options"] == "nosniff"
    assert f"frame-ancestors 'self' {PLATFORM}" in sco["Content-Security-Policy"]
    assert b"Go to page 2" in b"".join(sco.streaming_content)
    script = _player_get(client, f"/training/player/{token}/files/sco.js")
    assert script["Content-Type"].startswith("text/javascript")
    for path in ("files/../imsmanifest.xml", "files/%2e%2e/x", "files/nothing.html"):
        assert _player_get(client, f"/training/player/{token}/{path}").status_code == 404
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert _player_get(client, f"/training/player/{forged}/").status_code == 404


def test_an_expired_capability_opens_nothing(training, client, monkeypatch):
    module = _module(training)
    token = player.mint(ScormPackage.objects.get(module=module), PLATFORM)
    monkeypatch.setattr(player, "TOKEN_SECONDS", -1)
    assert _player_get(client, f"/training/player/{token}/").status_code == 404


def test_the_two_origins_answer_only_their_own_routes(training, client):
    module = _module(training)
    token = player.mint(ScormPackage.objects.get(module=module), PLATFORM)
    client.force_login(training.users["leading_teacher@own"])
    # The platform's pages and API are not there on the player's origin, signed in or not.
    for path in ("/api/v1/me", "/accounts/login/", reverse("training:home")):
        assert _player_get(client, path).status_code == 404
    assert _player_get(client, "/static/training/scorm/player.js").status_code == 200
    # And the player is not on the platform's.
    assert client.get(f"/training/player/{token}/").status_code == 404
