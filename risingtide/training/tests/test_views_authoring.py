"""The authoring pages through the test client: an LA lead starts a programme, adds a module,
writes it step by step, previews and publishes it; the editor in a constant number of
queries; autosave refusing an out-of-date copy; a re-publish mid-way through a learner's
module; media served only to who may see the module; sharing between LAs."""

import copy

import pytest
from django.urls import reverse

from risingtide.lib.testing import png_file
from risingtide.training import authoring, services, sharing
from risingtide.training.models import Completion, Module, ModuleMedia, Programme, Progress
from risingtide.training.tests.authoring_helpers import editor_fields
from risingtide.training.tests.world import CONTENT, add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world):
    return add_training(world)


def _as(client, world, key="la_lead@own"):
    client.force_login(world.users[key])
    return client


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_an_la_lead_starts_a_programme_and_adds_a_module(training, client):
    c = _as(client, training)
    refused = c.post(reverse("training:write_home"), {"title": "", "rules": []})
    assert refused.status_code == 400
    assert "Give it a title." in refused.content.decode()
    response = c.post(
        reverse("training:write_home"),
        {
            "title": "Leading teachers of Own",
            "summary": "Our LA's course",
            "rules": ["all_core_passed"],
        },
    )
    programme = Programme.objects.get(title="Leading teachers of Own")
    assert programme.local_authority == training.las["own"] and programme.rules == [
        "all_core_passed"
    ]
    assert response["Location"].endswith(f"/training/write/programmes/{programme.pk}/#add-module")
    first = c.post(
        reverse("training:write_programme", args=[programme.pk]), {"title": "Basics", "core": "1"}
    )
    basics = Module.objects.get(programme=programme, title="Basics")
    assert first["Location"] == reverse("training:write_module", args=[basics.pk])
    c.post(
        reverse("training:write_programme", args=[programme.pk]),
        {"title": "Going further", "core": "0", "prerequisites": [basics.pk]},
    )
    further = Module.objects.get(title="Going further")
    assert not further.core and list(further.prerequisites.all()) == [basics]
    page = c.get(reverse("training:write_programme", args=[programme.pk])).content.decode()
    assert "Draft, not published" in page and "Learners finish Basics first." in page


def test_an_la_lead_cannot_write_the_nations_programme(training, client):
    c = _as(client, training)
    assert (
        c.get(
            reverse("training:write_programme", args=[training.programmes["nation"].pk])
        ).status_code
        == 404
    )
    assert (
        c.get(reverse("training:write_module", args=[training.modules["other"].pk])).status_code
        == 404
    )


def test_the_author_writes_reorders_previews_and_publishes(training, client):
    c = _as(client, training)
    module = services.add_module(training.users["la_lead@own"], training.programmes["own"], "New")
    url = reverse("training:write_module", args=[module.pk])
    # Three steps added with the buttons, each posting the (empty) draft so far.
    for n, kind in enumerate(("page", "check", "reflection")):
        draft = Module.objects.get(pk=module.pk)
        c.post(url, editor_fields(authoring.steps_of(draft), n, f"add-{kind}"))
    draft = Module.objects.get(pk=module.pk)
    assert [s["kind"] for s in authoring.steps_of(draft)] == ["page", "check", "reflection"]
    steps = copy.deepcopy(CONTENT["steps"])
    steps[1]["questions"][0]["answers"][1]["correct"] = False  # no right answer yet
    saved = c.post(url, editor_fields(steps, 3, "publish"), follow=True)
    assert "Step 2, question 1 has no right answer." in saved.content.decode()
    assert not module.versions.exists()
    # Fixed, then the reflection moved to the top with the keyboard's button.
    steps[1]["questions"][0]["answers"][1]["correct"] = True
    moved = c.post(url, editor_fields(steps, 4, "up-2"))
    assert moved["Location"].endswith("#step-1")
    moved = c.post(
        url, editor_fields(authoring.steps_of(Module.objects.get(pk=module.pk)), 5, "up-1")
    )
    order = [s["kind"] for s in authoring.steps_of(Module.objects.get(pk=module.pk))]
    assert order == ["reflection", "page", "check"]
    preview = c.get(
        reverse("training:write_preview", args=[module.pk]) + "?step=1"
    ).content.decode()
    assert "<strong>not only</strong>" in preview and "Preview of your draft" in preview
    published = c.post(
        url,
        editor_fields(authoring.steps_of(Module.objects.get(pk=module.pk)), 6, "publish"),
        follow=True,
    )
    assert "Published version 1." in published.content.decode()
    assert module.versions.get().steps[0]["kind"] == "reflection"


def test_a_removed_step_can_be_put_back(training, client):
    c = _as(client, training)
    module = training.modules["own"]
    url = reverse("training:write_module", args=[module.pk])
    c.post(url, editor_fields(CONTENT["steps"], 0, "remove-1"))
    assert [s["kind"] for s in authoring.steps_of(Module.objects.get(pk=module.pk))] == [
        "page",
        "reflection",
    ]
    page = c.get(url).content.decode()
    assert "Put back the removed step" in page
    c.post(url, editor_fields(CONTENT["steps"][::2], 1, "restore"))
    assert authoring.steps_of(Module.objects.get(pk=module.pk)) == CONTENT["steps"]


def test_the_editor_page_makes_a_constant_number_of_queries(
    training, client, django_assert_max_num_queries
):
    c = _as(client, training)
    module = training.modules["own"]
    url = reverse("training:write_module", args=[module.pk])
    c.get(url)
    with django_assert_max_num_queries(20) as counted:
        assert c.get(url).status_code == 200
    few = len(counted.captured_queries)
    lead = training.users["la_lead@own"]
    pictures = [sharing.add_media(lead, module, png_file(f"p{n}.png")) for n in range(3)]
    steps = CONTENT["steps"] * 4
    steps[0] = dict(steps[0], body="\n".join(f"![Picture {p.pk}](media:{p.pk})" for p in pictures))
    authoring.save_draft(lead, module, steps, 0)
    with django_assert_max_num_queries(few + 1):  # the pictures the draft refers to: one query
        page = c.get(url).content.decode()
    assert page.count('class="author-step ') == 12


def test_autosave_keeps_the_draft_and_refuses_an_out_of_date_copy(training, client):
    c = _as(client, training)
    module = training.modules["own"]
    url = reverse("training:write_autosave", args=[module.pk])
    unfinished = [{"kind": "page", "title": "", "body": "Half a thought"}]
    saved = c.post(url, editor_fields(unfinished, 0))
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    assert "Step 1's title needs some text." in saved.json()["problems"]
    other_tab = c.post(url, editor_fields([{"kind": "page", "title": "", "body": "Other"}], 0))
    assert other_tab.status_code == 409 and other_tab.json()["revision"] == 1
    assert authoring.steps_of(Module.objects.get(pk=module.pk)) == unfinished
    # The editor's own post from an out-of-date copy shows the author's words, unsaved.
    page = c.post(
        reverse("training:write_module", args=[module.pk]),
        editor_fields([{"kind": "page", "title": "Mine", "body": "Words from the stale tab"}], 0),
    )
    assert page.status_code == 409
    assert "Words from the stale tab" in page.content.decode()
    assert 'name="revision" value="1"' in page.content.decode()


def test_a_picture_is_uploaded_into_a_page_and_served_to_its_learners(training, client, client_for):
    c = _as(client, training)
    module = training.modules["own"]
    url = reverse("training:write_module", args=[module.pk])
    data = editor_fields(CONTENT["steps"], 0, "upload-0")
    no_alt = c.post(url, {**data, "s-0-file": png_file()}, follow=True)
    assert "Describe the picture first" in no_alt.content.decode()
    assert not ModuleMedia.objects.exists()
    pdf = c.post(
        url,
        {**editor_fields(CONTENT["steps"], 1, "upload-0"), "s-0-alt": "x", "s-0-file": _pdf()},
        follow=True,
    )
    assert "A page can show a picture" in pdf.content.decode()
    # Each refused upload kept the draft first (revisions 1 and 2).
    c.post(
        url,
        {
            **editor_fields(CONTENT["steps"], 2, "upload-0"),
            "s-0-alt": "A <b>bold</b> chart",
            "s-0-file": png_file("chart.png"),
        },
    )
    item = ModuleMedia.objects.get()
    body = authoring.steps_of(Module.objects.get(pk=module.pk))[0]["body"]
    assert body.endswith(f"![A <b>bold</b> chart](media:{item.pk})\n")
    authoring.publish(training.users["la_lead@own"], Module.objects.get(pk=module.pk))
    learner = client_for(training.users["leading_teacher@own"])
    services.progress_for(training.users["leading_teacher@own"], module)
    Progress.objects.filter(module=module).delete()  # start again on the new version
    page = learner.get(reverse("training:module", args=[module.pk]) + "?step=0").content.decode()
    src = reverse("training:media", args=[item.pk])
    assert f'<img src="{src}" alt="A &lt;b&gt;bold&lt;/b&gt; chart"' in page
    served = learner.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client_for(training.users["leading_teacher@cluster"]).get(src).status_code == 200
    assert client_for(training.users["la_lead@other"]).get(src).status_code == 404


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_republished_mid_way_a_learner_finishes_the_version_they_started(
    training, client, client_for
):
    module = training.modules["own"]
    early = client_for(training.users["leading_teacher@own"])
    module_url = reverse("training:module", args=[module.pk])
    early.get(module_url)  # starts on version 1
    early.post(reverse("training:answer", args=[module.pk]), {"step": 1, "q0": "1"})
    # The author adds a page and publishes version 2 through the editor.
    steps = [*CONTENT["steps"], {"kind": "page", "title": "New in version 2", "body": "More."}]
    _as(client, training).post(
        reverse("training:write_module", args=[module.pk]), editor_fields(steps, 0, "publish")
    )
    assert module.versions.count() == 2
    page = early.get(module_url + "?step=3").content.decode()
    assert "New in version 2" not in page and "Step 3 of 3" in page
    early.post(
        reverse("training:reflection", args=[module.pk]), {"step": 2, "body": "Ours.", "version": 0}
    )
    early.post(reverse("training:finish", args=[module.pk]))
    late = client_for(training.users["leading_teacher@peer"])
    page = late.get(module_url + "?step=3").content.decode()
    assert "New in version 2" in page and "Step 4 of 4" in page
    late.post(reverse("training:answer", args=[module.pk]), {"step": 1, "q0": "1"})
    late.post(
        reverse("training:reflection", args=[module.pk]), {"step": 2, "body": "Mine.", "version": 0}
    )
    late.post(reverse("training:finish", args=[module.pk]))
    done = Progress.objects.filter(module=module, completed_at__isnull=False)
    assert sorted(done.values_list("version__number", flat=True)) == [1, 2]
    # Either version counts towards the programme.
    recorded = Completion.objects.filter(programme=training.programmes["own"])
    assert {
        c.evidence["all_core_passed"]["modules"][str(module.pk)]["version"] for c in recorded
    } == {1, 2}


def test_a_module_shared_by_one_la_is_copied_by_another_with_its_provenance(
    training, client, client_for
):
    own = _as(client, training)
    module = training.modules["own"]
    assert own.post(reverse("training:share", args=[module.pk])).status_code == 302
    again = own.post(reverse("training:share", args=[module.pk]), follow=True)
    assert "Version 1 is already shared." in again.content.decode()
    other = client_for(training.users["la_lead@other"])
    listing = other.get(reverse("training:shared")).content.decode()
    assert f"From {training.las['own'].name}, version 1" in listing
    # The library, where people look for what others share, shows the shelf with its count;
    # a teacher, who writes no training, does not see it.
    library = other.get(reverse("library:search")).content.decode()
    assert "Training modules LAs share" in library and "(1)" in library
    assert reverse("training:shared") in library
    teacher = client_for(training.users["teacher@own"]).get(reverse("library:search"))
    assert "Training modules LAs share" not in teacher.content.decode()
    shared = module.versions.get().share
    target = training.programmes["other"]
    response = other.post(
        reverse("training:copy_shared", args=[shared.pk]), {"programme": target.pk}
    )
    copied = Module.objects.filter(programme=target).latest("pk")
    assert response["Location"] == reverse("training:write_module", args=[copied.pk])
    assert authoring.steps_of(copied) == module.versions.get().steps
    page = other.get(response["Location"]).content.decode()
    la = training.las["own"].name
    assert f"Copied from {la}, {module.title} version 1." in page.replace("&amp;", "&")
    # Not into a programme they do not write.
    refused = other.post(
        reverse("training:copy_shared", args=[shared.pk]),
        {"programme": training.programmes["own"].pk},
        follow=True,
    )
    assert "Choose one of your programmes." in refused.content.decode()
    # A national officer oversees sharing but does not share for an LA.
    assert (
        client_for(training.users["national_officer@nation"])
        .post(reverse("training:share", args=[training.modules["nation"].pk]))
        .status_code
        == 403
    )


def test_a_modules_details_change_but_never_into_a_circle(training, client):
    c = _as(client, training)
    lead, programme = training.users["la_lead@own"], training.programmes["own"]
    first = training.modules["own"]
    second = services.add_module(lead, programme, "Second", prerequisites=[first])
    url = reverse("training:write_details", args=[first.pk])
    assert 'value="Identifying G&amp;T learners"' in c.get(url).content.decode()
    circle = c.post(url, {"title": "First", "core": "1", "prerequisites": [second.pk]})
    assert circle.status_code == 400
    assert "a module cannot need itself first" in circle.content.decode()
    itself = c.post(url, {"title": "First", "core": "1", "prerequisites": [first.pk]})
    assert itself.status_code == 400  # not among the choices
    saved = c.post(url, {"title": "First, renamed", "summary": "Start here", "core": "0"})
    assert saved["Location"] == reverse("training:write_module", args=[first.pk])
    first.refresh_from_db()
    assert (first.title, first.summary, first.core) == ("First, renamed", "Start here", False)


def test_a_post_that_lost_its_steps_empties_nothing(training, client):
    c = _as(client, training)
    module = training.modules["own"]
    before = authoring.steps_of(module)
    data = editor_fields(before, 0)
    del data["step_count"]
    assert c.post(reverse("training:write_autosave", args=[module.pk]), data).status_code == 400
    c.post(reverse("training:write_module", args=[module.pk]), data)
    assert authoring.steps_of(Module.objects.get(pk=module.pk)) == before
