"""Export and import: a portfolio leaves as ZIP (offline site, PDF, JSON) and comes back whole."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse

from risingtide.demo.testing import make_user, member, png_file
from risingtide.feedback import services as feedback
from risingtide.people.models import Role
from risingtide.portfolios import services, tools
from risingtide.transfer import exports, imports

pytestmark = pytest.mark.django_db


def _rich_portfolio(world):
    """The tiny world's portfolio with one of everything."""
    pupil, teacher = world.user("pupil@own"), world.user("teacher@own")
    portfolio = world.portfolios["own"]
    note = world.items["own"]
    services.save_note(pupil, note, "**Bees** nest in stems", 1)
    services.update_item(
        pupil, note, title="What I know", stage="gather", importance=4, categories=["habitats"]
    )
    services.annotate(pupil, note, "From the RSPB site")
    video = services.add_upload(
        pupil,
        portfolio,
        "implement",
        "Model",
        SimpleUploadedFile("model.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64),
    )
    link = services.connect(
        pupil, portfolio, world.uploads["own"].pk, note.pk, "supports", "It shows it"
    )
    services.save_layout(
        pupil, portfolio, {note.pk: (10.0, 20.0), world.uploads["own"].pk: (200.0, 40.0)}
    )
    services.set_stage_done(pupil, portfolio, "gather", True)
    q = QueryDict(mutable=True)
    q.setlist("item", [str(note.pk), str(video.pk)])
    q["audience"] = "Year 7"
    tools.save_stage_work(pupil, portfolio, "communicate", q, 0)
    tools.save_stage_work(pupil, portfolio, "gather", QueryDict("known=Bees+sting%0AWasps+too"), 0)
    feedback.give(teacher, portfolio, "question", "Which bees?", connection_id=link.pk)
    feedback.reply(pupil, world.comments["own"], "From the RSPB.")
    feedback.mark_done(pupil, world.comments["own"])
    return portfolio


def _zip(portfolio) -> zipfile.ZipFile:
    out = io.BytesIO()
    exports.build_zip(portfolio, out)
    out.seek(0)
    return zipfile.ZipFile(out)


def test_the_zip_holds_an_offline_site_a_pdf_and_json(world):
    portfolio = _rich_portfolio(world)
    archive = _zip(portfolio)
    names = set(archive.namelist())
    assert {"index.html", "style.css", "portfolio.json", "portfolio.pdf"} <= names
    media = {n for n in names if n.startswith("media/")}
    assert len(media) == 3  # the picture, its thumbnail, the video
    site = archive.read("index.html").decode()
    for path in media:
        assert path.endswith("-thumbnail.png") or f'"{path}"' in site  # every file is shown
    assert "<strong>Bees</strong>" in site and "supports" in site and "Which bees?" in site
    assert "<svg" in site and 'role="img"' in site  # the graph, drawn with no script
    assert "<script" not in site and "http://" not in site.split("</head>")[0]
    assert archive.read("portfolio.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("portfolio.json"))
    assert data["format"] == "rising-tide-portfolio" and len(data["items"]) == 3


def _comparable(data: dict) -> dict:
    """An export with the things that must differ after a move taken out: database ids (items
    are named by their place instead), the school, the time of export, sharing."""
    data = json.loads(json.dumps(data))
    order = {item["id"]: n for n, item in enumerate(data["items"])}
    links = {c["id"]: n for n, c in enumerate(data["connections"])}
    for item in data["items"]:
        item["id"] = order[item["id"]]
        for field in ("file", "thumbnail"):
            item[field] = bool(item[field])
    for c in data["connections"]:
        c["id"], c["source"], c["target"] = links[c["id"]], order[c["source"]], order[c["target"]]
    for w in data["stage_work"]:
        if "items" in w["data"]:
            w["data"]["items"] = [order[i] for i in w["data"]["items"]]
    for f in data["feedback"]:
        about = f["about"]
        about["item"] = order.get(about["item"])
        about["connection"] = links.get(about["connection"])
    del data["exported_at"], data["project"]["school"], data["portfolio"]["shared_with"]
    data["project"]["wheel"]["name"] = data["project"]["wheel"]["name"].removesuffix(" (imported)")
    return data


def test_a_portfolio_moves_school_without_loss(world):
    portfolio = _rich_portfolio(world)
    before = exports.export_data(portfolio)
    archive = io.BytesIO()
    exports.build_zip(portfolio, archive)
    # Ada moves to the other LA's school and has a new account there.
    newcomer = make_user("ada.new", "Ada", "Own")
    member(
        newcomer, Role.PUPIL, school=world.schools["other"], teaching_group=world.groups["other"]
    )
    teacher = world.user("teacher@other")
    upload = SimpleUploadedFile("ada.zip", archive.getvalue(), content_type="application/zip")
    moved = imports.import_portfolio(teacher, world.schools["other"], upload, [newcomer])
    after = exports.export_data(moved)
    assert _comparable(after) == _comparable(before)
    assert moved.project.school == world.schools["other"] and moved.project.status == "closed"
    assert list(moved.members.all()) == [newcomer]
    # The files came across byte for byte.
    old = {i.title: i for i in portfolio.items.all()}
    for item in moved.items.exclude(file=""):
        assert item.file.read() == old[item.title].file.read()
    # The pupil can open it in the new school; the old school's teacher cannot.
    from risingtide.access.core import can

    assert can(newcomer, "portfolio.view", moved)
    assert not can(world.user("teacher@own"), "portfolio.view", moved)


def test_a_bad_file_is_refused_with_its_place_and_nothing_is_written(world):
    from risingtide.tasc.models import Project

    teacher = world.user("teacher@own")
    pupil = world.user("pupil2@own")
    data = exports.export_data(_rich_portfolio(world))
    projects = Project.objects.count()

    def refused(changed) -> str:
        upload = SimpleUploadedFile("p.json", json.dumps(changed).encode())
        with pytest.raises(ValidationError) as caught:
            imports.import_portfolio(teacher, world.schools["own"], upload, [pupil])
        return " ".join(caught.value.messages)

    wrong_types = json.loads(json.dumps(data))
    wrong_types["items"][0]["importance"] = 9
    wrong_types["items"][0]["position"] = "first"
    wrong_types["items"][0]["graph"] = [1, "x"]
    text = refused(wrong_types)
    assert "items[0].importance: 9 is out of range" in text
    assert "items[0].position: should be a whole number" in text
    assert "items[0].graph[1]: should be a number" in text
    data["items"][1]["stage"] = "dance"
    data["connections"][0]["target"] = 999
    data["items"][0]["url"] = "javascript:alert(1)"
    text = refused(data)
    assert "items[1].stage: 'dance' is not one of" in text
    assert "connections[0]: joins unknown items" in text
    assert "items[0].url: only http:// and https:// addresses" in text
    assert Project.objects.count() == projects
    # A JSON without its media says which file is missing.
    data = exports.export_data(world.portfolios["own"])
    upload = SimpleUploadedFile("p.json", json.dumps(data).encode())
    with pytest.raises(ValidationError, match=r"items\[\d\]\.file: media/.* is not in the ZIP"):
        imports.import_portfolio(teacher, world.schools["own"], upload, [pupil])
    for junk in (b"not json", b"PK\x03\x04broken", json.dumps({"format": "other"}).encode()):
        with pytest.raises(ValidationError):
            imports.import_portfolio(
                teacher, world.schools["own"], SimpleUploadedFile("x", junk), [pupil]
            )


def test_a_disguised_file_in_the_zip_is_refused(world):
    portfolio = world.portfolios["own"]
    good = io.BytesIO()
    exports.build_zip(portfolio, good)
    good.seek(0)
    bad = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for entry in src.infolist():
            body = src.read(entry)
            if entry.filename.startswith("media/") and entry.filename.endswith("-file.png"):
                body = b"<html><script>alert(1)</script></html>"
            dst.writestr(entry, body)
    upload = SimpleUploadedFile("x.zip", bad.getvalue())
    with pytest.raises(ValidationError, match="cannot be added"):
        imports.import_portfolio(
            world.user("teacher@own"), world.schools["own"], upload, [world.user("pupil2@own")]
        )


def test_only_staff_bring_portfolios_in_for_their_own_pupils(world):
    data = json.dumps(exports.export_data(world.portfolios["own"]))
    with pytest.raises(PermissionDenied):
        imports.import_portfolio(
            world.user("pupil@own"),
            world.schools["own"],
            SimpleUploadedFile("x", data.encode()),
            [world.user("pupil@own")],
        )
    with pytest.raises(PermissionDenied):  # a pupil of another school
        imports.import_portfolio(
            world.user("teacher@own"),
            world.schools["own"],
            SimpleUploadedFile("x", data.encode()),
            [world.user("pupil@other")],
        )


def test_pages_download_and_import(world, client_for):
    pupil = client_for(world.user("pupil@own"))
    response = pupil.get(reverse("transfer:export_zip", args=[world.portfolios["own"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).read("portfolio.pdf").startswith(b"%PDF")
    pdf = pupil.get(reverse("transfer:export_pdf", args=[world.portfolios["own"].pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    other = client_for(world.user("pupil2@own"))
    assert (
        other.get(reverse("transfer:export_zip", args=[world.portfolios["own"].pk])).status_code
        == 404
    )
    teacher = client_for(world.user("teacher@own"))
    page = teacher.get(reverse("transfer:import_portfolio"))
    assert page.status_code == 200 and "Ben" in page.content.decode()
    upload = SimpleUploadedFile("ada.zip", body, content_type="application/zip")
    response = teacher.post(
        reverse("transfer:import_portfolio"),
        {"file": upload, "pupil": world.users["pupil2@own"].pk},
    )
    assert response.status_code == 302
    refused = teacher.post(
        reverse("transfer:import_portfolio"),
        {"file": SimpleUploadedFile("x.json", b"{}"), "pupil": world.users["pupil2@own"].pk},
    )
    assert (
        refused.status_code == 400
        and "not a Rising Tide portfolio export" in refused.content.decode()
    )


HOSTILE = {
    "position as text": lambda d: d["items"][0].__setitem__("position", "abc"),
    "graph too short": lambda d: d["items"][0].__setitem__("graph", [1]),
    "file name a number": lambda d: d["items"][0].__setitem__("file_name", 5),
    "revision not an object": lambda d: d["items"][0].__setitem__("revisions", [1]),
    "annotation without text": lambda d: d["items"][0].__setitem__("annotations", [{}]),
    "start date not a date": lambda d: d["project"].__setitem__("start_date", "soon"),
    "members a list of lists": lambda d: d["portfolio"].__setitem__("members", [["x"]]),
    "portfolio a list": lambda d: d.__setitem__("portfolio", []),
    "connection a string": lambda d: d.__setitem__("connections", ["x"]),
    "feedback on two things": lambda d: d.__setitem__(
        "feedback",
        [
            {
                "kind": "praise",
                "body": "x",
                "about": {"item": d["items"][0]["id"], "stage": "gather"},
            }
        ],
    ),
    "reply without body": lambda d: d.__setitem__(
        "feedback", [{"kind": "praise", "body": "x", "replies": [{}]}]
    ),
    "category twice": lambda d: d.__setitem__("categories", ["a", "a"]),
    "stage prompts a number": lambda d: d["project"].__setitem__("stage_prompts", {"gather": 5}),
    "tool data of the wrong kind": lambda d: d.__setitem__(
        "stage_work", [{"stage": "gather", "data": {"known": 5}}]
    ),
    "review level not a number": lambda d: d.__setitem__(
        "reviews", [{"is_self": False, "by": "", "levels": {"0": "zz"}}]
    ),
    "NUL in a title": lambda d: d["items"][0].__setitem__("title", "a\x00b"),
    "javascript link": lambda d: d["items"][0].__setitem__("url", "javascript:alert(1)"),
}


@pytest.mark.parametrize("change", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_file_is_refused_cleanly(world, client_for, change):
    from risingtide.tasc.models import Project

    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"]]
    change(data)
    projects = Project.objects.count()
    response = client_for(world.user("teacher@own")).post(
        reverse("transfer:import_portfolio"),
        {
            "file": SimpleUploadedFile("p.json", json.dumps(data).encode()),
            "pupil": world.users["pupil2@own"].pk,
        },
    )
    assert response.status_code == 400
    assert Project.objects.count() == projects


def test_numbers_json_does_not_allow_are_refused(world):
    data = json.dumps(exports.export_data(world.portfolios["own"]))
    data = data.replace('"graph": null', '"graph": [NaN, Infinity]', 1)
    with pytest.raises(ValidationError, match="not valid JSON"):
        imports.import_portfolio(
            world.user("teacher@own"),
            world.schools["own"],
            SimpleUploadedFile("p.json", data.encode()),
            [world.user("pupil2@own")],
        )


def test_a_pupil_of_another_school_is_brought_in_to_their_own_school(world, client_for):
    lead = world.user("leading_teacher@cluster")  # staff of both Own and Peer schools
    data = exports.export_data(world.portfolios["own"])
    data["items"] = [i for i in data["items"] if not i["file"]]
    response = client_for(lead).post(
        reverse("transfer:import_portfolio"),
        {
            "file": SimpleUploadedFile("p.json", json.dumps(data).encode()),
            "pupil": world.users["pupil@peer"].pk,
        },
    )
    assert response.status_code == 302
    from risingtide.portfolios.models import Portfolio

    moved = Portfolio.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert moved.project.school == world.schools["peer"]
    with pytest.raises(PermissionDenied):  # named for the wrong school
        imports.import_portfolio(
            lead,
            world.schools["own"],
            SimpleUploadedFile("p.json", json.dumps(data).encode()),
            [world.user("pupil@peer")],
        )


def test_damaged_and_locked_zips_are_refused(world):
    good = io.BytesIO()
    exports.build_zip(world.portfolios["own"], good)
    info = zipfile.ZipFile(io.BytesIO(good.getvalue())).getinfo("portfolio.json")
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(good.getvalue())
    damaged[data_at : data_at + 20] = b"\xff" * 20  # its packed bytes: bad CRC or bad data
    locked = bytearray(good.getvalue())
    directory = locked.find(b"PK\x01\x02")
    locked[directory + 8] |= 0x1  # the first entry's "encrypted" flag, in the directory
    for body in (bytes(damaged), bytes(locked)):
        with pytest.raises(ValidationError):
            imports.import_portfolio(
                world.user("teacher@own"),
                world.schools["own"],
                SimpleUploadedFile("x.zip", body),
                [world.user("pupil2@own")],
            )


def test_media_in_the_zip_are_named_by_their_checked_type(world):
    pupil = world.user("pupil@own")
    services.add_upload(pupil, world.portfolios["own"], "gather", "", png_file("homework.html"))
    archive = _zip(world.portfolios["own"])
    names = [n for n in archive.namelist() if n.startswith("media/")]
    assert names and not any(n.endswith(".html") for n in names)
    site = archive.read("index.html").decode()
    assert "script-src 'none'" in site  # the offline copy runs no script, whatever it holds
