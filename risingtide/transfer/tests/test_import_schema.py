"""The export's shape (``schema``) and pydantic's errors in our words (``checks``): strict, so a
value of the wrong kind is refused with its place, never quietly turned into another."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from risingtide.portfolios.models import StageWork
from risingtide.transfer import checks, exports, imports, schema


def _shape_problems(data: dict) -> list[str]:
    with pytest.raises(schema.Refused) as caught:
        schema.read(data)
    return checks.shape_problems(caught.value.error)


def _minimal() -> dict:
    """The least a file needs: a project with its wheel, and one note."""
    return {
        "project": {
            "title": "Bees",
            "key_stage": "ks2",
            "mode": "individual",
            "wheel": {"stages": [{"stage": "gather", "title": "Gather", "question": "What?"}]},
        },
        "items": [{"id": 1, "kind": "note", "stage": "gather", "title": "A note"}],
    }


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("position", "5", "items[0].position: should be a whole number"),
        ("position", 5.0, "items[0].position: should be a whole number"),
        ("importance", True, "items[0].importance: should be a whole number"),
        ("importance", "3", "items[0].importance: should be a whole number"),
        ("graph", [True, 1], "items[0].graph[0]: should be a number"),
        ("graph", ["1.5", 2], "items[0].graph[0]: should be a number"),
        ("graph", [1.5], "items[0].graph: fewer than 2 entries"),
        ("file_size", 2**60, f"items[0].file_size: {2**60} is out of range"),
        ("title", 5, "items[0].title: should be text"),
        ("title", "x" * 201, "items[0].title: longer than 200 characters"),
        ("body", "a\x00b", "items[0].body: holds a NUL character"),
        ("created_at", "yesterday", "items[0].created_at: not a date and time"),
        ("created_at", 1700000000, "items[0].created_at: not a date and time"),
        ("categories", "bees", "items[0].categories: should be a list"),
        ("categories", ["x"] * 21, "items[0].categories: more than 20 entries"),
        ("revisions", [{"version": 1, "conflicted": 1}], "revisions[0].conflicted: should be true"),
        ("revisions", [{"version": "1"}], "items[0].revisions[0].version: should be a whole"),
        ("revisions", [{}], "items[0].revisions[0].version: is missing"),
    ],
)
def test_a_value_of_the_wrong_kind_is_refused_with_its_place(field, value, problem):
    data = _minimal()
    data["items"][0][field] = value
    assert any(problem in p for p in _shape_problems(data)), _shape_problems(data)


def test_every_problem_of_shape_is_reported_at_once():
    data = _minimal()
    data["project"]["start_date"] = "2024-02-30"
    data["items"][0].update(position="first", importance=6)
    data["reviews"] = [{"is_self": "yes", "levels": {"0": 1.5, "k" * 301: 1}}]
    data["stage_work"] = [{"stage": "implement", "data": {"steps": [{"text": 5, "done": 0}]}}]
    assert _shape_problems(data) == [
        "project.start_date: not a date",
        "items[0].position: should be a whole number",
        "items[0].importance: 6 is out of range",
        "stage_work[0].data.steps[0].text: should be text",
        "stage_work[0].data.steps[0].done: should be true or false",
        "reviews[0].is_self: should be true or false",
        "reviews[0].levels.0: should be a whole number",
        "reviews[0].levels: a key is too long or holds a NUL character",
    ]


def test_nan_and_infinity_are_no_numbers():
    # JSON refuses them before this; the models refuse them too, whoever calls them.
    for value in (float("nan"), float("inf")):
        data = _minimal()
        data["items"][0]["graph"] = [value, 1]
        assert _shape_problems(data) == ["items[0].graph[0]: should be a number"]


def test_a_good_file_reads_with_its_dates_and_defaults():
    data = _minimal()
    data["items"][0]["created_at"] = "2024-03-01T09:30:00+00:00"
    data["project"]["due_date"] = "2024-04-01"
    export = schema.read(data)
    item = export.items[0]
    assert item.created_at.year == 2024 and item.created_at.utcoffset().total_seconds() == 0
    assert export.project.due_date.month == 4
    assert (item.position, item.importance, item.graph, item.revisions) == (0, None, None, [])


def test_a_file_full_of_mistakes_is_refused_without_describing_them_all():
    data = _minimal()
    data["items"] = [{"id": "x"}] * 10_000  # four problems each
    with pytest.raises(schema.Refused) as caught:
        schema.read(data)
    refused = caught.value
    assert not refused.all_counted
    assert schema.READ_UP_TO <= refused.error.error_count() < schema.READ_UP_TO + 10
    upload = {"format": exports.FORMAT, "version": exports.FORMAT_VERSION, **data}
    with pytest.raises(ValidationError) as shown:
        checks.read_upload(SimpleUploadedFile("p.json", json.dumps(upload).encode()))
    assert shown.value.messages[0] == "items[0].id: should be a whole number"
    assert len(shown.value.messages) == checks.MAX_SHOWN + 1
    assert shown.value.messages[-1].startswith("… and at least ")
    # A map counts its entries before reading them.
    data = _minimal()
    data["reviews"] = [{"levels": {str(n): "x" for n in range(100_000)}}]
    assert _shape_problems(data) == ["reviews[0].levels: more than 100 entries"]


@pytest.mark.django_db
def test_stage_tool_data_keeps_only_the_tools_own_fields(world):
    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"] and not i["thumbnail"]]
    data["stage_work"] = [
        {"stage": "gather", "data": {"known": ["Bees sting"], "script": "<script>"}},
        {
            "stage": "implement",
            "data": {"steps": [{"text": "Build it", "done": True, "onclick": "x"}], "x": 1},
        },
    ]
    portfolio = imports.import_portfolio(
        world.user("teacher@own"),
        world.schools["own"],
        SimpleUploadedFile("p.json", json.dumps(data).encode()),
        [world.user("pupil2@own")],
    )
    kept = dict(StageWork.objects.filter(portfolio=portfolio).values_list("stage", "data"))
    assert kept == {
        "gather": {"known": ["Bees sting"]},
        "implement": {"steps": [{"text": "Build it", "done": True}]},
    }


@pytest.mark.django_db
def test_a_string_for_a_number_is_refused_by_the_import_with_its_place(world):
    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"] and not i["thumbnail"]]
    data["items"][0]["position"] = "5"
    data["items"][0]["importance"] = False
    data["connections"] = [{"id": 1, "source": 1, "target": 2, "label": True}]
    with pytest.raises(ValidationError) as caught:
        imports.import_portfolio(
            world.user("teacher@own"),
            world.schools["own"],
            SimpleUploadedFile("p.json", json.dumps(data).encode()),
            [world.user("pupil2@own")],
        )
    assert caught.value.messages == [
        "items[0].position: should be a whole number",
        "items[0].importance: should be a whole number",
        "connections[0].label: should be text",
    ]
