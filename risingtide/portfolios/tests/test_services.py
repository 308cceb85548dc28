"""Portfolios: one per pupil per project, notes that never lose a word, stages done."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from risingtide.access.core import can, visible
from risingtide.demo.testing import member
from risingtide.people.models import Role
from risingtide.portfolios import services
from risingtide.portfolios.models import NoteRevision, Portfolio
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def test_one_portfolio_per_pupil_per_project(world):
    pupil = world.user("pupil@own")
    first = services.portfolio_for(pupil, world.projects["own"])
    assert services.portfolio_for(pupil, world.projects["own"]) == first == world.portfolios["own"]
    assert Portfolio.objects.filter(project=world.projects["own"]).count() == 1
    with pytest.raises(PermissionDenied):  # a draft, and another school's project
        services.portfolio_for(pupil, world.projects["own_draft"])
    with pytest.raises(PermissionDenied):
        services.portfolio_for(pupil, world.projects["other"])
    with pytest.raises(PermissionDenied):  # staff look, they do not work in portfolios
        services.portfolio_for(world.user("teacher@own"), world.projects["own"])


def test_saving_a_note_keeps_every_revision(world):
    pupil = world.user("pupil@own")
    note = world.items["own"]
    services.save_note(pupil, note, "Bees need shelter", base_version=1)
    services.save_note(pupil, note, "Bees need shelter and flowers", base_version=2)
    assert list(note.revisions.values_list("version", "body")) == [
        (1, "What I know"),
        (2, "Bees need shelter"),
        (3, "Bees need shelter and flowers"),
    ]


def test_a_save_from_an_old_copy_is_a_conflict_with_both_texts(world):
    pupil = world.user("pupil@own")
    note = world.items["own"]
    services.save_note(pupil, note, "Tab one", base_version=1)
    with pytest.raises(services.EditConflict) as caught:
        services.save_note(pupil, note, "Tab two", base_version=1)
    assert (caught.value.current_body, caught.value.current_version) == ("Tab one", 2)
    assert caught.value.yours == "Tab two"
    note.refresh_from_db()
    assert note.body == "Tab one"
    # The refused text is kept on the server too, marked as such.
    refused = NoteRevision.objects.get(item=note, conflicted=True)
    assert (refused.body, refused.version, refused.saved_by) == ("Tab two", 1, pupil)
    # Typing on after the conflict updates that one refused copy rather than piling up.
    with pytest.raises(services.EditConflict):
        services.save_note(pupil, note, "Tab two, more", base_version=1)
    assert NoteRevision.objects.get(item=note, conflicted=True).body == "Tab two, more"
    # Keeping "mine" is a save from the version the conflict reported.
    services.save_note(pupil, note, "Tab two", base_version=2)
    assert list(note.revisions.filter(conflicted=False).values_list("version", "body")) == [
        (1, "What I know"),
        (2, "Tab one"),
        (3, "Tab two"),
    ]


def test_only_the_pupil_changes_their_portfolio(world):
    note = world.items["own"]
    for key in ("teacher@own", "head@own", "pupil2@own", "pupil@other"):
        with pytest.raises(PermissionDenied):
            services.save_note(world.user(key), note, "x", base_version=1)
    assert can(world.user("teacher@own"), "portfolio.view", world.portfolios["own"])
    assert not can(world.user("teacher@other"), "portfolio.view", world.portfolios["own"])


def test_a_closed_project_keeps_work_but_refuses_changes(world):
    Project.objects.filter(pk=world.projects["own"].pk).update(status=Project.Status.CLOSED)
    note = world.items["own"].__class__.objects.get(pk=world.items["own"].pk)
    with pytest.raises(ValidationError, match="closed"):
        services.save_note(world.user("pupil@own"), note, "late", base_version=1)
    assert can(world.user("pupil@own"), "item.view", note)


def test_stages_done_move_the_wheel_and_can_be_undone(world):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    services.set_stage_done(pupil, portfolio, "gather", True)
    services.set_stage_done(pupil, portfolio, "identify", True)
    portfolio.refresh_from_db()
    assert portfolio.current_stage == "generate"
    services.set_stage_done(pupil, portfolio, "gather", False)
    portfolio.refresh_from_db()
    assert portfolio.current_stage == "gather"
    with pytest.raises(ValidationError):
        services.set_stage_done(pupil, portfolio, "dance", True)


def test_a_moved_pupils_old_portfolio_stays_with_the_old_school(world):
    pupil = world.users["pupil@own"]
    member(pupil, Role.PUPIL, school=world.schools["other"], teaching_group=world.groups["other"])
    other_teacher = world.user("teacher@other")
    assert world.portfolios["own"] not in visible(other_teacher, "portfolio")
    assert world.portfolios["other"] in visible(other_teacher, "portfolio")


def test_what_matters_for_safeguarding_is_audited(world):
    from risingtide.audit.models import AuditEvent
    from risingtide.demo.testing import png_file

    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    services.set_stage_done(pupil, portfolio, "gather", True)
    services.share_presentation(pupil, portfolio, "class")
    services.add_upload(pupil, portfolio, "gather", "Hive", png_file())
    events = list(
        AuditEvent.objects.filter(actor=pupil, action__startswith="portfolio.").values_list(
            "action", "school_id"
        )
    )
    school = world.schools["own"].pk
    assert ("portfolio.stage_done", school) in events
    assert ("portfolio.shared", school) in events
    assert events.count(("portfolio.uploaded", school)) == 2  # this one and the world's


@pytest.mark.parametrize("version", [0, -1, 99, 2**40])
def test_a_save_from_a_version_that_never_was_is_refused_and_not_kept(world, version):
    pupil = world.user("pupil@own")
    note = world.items["own"]
    with pytest.raises(ValidationError, match="not a version"):
        services.save_note(pupil, note, "x", base_version=version)
    assert not NoteRevision.objects.filter(item=note, conflicted=True).exists()
