"""A learner's SCORM data: commits checked against the standard (types, vocabularies, the size
of suspend data), kept per learner on the version they started, given back on the next launch,
and a package that reports itself done finishes the module for the programme's rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from risingtide.training import completion, services
from risingtide.training.models import ScormState
from risingtide.training.scorm import cmi, packages
from risingtide.training.tests import scorm_packages as make
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world, settings, tmp_path):
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    return add_training(world)


def _scorm_module(training, standard="1.2", core=True):
    upload = SimpleUploadedFile("p.zip", make.package(standard), content_type="application/zip")
    return packages.publish_package(
        training.users["la_lead@own"], training.programmes["own"], upload, core=core
    ).module


PAGE_2 = {
    "cmi.core.lesson_status": "incomplete",
    "cmi.core.lesson_location": "page-2",
    "cmi.suspend_data": "seen=1,2",
    "cmi.core.exit": "suspend",
    "cmi.core.session_time": "0000:02:00.00",
}


def test_commits_are_checked_against_the_standard():
    assert cmi.clean("1.2", PAGE_2).suspend_data == "seen=1,2"
    assert cmi.clean("1.2", {"cmi.suspend_data": "x" * 4096}).suspend_data == "x" * 4096
    refusals = [
        ("1.2", {"cmi.suspend_data": "x" * 4097}, "suspend data is longer"),
        ("2004", {"cmi.suspend_data": "x" * 64001}, "suspend data is longer"),
        ("1.2", {"cmi.core.lesson_location": "x" * 256}, "location is longer"),
        ("1.2", {"cmi.core.lesson_status": "brilliant"}, "lesson status"),
        ("2004", {"cmi.success_status": "completed"}, "success status"),
        ("1.2", {"cmi.core.score.raw": "101"}, "from 0 to 100"),
        ("1.2", {"cmi.core.score.raw": "NaN"}, "must be a number"),
        ("2004", {"cmi.score.scaled": "1.5"}, "from -1 to 1"),
        ("1.2", {"cmi.suspend_data": ["not", "text"]}, "must be text"),
        ("1.2", {"cmi.core.session_time": "PT1M"}, "SCORM 1.2 timespan"),
        ("2004", {"cmi.session_time": "00:01:00"}, "ISO 8601 duration"),
        ("1.2", "not a dict", "set of CMI elements"),
    ]
    for standard, data, words in refusals:
        with pytest.raises(ValidationError, match=words):
            cmi.clean(standard, data)
    assert cmi.clean("2004", {"cmi.suspend_data": "x" * 64000}).suspend_data == "x" * 64000


def test_times_read_and_written_in_each_standard():
    assert cmi.centiseconds("0001:02:03.5", "1.2") == 372_350
    assert cmi.centiseconds("PT1H2M3.5S", "2004") == 372_350
    assert cmi.centiseconds("P1DT1S", "2004") == 8_640_100
    assert cmi.timespan(372_350, "1.2") == "0001:02:03.50"
    assert cmi.timespan(372_350, "2004") == "PT1H2M3.50S"


def test_when_a_package_is_done():
    assert cmi.clean("1.2", {"cmi.core.lesson_status": "passed"}).done
    assert cmi.clean("1.2", {"cmi.core.lesson_status": "completed"}).done
    assert not cmi.clean("1.2", {"cmi.core.lesson_status": "failed"}).done
    assert not cmi.clean("1.2", {"cmi.core.lesson_status": "incomplete"}).done
    assert cmi.clean("2004", {"cmi.completion_status": "completed"}).done
    assert cmi.clean("2004", {"cmi.success_status": "passed"}).done
    done_but_failed = {"cmi.completion_status": "completed", "cmi.success_status": "failed"}
    assert not cmi.clean("2004", done_but_failed).done


def test_the_learner_resumes_where_they_left_off(training):
    module = _scorm_module(training)
    learner = training.users["leading_teacher@own"]
    progress, state = cmi.begin_session(learner, module)
    assert cmi.resume_data(state, learner)["core"]["entry"] == "ab-initio"
    cmi.save(learner, module, state.session, PAGE_2)
    # A new launch (another day, after signing out): the data comes back from the database.
    progress, state = cmi.begin_session(learner, module)
    again = cmi.resume_data(ScormState.objects.get(pk=state.pk), learner)
    assert again["suspend_data"] == "seen=1,2"
    assert again["core"]["lesson_location"] == "page-2"
    assert again["core"]["entry"] == "resume"
    assert again["core"]["total_time"] == "0000:02:00.00"  # the last session, added in
    assert progress.completed_at is None


def test_a_commit_from_an_older_launch_is_refused(training):
    module = _scorm_module(training)
    learner = training.users["leading_teacher@own"]
    _, first = cmi.begin_session(learner, module)
    cmi.begin_session(learner, module)  # opened again in another tab
    with pytest.raises(cmi.StaleLaunch):
        cmi.save(learner, module, first.session, PAGE_2)
    assert ScormState.objects.get(pk=first.pk).suspend_data == ""


def test_completing_the_package_finishes_the_module_once_and_counts_for_the_programme(
    training,
):
    w = training
    learner = w.users["leading_teacher@own"]
    # The programme's other core module, done the authored way.
    other = services.progress_for(learner, w.modules["own"])
    services.answer(other, 1, {0: [1]})
    services.save_reflection(other, 2, "The quiet ones.", 0)
    services.finish(other)
    module = _scorm_module(w, "2004")
    rule = completion.RULES["all_core_passed"]
    assert not rule.check(learner, w.programmes["own"]).met
    _, state = cmi.begin_session(learner, module)
    with pytest.raises(ValidationError, match="play the package to its end"):
        services.finish(services.progress_for(learner, module))  # no Finish button for SCORM
    done = {"cmi.completion_status": "completed", "cmi.success_status": "passed"}
    _, progress = cmi.save(learner, module, state.session, {**done, "cmi.score.scaled": "0.9"})
    assert progress.completed_at is not None
    assert rule.check(learner, w.programmes["own"]).met
    finished_at = progress.completed_at
    _, progress = cmi.save(learner, module, state.session, {"cmi.completion_status": "incomplete"})
    assert progress.completed_at == finished_at  # replaying never unfinishes


def test_only_a_learner_who_may_take_the_module_saves(training):
    module = _scorm_module(training)
    with pytest.raises(PermissionDenied):
        cmi.save(training.users["leading_teacher@other"], module, 1, PAGE_2)
    with pytest.raises(ValidationError, match="Open the module"):
        cmi.save(training.users["leading_teacher@own"], module, 1, PAGE_2)
