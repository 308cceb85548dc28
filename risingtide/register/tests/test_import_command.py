"""`risingtide manage import_pupils`: the data manager's import, as the web's, from a shell."""

import json

import pytest
from django.core.management import CommandError, call_command

from risingtide.register.models import Pupil
from risingtide.register.tests import ctf_files, tabular_files

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_pupils", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_a_dry_run_prints_the_preview_and_writes_nothing(world, tmp_path):
    path = tmp_path / "pupils.xml"
    path.write_bytes(ctf_files.ctf([ctf_files.pupil_xml(n, "names_at_pupil") for n in range(8)]))
    code, out = _run(str(path), "--school", world.schools["peer"].urn, "--dry-run")
    assert code == 0
    assert "CTF version 21.0 from Riverton Primary" in out
    assert "8 new, 0 updated, 0 unchanged, 0 errors" in out and "Dry run" in out
    assert not Pupil.objects.filter(school=world.schools["peer"]).exists()


def test_an_import_writes_and_a_second_changes_nothing(world, tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(tabular_files.csv_bytes(10, "sims"))
    urn = world.schools["peer"].urn
    assert _run(str(path), "--school", urn)[0] == 0
    assert Pupil.objects.filter(school=world.schools["peer"]).count() == 10
    code, out = _run(str(path), "--school", urn)
    assert code == 0 and "0 new, 0 updated, 10 unchanged" in out


def test_errors_are_printed_with_row_field_and_reason_and_exit_1(world, tmp_path):
    path = tmp_path / "pupils.csv"
    path.write_bytes(tabular_files.csv_bytes(6, "sims", bad={2: "future_dob", 4: "missing_upn"}))
    code, out = _run(str(path), "--school", world.schools["peer"].urn)
    assert code == 1
    assert "row 4" in out and "in the future" in out  # the header is row 1
    assert "row 6" in out and "UPN" in out and "missing" in out
    assert "Nothing was written" in out
    assert not Pupil.objects.filter(school=world.schools["peer"]).exists()


def test_a_mapping_file_and_an_la_wide_file(world, tmp_path):
    path = tmp_path / "la.csv"
    own, peer = world.schools["own"], world.schools["peer"]
    path.write_text(
        "School,Pupil number,Last,First,Born,Sex\n"
        f"{own.urn},B801200005001,Ng,Li,2014-03-02,F\n"
        f"{peer.urn},B801200005001,Ray,Sam,2014-04-02,M\n"
    )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "school_urn": "School",
                "upn": "Pupil number",
                "legal_surname": "Last",
                "legal_forename": "First",
                "date_of_birth": "Born",
                "gender": "Sex",
            }
        )
    )
    code, out = _run(str(path), "--la", own.local_authority.code, "--mapping", str(mapping))
    assert code == 0, out
    assert set(Pupil.objects.filter(upn="B801200005001").values_list("school", flat=True)) == {
        own.pk,
        peer.pk,
    }


def test_unknown_school_and_unreadable_file_are_refused(world, tmp_path):
    with pytest.raises(CommandError, match="No school has URN 123456"):
        _run(str(tmp_path / "x.csv"), "--school", "123456")
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<!DOCTYPE x [<!ENTITY a "a">]><CTfile>&a;</CTfile>')
    with pytest.raises(CommandError, match="document type or entities"):
        _run(str(bomb), "--school", world.schools["peer"].urn)
