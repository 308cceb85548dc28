"""Versions, progress and completion: a learner finishes the version they started, whatever an
author publishes meanwhile; checks are marked and kept; reflections save only from an
up-to-date copy; a programme is recorded complete once, with its evidence."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.training import completion, queries, services
from risingtide.training.models import Completion, Module, ModuleVersion, Programme
from risingtide.training.tests.world import CONTENT, add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world):
    return add_training(world)


def _finish_module(progress):
    services.answer(progress, 1, {0: [1]})
    services.save_reflection(progress, 2, "The quiet ones in Year 8.", 0)
    return services.finish(progress)


def test_authors_write_by_reach(training):
    w = training
    nation_module = w.modules["nation"]
    with pytest.raises(PermissionDenied):  # an LA lead takes the nation's programme, not writes it
        services.publish(w.users["la_lead@own"], nation_module)
    with pytest.raises(PermissionDenied):
        services.save_draft(w.users["la_lead@own"], w.modules["other"], CONTENT)
    with pytest.raises(PermissionDenied):
        services.publish(w.users["leading_teacher@own"], w.modules["own"])
    assert services.publish(w.users["la_lead@own"], w.modules["own"]).number == 2


def test_programmes_and_modules_are_made_by_their_owners(training):
    w = training
    with pytest.raises(PermissionDenied):
        services.create_programme(w.users["la_lead@own"], "Ours", w.nation, ["all_core_passed"])
    with pytest.raises(PermissionDenied):
        services.create_programme(w.users["la_lead@own"], "Theirs", w.las["other"], [])
    with pytest.raises(ValidationError, match="at least one completion rule"):
        services.create_programme(w.users["la_lead@own"], "Ours", w.las["own"], [])
    with pytest.raises(ValidationError, match="a title"):
        services.create_programme(w.users["la_lead@own"], "  ", w.las["own"], ["all_core_passed"])
    with pytest.raises(ValidationError, match="of its own programme"):
        services.add_module(
            w.users["la_lead@own"],
            w.programmes["own"],
            "Next",
            prerequisites=[w.modules["nation"]],
        )
    with pytest.raises(PermissionDenied):
        services.add_module(w.users["leading_teacher@own"], w.programmes["own"], "Mine")
    later = services.add_module(
        w.users["la_lead@own"],
        w.programmes["own"],
        "TASC in the classroom",
        core=False,
        prerequisites=[w.modules["own"]],
    )
    assert (later.position, later.core, list(later.prerequisites.all())) == (
        2,
        False,
        [w.modules["own"]],
    )


def test_a_published_version_never_changes(training):
    version = training.modules["own"].versions.get()
    version.content = {"steps": []}
    with pytest.raises(ValidationError, match="cannot change"):
        version.save()


def test_a_new_version_never_breaks_progress_begun_on_the_old_one(training):
    w = training
    module, author = w.modules["own"], w.users["la_lead@own"]
    learner, newcomer = w.users["leading_teacher@own"], w.users["leading_teacher@peer"]
    started = services.progress_for(learner, module)
    services.visit(started, 1)
    services.answer(started, 1, {0: [0]})  # wrong, kept

    changed = copy.deepcopy(CONTENT)
    changed["steps"] = [changed["steps"][0], changed["steps"][2]]  # the check is gone
    changed["steps"][0]["title"] = "Who are the most able?"
    services.save_draft(author, module, changed)
    v2 = services.publish(author, module)

    again = services.progress_for(learner, module)
    assert again.version.number == 1 and again.step == 1
    assert again.answers["1"]["passed"] is False
    _finish_module(again)
    assert again.completed_at is not None
    assert services.progress_for(newcomer, module).version == v2
    assert ModuleVersion.objects.get(module=module, number=1).steps[1]["kind"] == "check"


def test_a_check_once_passed_stays_passed_and_bad_answers_are_refused(training):
    progress = services.progress_for(training.users["leading_teacher@own"], training.modules["own"])
    assert not services.answer(progress, 1, {0: [0]}).passed
    assert services.answer(progress, 1, {0: [1]}).passed
    services.answer(progress, 1, {0: [0]})
    assert progress.answers["1"] == {"chosen": {"0": [0]}, "right": 0, "passed": True}
    with pytest.raises(ValidationError, match="not one of the choices"):
        services.answer(progress, 1, {0: [7]})
    with pytest.raises(ValidationError, match="not there"):
        services.answer(progress, 0, {0: [1]})  # a page, not a check


def test_a_reflection_saves_only_from_the_copy_it_was_written_on(training):
    progress = services.progress_for(training.users["leading_teacher@own"], training.modules["own"])
    first = services.save_reflection(progress, 2, "First thoughts", 0)
    assert first.version == 1
    assert services.save_reflection(progress, 2, "Second thoughts", 1).version == 2
    with pytest.raises(services.EditConflict) as conflict:
        services.save_reflection(progress, 2, "From an old tab", 1)
    assert (conflict.value.current_body, conflict.value.current_version) == ("Second thoughts", 2)
    with pytest.raises(services.EditConflict):
        services.save_reflection(progress, 2, "Another new tab", 0)
    with pytest.raises(ValidationError, match="not a version"):
        services.save_reflection(progress, 2, "From the future", 9)


def test_finishing_needs_every_check_and_reflection(training):
    progress = services.progress_for(training.users["leading_teacher@own"], training.modules["own"])
    with pytest.raises(ValidationError, match=r"pass “Check your understanding”.*write “Your"):
        services.finish(progress)
    services.answer(progress, 1, {0: [1]})
    services.save_reflection(progress, 2, "   ", 0)
    with pytest.raises(ValidationError, match="write “Your school”"):
        services.finish(progress)
    assert progress.completed_at is None


def test_prerequisites_come_first(training):
    w = training
    first = w.modules["own"]
    second = Module.objects.create(programme=first.programme, title="Writing the plan", position=2)
    second.prerequisites.add(first)
    services.save_draft(w.users["la_lead@own"], second, CONTENT)
    services.publish(w.users["la_lead@own"], second)
    learner = w.users["leading_teacher@own"]
    with pytest.raises(ValidationError, match="Finish Identifying G&T learners"):
        services.progress_for(learner, second)
    _finish_module(services.progress_for(learner, first))
    assert services.progress_for(learner, second).module == second


def test_completion_is_recorded_once_with_its_evidence(training):
    w = training
    programme, learner = w.programmes["own"], w.users["leading_teacher@own"]
    optional = Module.objects.create(programme=programme, title="TASC", core=False, position=5)
    services.save_draft(w.users["la_lead@own"], optional, CONTENT)
    services.publish(w.users["la_lead@own"], optional)
    assert completion.record_if_complete(learner, programme) is None
    _finish_module(services.progress_for(learner, w.modules["own"]))  # optional one left undone
    done = Completion.objects.get(learner=learner, programme=programme)
    module_pk = str(w.modules["own"].pk)
    assert done.evidence == {"all_core_passed": {"modules": {module_pk: {"version": 1}}}}
    assert completion.record_if_complete(learner, programme) == done
    assert Completion.objects.count() == 1


def test_the_improvement_plan_rule_reads_the_plans_of_schools_one_leads(training):
    w = training
    for key in ("own", "other"):  # "other" has a plan from a submitted self-evaluation
        programme = Programme.objects.create(
            title=f"Plan {key}",
            local_authority=w.las[key],
            rules=["all_core_passed", "improvement_plan"],
        )
        module = Module.objects.create(programme=programme, title="Core")
        services.save_draft(w.users[f"la_lead@{key}"], module, CONTENT)
        services.publish(w.users[f"la_lead@{key}"], module)
        learner = w.users[f"leading_teacher@{key}"]
        _finish_module(services.progress_for(learner, module))
        found = Completion.objects.filter(learner=learner, programme=programme).first()
        if key == "own":  # its plan was not made from a submitted self-evaluation
            assert found is None
            standing = queries.standing(learner, programme)
            assert [met for _, met in standing.rules] == [True, False]
        else:
            assert found.evidence["improvement_plan"] == {
                "plan": w.plans["other"].pk,
                "school": w.schools["other"].pk,
            }


def test_rules_are_named_from_the_catalogue():
    assert completion.clean_rules(["all_core_passed", "all_core_passed"]) == ["all_core_passed"]
    with pytest.raises(ValidationError, match="no completion rule called both_halves"):
        completion.clean_rules(["both_halves"])
