"""Authoring's domain functions: structural edits, the draft kept over the revision it was
made from, the problems that stop publishing, media in pages, and sharing between LAs."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.lib.testing import png_file
from risingtide.training import authoring, media, services, sharing
from risingtide.training.models import Module, ModuleMedia, ModuleSource
from risingtide.training.tests.world import CONTENT, add_training

STEPS = CONTENT["steps"]


def test_steps_move_up_and_down_and_say_where_they_went():
    before = copy.deepcopy(STEPS)
    done = authoring.edit(STEPS, [], ("down", 0))
    assert [s["kind"] for s in done.steps] == ["check", "page", "reflection"]
    assert done.focus == "step-1" and done.said == "Moved “Who are the more able?” to step 2."
    first = authoring.edit(STEPS, [], ("up", 0))
    assert first.steps == STEPS and first.said == "That step is already first."
    assert before == STEPS  # the author's list is never changed in place


def test_a_removed_step_is_put_back_where_it_was():
    gone = authoring.edit(STEPS, [], ("remove", 1))
    assert [s["kind"] for s in gone.steps] == ["page", "reflection"]
    back = authoring.edit(gone.steps, gone.removed, ("restore",))
    assert back.steps == STEPS and back.removed == [] and back.focus == "step-1"
    with pytest.raises(ValidationError, match="no removed step"):
        authoring.edit(STEPS, [], ("restore",))


def test_questions_and_answers_are_added_and_removed():
    more = authoring.edit(STEPS, [], ("add_question", 1))
    assert len(more.steps[1]["questions"]) == 2 and more.focus == "step-1-q-1"
    answer = authoring.edit(more.steps, [], ("add_answer", 1, 1))
    assert len(answer.steps[1]["questions"][1]["answers"]) == 3
    fewer = authoring.edit(answer.steps, [], ("remove_answer", 1, 0, 0))
    assert fewer.steps[1]["questions"][0]["answers"] == STEPS[1]["questions"][0]["answers"][1:]
    assert len(STEPS[1]["questions"][0]["answers"]) == 2  # untouched
    with pytest.raises(ValidationError, match="at least one question"):
        authoring.edit(STEPS, [], ("remove_question", 1, 0))
    with pytest.raises(ValidationError, match="not a knowledge check"):
        authoring.edit(STEPS, [], ("add_question", 0))
    with pytest.raises(ValidationError, match="not in the draft any more"):
        authoring.edit(STEPS, [], ("up", 7))


def test_problems_name_each_step_and_question():
    steps = copy.deepcopy(STEPS)
    steps[1]["questions"].append(copy.deepcopy(steps[1]["questions"][0]))
    for a in steps[1]["questions"][1]["answers"]:
        a["correct"] = False
    steps[2]["prompt"] = ""
    found = authoring.problems(Module(pk=0), steps)
    assert found == ["Step 2, question 2 has no right answer.", "Step 3's prompt needs some text."]
    assert authoring.problems(Module(pk=0), []) == [
        "The module needs at least one step: a page, a knowledge check or a reflection."
    ]


@pytest.mark.django_db
def test_a_draft_is_kept_unfinished_and_refused_from_an_out_of_date_copy(world):
    w = add_training(world)
    lead, module = w.users["la_lead@own"], w.modules["own"]
    unfinished = [authoring.blank("check")]
    assert authoring.save_draft(lead, module, unfinished, 0) == 1
    with pytest.raises(authoring.DraftConflict) as caught:
        authoring.save_draft(lead, Module.objects.get(pk=module.pk), STEPS, 0)
    assert caught.value.current_revision == 1
    assert Module.objects.get(pk=module.pk).draft["steps"] == unfinished
    with pytest.raises(ValidationError) as refused:
        authoring.publish(lead, Module.objects.get(pk=module.pk))
    assert "Step 1's title needs some text." in refused.value.messages
    assert module.versions.count() == 1
    with pytest.raises(PermissionDenied):
        authoring.save_draft(w.users["la_lead@other"], module, STEPS, 1)
    with pytest.raises(PermissionDenied):
        authoring.save_draft(w.users["leading_teacher@own"], module, STEPS, 1)


@pytest.mark.django_db
def test_media_lines_become_players_and_the_rest_is_sanitised(world):
    w = add_training(world)
    lead, module = w.users["la_lead@own"], w.modules["own"]
    picture = sharing.add_media(lead, module, png_file())
    elsewhere = sharing.add_media(w.users["la_lead@other"], w.modules["other"], png_file())
    text = (
        f'Before <script>alert(1)</script>\n\n![A "chart" <b>](media:{picture.pk})\n\n'
        f"![Not ours](media:{elsewhere.pk})\n\nAfter ![inline](media:{picture.pk}) text"
    )
    html = media.page_html(text, media.of_steps(module.pk, [{"body": text}]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f'<img src="/training/media/{picture.pk}/" alt="A &quot;chart&quot; &lt;b&gt;"' in html
    assert f"/training/media/{elsewhere.pk}/" not in html and "[Not ours: not available]" in html
    assert html.count("<img") == 1  # a reference inside a paragraph is not a picture
    steps = [{"kind": "page", "title": "t", "body": f"![](media:{picture.pk})\n![x](media:999)"}]
    assert media.problems(steps, media.of_steps(module.pk, steps)) == [
        "Step 1's picture “picture.png” needs a description (alt text) for people who cannot "
        "see it.",
        "Step 1 refers to media:999, which is not uploaded.",
    ]


@pytest.mark.django_db
def test_only_pictures_sounds_and_videos_go_on_a_page(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = add_training(world)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ValidationError, match="picture"):
        sharing.add_media(w.users["la_lead@own"], w.modules["own"], pdf)
    with pytest.raises(ValidationError, match="cannot be added"):
        sharing.add_media(
            w.users["la_lead@own"], w.modules["own"], SimpleUploadedFile("x.png", b"<html>")
        )
    assert not ModuleMedia.objects.exists()


@pytest.mark.django_db
def test_a_shared_module_is_copied_with_its_media_and_provenance(world):
    w = add_training(world)
    own, other = w.users["la_lead@own"], w.users["la_lead@other"]
    module = w.modules["own"]
    unpublished = services.add_module(own, w.programmes["own"], "Not yet")
    with pytest.raises(ValidationError, match="Publish the module before sharing"):
        sharing.share(own, unpublished)
    picture = sharing.add_media(own, module, png_file())
    steps = [dict(STEPS[0], body=f"Look:\n\n![A chart](media:{picture.pk})"), *STEPS[1:]]
    authoring.save_draft(own, module, steps, 0)
    authoring.publish(own, Module.objects.get(pk=module.pk))
    shared = sharing.share(own, module)
    assert shared.version.number == 2
    with pytest.raises(PermissionDenied):
        sharing.share(other, module)
    assert list(sharing.shared_modules(other)) == [shared]
    with pytest.raises(PermissionDenied):  # not into a programme they do not write
        sharing.copy_shared(other, shared, w.programmes["own"])
    copied = sharing.copy_shared(other, shared, w.programmes["other"])
    assert not copied.core and not copied.versions.exists()
    new_picture = copied.media.get()
    assert new_picture.file.name == picture.file.name and new_picture.pk != picture.pk
    assert authoring.steps_of(copied)[0]["body"].endswith(f"(media:{new_picture.pk})")
    assert ModuleSource.objects.get(module=copied).words == (
        f"from {w.las['own'].name}, {module.title} version 2"
    )
    # The copy is theirs: it publishes, and its picture shows, under their programme.
    authoring.publish(other, copied)
    assert media.of_steps(copied.pk, copied.versions.get().steps) == {new_picture.pk: new_picture}


@pytest.mark.django_db
def test_a_sound_and_a_video_are_players_with_their_description(world):
    w = add_training(world)
    module = w.modules["own"]
    made = {
        family: ModuleMedia.objects.create(
            module=module, file="training/x", name=f"{family}.bin", mime="x", family=family, size=1
        )
        for family in ("audio", "video")
    }
    text = f"![Ms Khan on questioning](media:{made['audio'].pk})\n![](media:{made['video'].pk})"
    html = media.page_html(text, media.of_steps(module.pk, [{"body": text}]))
    assert (
        f'<audio controls preload="metadata" src="/training/media/{made["audio"].pk}/" '
        'aria-label="Ms Khan on questioning"></audio><figcaption>Ms Khan on questioning'
    ) in html
    # A video without a description is named by its file, and needs none to publish.
    assert 'aria-label="video.bin"></video></figure>' in html
    steps = [{"kind": "page", "body": text}]
    assert media.problems(steps, media.of_steps(module.pk, steps)) == []
