"""Projects, portfolios and everything in them through the API (notes, uploads, clippings,
items, connections, stage tools, sharing): the same rules and answers as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risingtide.api.tests.clients import as_user, call
from risingtide.demo.testing import png_file
from risingtide.portfolios.models import Connection, Item
from risingtide.portfolios.services import annotate, connect, portfolio_for, update_item
from risingtide.tasc.models import Project

pytestmark = pytest.mark.django_db


def test_pupil_reads_projects_and_portfolio(world):
    client = as_user(world.user("pupil@own"))
    titles = [p["title"] for p in call(client, "get", "/projects").json()]
    assert titles == ["own project"]
    portfolio = call(client, "get", f"/portfolios/{world.portfolios['own'].pk}").json()
    assert [i["title"] for i in portfolio["items"]] == ["own note", "own picture"]
    assert call(client, "get", f"/portfolios/{world.portfolios['own2'].pk}").status_code == 404
    assert call(client, "get", f"/projects/{world.projects['own_draft'].pk}").status_code == 404


def test_pupil_writes_a_note_and_gets_409_on_a_stale_save(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    created = call(
        client, "post", f"/portfolios/{portfolio}/notes", {"stage": "decide", "title": "Why"}
    )
    assert created.status_code == 201
    item = created.json()["id"]
    saved = call(client, "put", f"/items/{item}/note", {"body": "Because", "version": 1})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = call(client, "put", f"/items/{item}/note", {"body": "Old copy", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["theirs"] == "Because" and stale.json()["yours"] == "Old copy"
    bad = call(client, "post", f"/portfolios/{portfolio}/notes", {"stage": "dance", "title": "x"})
    assert bad.status_code == 400


def test_connections_through_the_api(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    body = {"source": world.uploads["own"].pk, "target": world.items["own"].pk, "label": "supports"}
    assert call(client, "post", f"/portfolios/{portfolio}/connections", body).status_code == 201
    body["target"] = world.items["other"].pk
    response = call(client, "post", f"/portfolios/{portfolio}/connections", body)
    assert response.status_code == 400 and "Both items" in response.json()["detail"]


def test_staff_read_but_cannot_write_and_other_schools_see_nothing(world):
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "get", f"/portfolios/{world.portfolios['own'].pk}").status_code == 200
    response = call(
        teacher, "put", f"/items/{world.items['own'].pk}/note", {"body": "x", "version": 1}
    )
    assert response.status_code == 403
    other = as_user(world.user("teacher@other"))
    assert call(other, "get", f"/portfolios/{world.portfolios['own'].pk}").status_code == 404
    assert call(other, "get", f"/items/{world.items['own'].pk}/note").status_code == 405


def upload(client, portfolio, name, content, stage="gather", title=""):
    f = SimpleUploadedFile(name, content, content_type="image/png")
    return client.post(
        f"/api/v1/portfolios/{portfolio}/uploads",
        {"stage": stage, "title": title, "file": f},
        secure=True,
    )


# --- portfolios ----------------------------------------------------------------------------


def test_portfolio_list_is_scoped_filtered_and_of_fixed_query_count(
    world, django_assert_max_num_queries, django_assert_num_queries
):
    pupil = as_user(world.user("pupil@own"))
    rows = call(pupil, "get", "/portfolios").json()
    assert [r["id"] for r in rows] == [world.portfolios["own"].pk]
    assert rows[0]["members"] == ["Ada Own"] and rows[0]["current_stage"] == "gather"
    assert rows[0]["project"] == world.projects["own"].pk and rows[0]["last_activity_at"]

    lead = as_user(world.user("leading_teacher@own"))
    call(lead, "get", "/portfolios")  # the token's first use is recorded once
    with django_assert_max_num_queries(20) as before:
        rows = call(lead, "get", "/portfolios").json()
    assert {r["id"] for r in rows} == {world.portfolios[k].pk for k in ("own", "own2")}
    portfolio_for(world.user("pupil2@own"), world.projects["own"])
    with django_assert_num_queries(len(before)):
        rows = call(lead, "get", "/portfolios").json()
    assert len(rows) == 3

    only = call(lead, "get", f"/portfolios?project={world.projects['own2_pupil'].pk}").json()
    assert [r["id"] for r in only] == [world.portfolios["own2"].pk]
    elsewhere = call(lead, "get", f"/portfolios?project={world.projects['other'].pk}").json()
    assert elsewhere == []


def test_my_portfolio_is_made_on_first_visit_for_the_pupil_only(world):
    project = world.projects["own"].pk
    pupil2 = as_user(world.user("pupil2@own"))
    first = call(pupil2, "get", f"/projects/{project}/my-portfolio")
    assert first.status_code == 200 and first.json()["items"] == []
    again = call(pupil2, "get", f"/projects/{project}/my-portfolio").json()
    assert again["id"] == first.json()["id"] != world.portfolios["own"].pk
    mine = call(as_user(world.user("pupil@own")), "get", f"/projects/{project}/my-portfolio")
    assert mine.json()["id"] == world.portfolios["own"].pk
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "get", f"/projects/{project}/my-portfolio").status_code == 403
    other = as_user(world.user("pupil@other"))
    assert call(other, "get", f"/projects/{project}/my-portfolio").status_code == 404


def test_my_portfolio_in_a_group_project_waits_for_a_group(world):
    Project.objects.filter(pk=world.projects["own"].pk).update(mode=Project.Mode.GROUP)
    client = as_user(world.user("pupil2@own"))
    response = call(client, "get", f"/projects/{world.projects['own'].pk}/my-portfolio")
    assert response.status_code == 404 and "group" in response.json()["detail"]


def test_stage_done_moves_the_wheel_on_and_back(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    done = call(client, "put", f"/portfolios/{portfolio}/stages/gather", {"done": True})
    assert done.json() == {"stage": "gather", "done": True, "current_stage": "identify"}
    undone = call(client, "put", f"/portfolios/{portfolio}/stages/gather", {"done": False})
    assert undone.json()["current_stage"] == "gather"
    unknown = call(client, "put", f"/portfolios/{portfolio}/stages/dance", {"done": True})
    assert unknown.status_code == 404
    teacher = as_user(world.user("teacher@own"))
    refused = call(teacher, "put", f"/portfolios/{portfolio}/stages/gather", {"done": True})
    assert refused.status_code == 403
    other = as_user(world.user("pupil@own2"))
    hidden = call(other, "put", f"/portfolios/{portfolio}/stages/gather", {"done": True})
    assert hidden.status_code == 404


def test_stage_tool_saves_over_its_version_and_refuses_a_stale_copy(world):
    client = as_user(world.user("pupil@own"))
    url = f"/portfolios/{world.portfolios['own'].pk}/tools/gather"
    empty = call(client, "get", url).json()
    assert (empty["version"], empty["data"], empty["name"]) == (
        0,
        {},
        "Mind dump: what I already know",
    )
    saved = call(client, "put", url, {"version": 0, "fields": {"known": "Bees nest\n\nin stems"}})
    assert saved.status_code == 200
    assert saved.json()["version"] == 1 and saved.json()["data"] == {
        "known": ["Bees nest", "in stems"]
    }
    stale = call(client, "put", url, {"version": 0, "fields": {"known": "Old copy"}})
    assert stale.status_code == 409
    assert stale.json()["version"] == 1 and stale.json()["data"]["known"] == [
        "Bees nest",
        "in stems",
    ]
    too_long = call(client, "put", url, {"version": 1, "fields": {"known": "x\n" * 51}})
    assert too_long.status_code == 400 and "at most 50 lines" in too_long.json()["detail"]
    assert call(client, "get", url.replace("gather", "dance")).status_code == 404
    unknown = call(client, "put", url.replace("gather", "dance"), {"version": 0, "fields": {}})
    assert unknown.status_code == 404

    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "get", url).json()["version"] == 1
    assert call(teacher, "put", url, {"version": 1, "fields": {}}).status_code == 403
    assert call(as_user(world.user("pupil@own2")), "get", url).status_code == 404


def test_stage_tool_takes_lists_and_reads_odd_digits_as_no_choice(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    chosen = [str(world.items["own"].pk), str(world.items["other"].pk)]
    saved = call(
        client,
        "put",
        f"/portfolios/{portfolio}/tools/communicate",
        {"version": 0, "fields": {"audience": "Year 7", "item": chosen}},
    )
    assert saved.json()["data"] == {"audience": "Year 7", "items": [world.items["own"].pk]}
    call(
        client,
        "put",
        f"/portfolios/{portfolio}/tools/generate",
        {"version": 0, "fields": {"ideas": "a"}},
    )
    odd = call(
        client,
        "put",
        f"/portfolios/{portfolio}/tools/decide",
        {"version": 0, "fields": {"chosen": "²"}},
    )
    # "²" passes str.isdigit() but is no choice: read as nothing chosen, not a crash.
    assert odd.status_code == 200 and odd.json()["data"]["chosen"] is None


def test_sharing_the_presentation(world):
    client = as_user(world.user("pupil@own"))
    url = f"/portfolios/{world.portfolios['own'].pk}/sharing"
    assert call(client, "put", url, {"audience": "class"}).json() == {"audience": "class"}
    world.portfolios["own"].refresh_from_db()
    assert world.portfolios["own"].shared_with == "class"
    assert call(client, "put", url, {"audience": ""}).json() == {"audience": ""}
    assert call(client, "put", url, {"audience": "world"}).status_code == 422
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "put", url, {"audience": "school"}).status_code == 403


def test_a_closed_project_refuses_changes_with_its_reason(world):
    world.projects["own"].status = Project.Status.CLOSED
    world.projects["own"].save()
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    for method, path, body in [
        ("patch", f"/items/{world.items['own'].pk}", {"title": "New"}),
        (
            "post",
            f"/portfolios/{portfolio}/clippings",
            {"stage": "gather", "url": "https://a.example/"},
        ),
        ("put", f"/portfolios/{portfolio}/stages/gather", {"done": True}),
        ("delete", f"/portfolios/{portfolio}/connections/1", None),
    ]:
        response = call(client, method, path, body)
        assert response.status_code == 400, path
        assert "closed" in response.json()["detail"]


# --- items ---------------------------------------------------------------------------------


def test_an_item_with_categories_annotations_and_file_links(world):
    pupil = world.user("pupil@own")
    picture = world.uploads["own"]
    update_item(pupil, picture, title="Bees", stage="gather", importance=4, categories=["Nests"])
    annotate(pupil, picture, "Look at the stems")
    client = as_user(pupil)
    data = call(client, "get", f"/items/{picture.pk}").json()
    assert (data["title"], data["importance"], data["categories"]) == ("Bees", 4, ["Nests"])
    assert [(a["author"], a["text"]) for a in data["annotations"]] == [
        ("Ada Own", "Look at the stems")
    ]
    assert data["file_url"] == reverse("api-1:item_file", args=[picture.pk])
    assert data["thumbnail_url"] == reverse("api-1:item_thumbnail", args=[picture.pk])
    assert data["file_name"] == "picture.png" and data["file_type"] == "image/png"
    note = call(client, "get", f"/items/{world.items['own'].pk}").json()
    assert note["file_url"] is None and note["body"] == "What I know"

    assert (
        call(as_user(world.user("teacher@own")), "get", f"/items/{picture.pk}").status_code == 200
    )
    assert call(as_user(world.user("pupil2@own")), "get", f"/items/{picture.pk}").status_code == 404
    assert (
        call(as_user(world.user("teacher@other")), "get", f"/items/{picture.pk}").status_code == 404
    )


def test_patching_an_item_changes_only_what_is_sent(world):
    client = as_user(world.user("pupil@own"))
    url = f"/items/{world.items['own'].pk}"
    first = call(client, "patch", url, {"importance": 3, "categories": ["Facts", "Bees"]})
    assert first.status_code == 200
    assert (first.json()["title"], first.json()["importance"]) == ("own note", 3)
    assert first.json()["categories"] == ["Bees", "Facts"]
    renamed = call(client, "patch", url, {"title": "Nesting", "stage": "identify"}).json()
    assert (renamed["title"], renamed["stage"], renamed["importance"]) == ("Nesting", "identify", 3)
    assert renamed["categories"] == ["Bees", "Facts"]
    cleared = call(client, "patch", url, {"importance": None, "categories": []}).json()
    assert (cleared["importance"], cleared["categories"], cleared["title"]) == (None, [], "Nesting")

    assert call(client, "patch", url, {"importance": 6}).status_code == 422
    bad_stage = call(client, "patch", url, {"stage": "dance"})
    assert bad_stage.status_code == 400 and "Unknown TASC stage" in bad_stage.json()["detail"]
    assert call(client, "patch", url, {"title": "  "}).status_code == 400
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "patch", url, {"title": "Mine now"}).status_code == 403
    other = as_user(world.user("pupil@own2"))
    assert call(other, "patch", url, {"title": "Mine now"}).status_code == 404
    assert Item.objects.get(pk=world.items["own"].pk).title == "Nesting"


def test_moving_an_item_within_its_stage(world):
    client = as_user(world.user("pupil@own"))
    note, picture = world.items["own"], world.uploads["own"]
    moved = call(client, "post", f"/items/{picture.pk}/move", {"direction": "up"})
    assert moved.status_code == 200 and moved.json()["position"] == 1
    order = call(client, "get", f"/portfolios/{world.portfolios['own'].pk}").json()["items"]
    assert [i["id"] for i in order] == [picture.pk, note.pk]
    call(client, "post", f"/items/{picture.pk}/move", {"direction": "down"})
    assert Item.objects.get(pk=picture.pk).position == 2
    assert (
        call(client, "post", f"/items/{picture.pk}/move", {"direction": "left"}).status_code == 422
    )
    teacher = as_user(world.user("teacher@own"))
    assert (
        call(teacher, "post", f"/items/{picture.pk}/move", {"direction": "up"}).status_code == 403
    )


def test_annotating_an_item(world):
    client = as_user(world.user("pupil@own"))
    url = f"/items/{world.items['own'].pk}/annotations"
    made = call(client, "post", url, {"text": "  Why this matters  "})
    assert made.status_code == 201
    assert (made.json()["text"], made.json()["author"]) == ("Why this matters", "Ada Own")
    assert call(client, "post", url, {"text": " "}).status_code == 400
    assert call(as_user(world.user("teacher@own")), "post", url, {"text": "x"}).status_code == 403
    assert call(as_user(world.user("pupil@other")), "post", url, {"text": "x"}).status_code == 404


def test_text_comes_back_as_data_exactly_as_written(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    made = call(
        client,
        "post",
        f"/portfolios/{portfolio}/notes",
        {"stage": "gather", "title": hostile, "body": hostile},
    )
    item = made.json()["id"]
    call(client, "post", f"/items/{item}/annotations", {"text": hostile})
    response = call(client, "get", f"/items/{item}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    assert data["title"] == data["body"] == data["annotations"][0]["text"] == hostile
    assert "&lt;" not in response.content.decode()


# --- uploads and clippings -----------------------------------------------------------------


def test_uploading_a_file(world):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    made = upload(client, portfolio, "bees.png", png_file().read(), stage="decide", title="Bees")
    assert made.status_code == 201
    data = made.json()
    assert (data["kind"], data["stage"], data["title"], data["file_type"]) == (
        "upload",
        "decide",
        "Bees",
        "image/png",
    )
    assert (
        data["file_url"] == reverse("api-1:item_file", args=[data["id"]]) and data["thumbnail_url"]
    )
    teacher = as_user(world.user("teacher@own"))
    assert upload(teacher, portfolio, "bees.png", png_file().read()).status_code == 403
    other = as_user(world.user("pupil@own2"))
    assert upload(other, portfolio, "bees.png", png_file().read()).status_code == 404


def test_a_disguised_or_oversized_upload_is_refused_with_a_message(world, settings):
    client = as_user(world.user("pupil@own"))
    portfolio = world.portfolios["own"].pk
    before = Item.objects.count()
    html = upload(client, portfolio, "evil.png", b"<html><script>alert(1)</script></html>")
    assert html.status_code == 400
    assert "This kind of file cannot be added" in html.json()["detail"]

    settings.UPLOAD_MAX_BYTES = 1_048_576
    big = upload(client, portfolio, "big.png", png_file().read() + b"\0" * 1_600_000)
    assert big.status_code == 400
    assert "files can be at most 1 MB" in big.json()["detail"]
    huge = upload(client, portfolio, "huge.png", b"\0" * 2_200_000)
    assert huge.status_code == 413 and "at most 1.0\xa0MB" in huge.json()["detail"]
    assert Item.objects.count() == before


def test_clipping_a_page_answers_at_once_and_fetches_later(
    world, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client = as_user(world.user("pupil@own"))
    url = f"/portfolios/{world.portfolios['own'].pk}/clippings"
    with django_capture_on_commit_callbacks(execute=True):
        made = call(client, "post", url, {"stage": "gather", "url": "example.org/bees"})
    assert made.status_code == 202
    assert (made.json()["clip_status"], made.json()["url"]) == (
        "pending",
        "https://example.org/bees",
    )
    assert DBTaskResult.objects.filter(task_path__endswith="fetch_clipping").count() == 1
    bad = call(client, "post", url, {"stage": "gather", "url": "javascript:alert(1)"})
    assert bad.status_code == 400 and "web address" in bad.json()["detail"]
    teacher = as_user(world.user("teacher@own"))
    refused = call(teacher, "post", url, {"stage": "gather", "url": "https://a.example/"})
    assert refused.status_code == 403


# --- connections and layout ----------------------------------------------------------------


def test_removing_a_connection(world):
    pupil = world.user("pupil@own")
    portfolio = world.portfolios["own"]
    link = connect(pupil, portfolio, world.uploads["own"].pk, world.items["own"].pk, "supports", "")
    url = f"/portfolios/{portfolio.pk}/connections/{link.pk}"
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "delete", url).status_code == 403
    other = as_user(world.user("pupil@own2"))
    assert call(other, "delete", url).status_code == 404
    gone = call(as_user(pupil), "delete", url)
    assert gone.status_code == 204 and gone.content == b""
    assert not Connection.objects.filter(pk=link.pk).exists()
    assert call(as_user(pupil), "delete", url).status_code == 204  # already gone


def test_another_portfolios_connection_is_not_removed_through_mine(world):
    other_pupil = world.user("pupil@other")
    theirs = connect(
        other_pupil,
        world.portfolios["other"],
        world.uploads["other"].pk,
        world.items["other"].pk,
        "supports",
        "",
    )
    client = as_user(world.user("pupil@own"))
    call(client, "delete", f"/portfolios/{world.portfolios['own'].pk}/connections/{theirs.pk}")
    assert Connection.objects.filter(pk=theirs.pk).exists()


def test_saving_the_graph_layout(world):
    client = as_user(world.user("pupil@own"))
    url = f"/portfolios/{world.portfolios['own'].pk}/layout"
    positions = {
        str(world.items["own"].pk): [10.5, -20],
        str(world.items["other"].pk): [1, 1],  # another pupil's: ignored
    }
    assert call(client, "put", url, {"positions": positions}).json() == {"saved": 1}
    note = Item.objects.get(pk=world.items["own"].pk)
    assert (note.graph_x, note.graph_y) == (10.5, -20)
    assert Item.objects.get(pk=world.items["other"].pk).graph_x is None
    infinite = {"positions": {str(world.items["own"].pk): [float("inf"), 0]}}
    refused = call(client, "put", url, infinite)  # "Infinity" is not JSON: the reader refuses
    assert refused.status_code == 400
    assert "Infinity is not a number JSON allows" in refused.json()["detail"]
    assert call(client, "put", url, {"positions": {"x": [1, 2]}}).status_code == 422
    teacher = as_user(world.user("teacher@own"))
    assert call(teacher, "put", url, {"positions": {}}).status_code == 403


# --- the schema ----------------------------------------------------------------------------


def test_openapi_documents_every_tasc_operation(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/portfolios": {"get"},
        "/api/v1/projects/{project_id}/my-portfolio": {"get"},
        "/api/v1/items/{item_id}": {"get", "patch"},
        "/api/v1/items/{item_id}/move": {"post"},
        "/api/v1/items/{item_id}/annotations": {"post"},
        "/api/v1/portfolios/{portfolio_id}/uploads": {"post"},
        "/api/v1/portfolios/{portfolio_id}/clippings": {"post"},
        "/api/v1/portfolios/{portfolio_id}/connections/{connection_id}": {"delete"},
        "/api/v1/portfolios/{portfolio_id}/layout": {"put"},
        "/api/v1/portfolios/{portfolio_id}/stages/{stage}": {"put"},
        "/api/v1/portfolios/{portfolio_id}/tools/{stage}": {"get", "put"},
        "/api/v1/portfolios/{portfolio_id}/sharing": {"put"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) == methods, path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
    upload_body = paths["/api/v1/portfolios/{portfolio_id}/uploads"]["post"]["requestBody"]
    assert "multipart/form-data" in upload_body["content"]
    assert "202" in paths["/api/v1/portfolios/{portfolio_id}/clippings"]["post"]["responses"]
    assert "409" in paths["/api/v1/portfolios/{portfolio_id}/tools/{stage}"]["put"]["responses"]


def test_files_through_the_api_for_token_clients(world):
    teacher = as_user(world.user("teacher@own"))
    upload = world.uploads["own"]
    item = call(teacher, "get", f"/items/{upload.pk}").json()
    assert item["file_url"] == f"/api/v1/items/{upload.pk}/file"
    response = teacher.get(item["file_url"], secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    thumb = teacher.get(item["thumbnail_url"], secure=True)
    assert thumb.status_code == 200 and b"".join(thumb.streaming_content).startswith(b"\x89PNG")
    outsider = as_user(world.user("teacher@other"))
    assert outsider.get(item["file_url"], secure=True).status_code == 404
    assert call(teacher, "get", f"/items/{world.items['own'].pk}/file").status_code == 404


def test_an_oversized_api_request_is_refused_in_json(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client = as_user(world.user("teacher@own"))
    response = client.post(
        "/api/v1/portfolios/1/notes",
        "x" * (2 * 1_048_576 + 10),
        content_type="application/json",
        secure=True,
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large: files can be at most 1.0\xa0KB."


def test_nul_characters_are_refused_whatever_the_declared_type(world):
    client = as_user(world.user("teacher@own"))
    for kind in ("text/plain", "Application/JSON", ""):
        response = client.put(
            f"/api/v1/items/{world.items['own'].pk}/note",
            '{"body": "a\\u0000b", "version": 1}',
            content_type=kind,
            secure=True,
        )
        assert response.status_code == 400, kind
        assert "NUL" in response.json()["detail"]
