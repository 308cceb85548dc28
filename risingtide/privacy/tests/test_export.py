"""A subject-access export holds every record of every declared model about the person,
checked against an independent walk of every row of every declared model."""

import io
import json
import zipfile
from datetime import date

import pytest
from django.apps import apps
from django.core.files.storage import default_storage

from risingtide.feedback.services import reply
from risingtide.lib.personal_data import HOLDINGS, PUPIL_RECORD, Person, target_of
from risingtide.privacy import exporting, services
from risingtide.privacy.models import SubjectAccessExport
from risingtide.register.models import Attainment, CharacteristicChange, FsmPeriod

pytestmark = pytest.mark.django_db


# The three declarations that match by something other than a path, read here by hand.
BY_HAND = {
    "people.User": lambda row, p: row.pk == p.user_id,
    "register.Pupil": lambda row, p: row.pk == p.pupil_id or row.account_id == p.user_id,
    "audit.AuditEvent": lambda row, p: (
        (row.target_type, row.target_id)
        in {("people.User", str(p.user_id)), ("register.Pupil", str(p.pupil_id))}
    ),
}


def expected_rows(label: str, person: Person) -> set[int]:
    """A direct query of the model, one per path: every row's key and where the path ends,
    compared here with the person (not through the filter the export builds)."""
    holding = HOLDINGS[label]
    rows = apps.get_model(label)._base_manager
    found = set()
    for path in (*holding.about, *holding.named):
        if not isinstance(path, str):
            continue
        wanted = (
            person.pupil_id
            if target_of(rows.model, path)._meta.label == PUPIL_RECORD
            else person.user_id
        )
        found |= {
            pk for pk, end in rows.values_list("pk", path) if end is not None and end == wanted
        }
    if label in BY_HAND:
        found |= {row.pk for row in rows.all() if BY_HAND[label](row, person)}
    return found


def _more_about(world):
    """A little more than the tiny world holds about pupil@own: characteristics' history, FSM,
    attainment, a reply of theirs."""
    record = world.records["own"]
    CharacteristicChange.objects.create(
        pupil=record, kind="sen", old_value="", new_value="K", changed_on=date(2025, 9, 1)
    )
    FsmPeriod.objects.create(pupil=record, start=date(2024, 9, 1))
    Attainment.objects.create(
        pupil=record, stage="KS2", subject="MAT", method="TT", result="110", year=2025
    )
    reply(world.users["pupil@own"], world.comments["own"], "In the library book.")
    return record


def test_the_export_holds_every_declared_record_about_the_pupil(world, client_for):
    record = _more_about(world)
    # What they looked at and who looked at them is in it too.
    client_for(world.users["head@own"]).get(f"/register/pupils/{record.pk}/")
    person = Person(user_id=record.account_id, pupil_id=record.pk)
    parts = {p.label: p for p in exporting.gather(person)}
    assert set(parts) == set(HOLDINGS)
    for label in HOLDINGS:
        got = {row["id"] for row in parts[label].rows}
        assert got == expected_rows(label, person), label
    held = {label for label, part in parts.items() if part.rows}
    assert held >= {
        "people.User",
        "people.Membership",
        "audit.AuditEvent",
        "register.Pupil",
        "register.CharacteristicChange",
        "register.FsmPeriod",
        "register.Attainment",
        "register.RegisterEntry",
        "register.Evidence",
        "portfolios.Portfolio",
        "portfolios.PortfolioMember",
        "portfolios.Item",
        "portfolios.NoteRevision",
        "feedback.Comment",
        "feedback.Reply",
    }


def test_the_export_is_a_zip_with_a_summary_json_per_app_and_their_files(world, client_for):
    record = _more_about(world)
    head = world.users["head@own"]
    with pytest.MonkeyPatch.context() as patch:  # run the task's work here, not on commit
        patch.setattr("django.db.transaction.on_commit", lambda fn, **_: None)
        export = services.request_pupil_export(head, record)
    assert services.make_export(export.pk) == "done"
    export.refresh_from_db()
    assert export.state == SubjectAccessExport.State.DONE and export.expires_at > export.created_at
    with zipfile.ZipFile(export.archive.open("rb")) as archive:
        names = set(archive.namelist())
        summary = archive.read("index.html").decode()
        register = json.loads(archive.read("data/register.json"))
        upload = world.uploads["own"]
        inside = [n for n in names if n.startswith(f"files/portfolios/Item/{upload.pk}-file-")]
        assert len(inside) == 1
        with default_storage.open(upload.file.name, "rb") as stored:
            assert archive.read(inside[0]) == stored.read()
    assert {"data/people.json", "data/portfolios.json", "data/feedback.json"} <= names
    assert [row["upn"] for row in register["register.Pupil"]] == [record.upn]
    assert "Solves problems well beyond Year 7." in summary
    assert "Everything held about Ada Own" in summary
    people = json.loads(
        io.BytesIO(zipfile.ZipFile(export.archive.open("rb")).read("data/people.json")).read()
    )
    assert all("password" not in row for row in people["people.User"])
    # A second run of the task finds it done and does nothing.
    assert services.make_export(export.pk) == "nothing to do"
