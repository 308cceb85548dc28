"""The thinking tool at each stage: saved as data, linked across stages, never overwritten."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.urls import reverse

from risingtide.portfolios import services, tools
from risingtide.portfolios.models import StageWork
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def form(**fields) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in fields.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


def save(world, stage, version=0, **fields):
    return tools.save_stage_work(
        world.user("pupil@own"), world.portfolios["own"], stage, form(**fields), version
    )


def test_lists_decision_grid_plan_evaluation_presentation_journal(world):
    save(world, "gather", known="Bees pollinate\n\n  Some live alone ")
    save(world, "identify", questions="Where do they nest?")
    save(world, "generate", ideas="Bamboo tubes\nDrilled log\nBrick")
    grid = save(
        world,
        "decide",
        criteria="cost\ntime",
        score_0_0="3",
        score_0_1="2",
        score_2_1="0",
        chosen="0",
        why="Cheap and quick",
    )
    assert grid.data == {
        "criteria": ["cost", "time"],
        "scores": {"0": {"0": 3, "1": 2}, "2": {"1": 0}},
        "chosen": 0,
        "why": "Cheap and quick",
    }
    plan = save(world, "implement", step_0="Cut bamboo", who_0="Me", by_0="Friday", done_0="on")
    assert plan.data["steps"] == [{"text": "Cut bamboo", "who": "Me", "by": "Friday", "done": True}]
    Project.objects.filter(pk=world.projects["own"].pk).update(success_criteria=["It works"])
    world.portfolios["own"].refresh_from_db()
    evaluation = save(
        world, "evaluate", star_1="Neat", star_2="On time", wish="Paint it", criterion_0="partly"
    )
    assert evaluation.data["criteria"] == {"0": "partly"}
    present = save(
        world,
        "communicate",
        audience="Year 7",
        item=[str(world.items["own"].pk), str(world.items["other"].pk)],
    )
    assert present.data["items"] == [world.items["own"].pk]  # another pupil's item is dropped
    save(world, "learn", entry="Bees are fussy")
    journal = save(world, "learn", version=1, entry="Plan earlier")
    assert [e["text"] for e in journal.data["entries"]] == ["Bees are fussy", "Plan earlier"]
    assert StageWork.objects.get(portfolio=world.portfolios["own"], stage="gather").data == {
        "known": ["Bees pollinate", "Some live alone"]
    }


def test_a_save_from_an_old_copy_is_refused(world):
    save(world, "generate", ideas="One")
    with pytest.raises(services.EditConflict):
        save(world, "generate", version=0, ideas="Two")
    assert StageWork.objects.get(stage="generate").data == {"ideas": ["One"]}


def test_bad_tool_input_is_a_clear_error(world):
    save(world, "generate", ideas="A\nB")
    with pytest.raises(ValidationError, match="from 0 to 3"):
        save(world, "decide", criteria="cost", score_0_0="7")
    with pytest.raises(ValidationError, match="at most 50 lines"):
        save(world, "gather", known="\n".join(f"fact {n}" for n in range(60)))
    with pytest.raises(PermissionDenied):
        tools.save_stage_work(
            world.user("teacher@own"), world.portfolios["own"], "gather", form(known="x"), 0
        )


def test_tool_pages_for_pupil_and_teacher(world, client_for):
    url = reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, "decide"])
    client = client_for(world.user("pupil@own"))
    page = client.get(url).content.decode()
    assert "Write some ideas in the Generate stage first" in page
    response = client.post(
        reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, "generate"]),
        {"version": "0", "ideas": "<script>alert(1)</script>\nLog pile"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Log pile" in page
    stale = client.post(
        reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, "generate"]),
        {"version": "0", "ideas": "Other idea from another tab"},
    )
    assert stale.status_code == 409
    # Not saved, but not lost: the words are on the page to copy back.
    assert "What you wrote (not saved)" in stale.content.decode()
    assert "Other idea from another tab" in stale.content.decode()
    too_long = client.post(
        reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, "gather"]),
        {"version": "0", "known": "x" * 600},
    )
    assert too_long.status_code == 400 and "x" * 600 in too_long.content.decode()
    teacher = client_for(world.user("teacher@own"))
    page = teacher.get(url).content.decode()
    assert "<fieldset disabled>" in page and 'type="submit">Save' not in page
    assert (
        client.get(
            reverse("portfolios:stage_tool", args=[world.portfolios["own"].pk, "x"])
        ).status_code
        == 404
    )
