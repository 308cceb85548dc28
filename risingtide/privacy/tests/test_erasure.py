"""Erasing a pupil: their personal data removed or replaced, their files gone from storage,
and every insights figure (school, LA, national) exactly as it was, to the byte."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder

from risingtide.audit.models import AuditEvent
from risingtide.feedback.models import Comment, Reply
from risingtide.feedback.services import give, reply
from risingtide.insights import rollup
from risingtide.insights.models import CensusRecord, HiddenFigure, Summary
from risingtide.people.models import Membership, User
from risingtide.portfolios.models import Item, NoteRevision, Portfolio
from risingtide.privacy.erasing import erase_pupil, is_erased, plan
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)

pytestmark = pytest.mark.django_db


def published() -> str:
    """Every figure and every hide, as text: what a byte-for-byte comparison reads."""
    summaries = Summary.objects.order_by(
        "level",
        "nation",
        "local_authority",
        "school",
        "year",
        "dimension",
        "subgroup",
        "on_register",
    ).values()
    hides = HiddenFigure.objects.order_by(
        "year", "table", "level", "entity", "parent", "dimension", "subgroup"
    ).values("year", "table", "level", "entity", "parent", "dimension", "subgroup")
    return json.dumps(
        {
            "summaries": [{k: v for k, v in s.items() if k != "id"} for s in summaries],
            "hides": list(hides),
        },
        cls=DjangoJSONEncoder,
        sort_keys=True,
    )


def _census(world) -> None:
    """Pupil data worth counting (FSM, attainment, a decision), this year's census of every
    school and last year's, and the figures built from them."""
    record = world.records["own"]
    FsmPeriod.objects.create(pupil=record, start=date(2020, 9, 1))
    Attainment.objects.create(
        pupil=record, stage="KS2", subject="MAT", result="110", score=110, year=2024
    )
    CharacteristicChange.objects.create(
        pupil=record, kind="sen", new_value="K", changed_on=date(2024, 9, 1)
    )
    year = academic_year()
    schools = [s.pk for s in world.schools.values()]
    for y in (year - 1, year):
        rollup.take_census(schools, y)
    call_command("rebuild_insights")


def test_erasing_a_pupil_leaves_every_figure_identical_and_removes_their_files(
    world, django_capture_on_commit_callbacks
):
    _census(world)
    record, account = world.records["own"], world.users["pupil@own"]
    assert Summary.objects.filter(level="nation").exists()
    before = published()
    files = [world.uploads["own"].file.name, world.uploads["own"].thumbnail.name]
    files = [name for name in files if name]
    assert files and all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        counts = erase_pupil(world.users["head@own"], record)

    call_command("rebuild_insights")
    assert published() == before  # national, LA and school figures, and every hide
    assert not any(default_storage.exists(name) for name in files)
    # What tied the census to the child is gone; what it counted is not.
    census = CensusRecord.objects.filter(pk__in=[c.pk for c in CensusRecord.objects.filter(upn="")])
    assert census.count() == 2 and not census.exclude(pupil=None).exists()
    assert not CensusRecord.objects.filter(upn=world.records["own"].upn).exists()
    # The record and the account stay as rows that name no one.
    record.refresh_from_db()
    account.refresh_from_db()
    assert is_erased(record) and record.account_id is None and not record.on_roll
    assert (record.legal_forename, record.date_of_birth, record.ethnicity) == (
        "Erased",
        date(1900, 1, 1),
        "",
    )
    assert not account.is_active and not account.has_usable_password()
    assert (account.first_name, account.email, account.username) == (
        "Erased",
        "",
        f"erased-{account.pk}",
    )
    # Everything about them in the register, their portfolio and its feedback went.
    for model in (RegisterEntry, Evidence, FsmPeriod, Attainment, CharacteristicChange):
        assert not model.objects.filter(pupil=record).exists(), model
    assert not Portfolio.objects.filter(pk=world.portfolios["own"].pk).exists()
    assert not Item.objects.filter(portfolio_id=world.portfolios["own"].pk).exists()
    assert not Comment.objects.filter(pk=world.comments["own"].pk).exists()
    assert not Membership.objects.filter(user=account).exists()
    assert not Membership.objects.filter(child=account).exists()  # the carer's link
    assert counts["register.RegisterEntry"] == 1 and counts["portfolios.Portfolio"] == 1
    # The erasure is audited, without a name.
    event = AuditEvent.objects.get(action="privacy.pupil_erased")
    assert event.target_id == str(record.pk) and "Ada" not in json.dumps(event.detail)
    assert event.detail["files"] == len(files)
    # Other pupils are untouched.
    assert User.objects.get(pk=world.users["pupil2@own"].pk).is_active
    assert Portfolio.objects.filter(pk=world.portfolios["own2"].pk).exists()


def test_in_a_group_portfolio_only_what_the_pupil_made_goes(
    world, django_capture_on_commit_callbacks
):
    """The group's portfolio stays with its other member; the erased pupil's own note, its
    file and their reply go, and their name leaves what stays."""
    portfolio = world.portfolios["own"]
    mate = world.users["pupil2@own"]
    portfolio.members.add(mate, through_defaults={"project": portfolio.project})
    from risingtide.portfolios.services import add_note

    kept = add_note(mate, portfolio, "gather", "Mate's note", "Mine")
    thread = give(world.users["teacher@own"], portfolio, "question", "Where from?", item_id=kept.pk)
    answer = reply(world.users["pupil@own"], thread, "From the library.")
    with django_capture_on_commit_callbacks(execute=True):
        erase_pupil(world.users["head@own"], world.records["own"])
    assert Portfolio.objects.filter(pk=portfolio.pk).exists()
    assert list(Item.objects.filter(portfolio=portfolio)) == [kept]
    assert NoteRevision.objects.filter(item=kept).exists()
    assert not default_storage.exists(world.uploads["own"].file.name)
    assert Reply.objects.get(pk=answer.pk).author_label == "Erased pupil"
    # The teacher's thread on their note went with it.
    assert not Comment.objects.filter(pk=world.comments["own"].pk).exists()
    assert list(portfolio.members.all()) == [mate]


def test_erasing_twice_is_refused_and_the_plan_names_what_goes_and_stays(world):
    record = world.records["own"]
    steps = {s.holding.model: s for s in plan(record)}
    assert not steps["register.RegisterEntry"].kept
    assert (
        steps["audit.AuditEvent"].kept and "accountability" in steps["audit.AuditEvent"].about_says
    )
    erase_pupil(world.users["head@own"], record)
    with pytest.raises(ValidationError, match="already been erased"):
        erase_pupil(world.users["head@own"], Pupil.objects.get(pk=record.pk))
