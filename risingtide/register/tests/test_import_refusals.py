"""Every bad file the issue names, through the whole import (the write, not only the reader):
a clear error naming the row, field and reason, or the whole file refused, and nothing written."""

import io
import zipfile

import pytest

from risingtide.register import table_files
from risingtide.register.column_mapping import guess_mapping
from risingtide.register.import_files import ImportRefused, Source
from risingtide.register.importing import run_import
from risingtide.register.models import Pupil
from risingtide.register.tests import ctf_files, tabular_files
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db

GOOD = [ctf_files.pupil_xml(n, "names_at_pupil") for n in range(5)]
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<CTfile><Header/><CTFpupilData><Pupil><UPN>&x;</UPN></Pupil></CTFpupilData></CTfile>"
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><CTfile>&lol9;</CTfile>"
)


def _zip_of_text() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


WHOLE_FILE = {
    "malformed XML": ("ctf", ctf_files.ctf(GOOD)[:-20], "malformed"),
    "wrong root element": ("ctf", ctf_files.ctf(GOOD, root="Pupils"), "root element"),
    "external entity": ("ctf", XXE, "document type or entities"),
    "entity-expansion bomb": ("ctf", BOMB, "document type or entities"),
    "CSV in the wrong encoding": ("csv", "UPN,Surname\nA,Müller\n".encode("utf-16"), "UTF"),
    "XLSX that is a ZIP of something else": ("xlsx", _zip_of_text(), "workbook"),
}
ROW_FAULTS = {
    "missing UPN": "missing_upn",
    "wrong check letter": "wrong_check_letter",
    "duplicate UPN": "duplicate_upn",
    "date of birth in the future": "future_dob",
    "unknown ethnicity code": "unknown_ethnicity",
}


def _source(tmp_path, fmt: str, data: bytes, mapping=None) -> Source:
    path = tmp_path / f"file.{fmt if fmt != 'ctf' else 'xml'}"
    path.write_bytes(data)
    return Source(str(path), fmt, mapping=mapping or {}, name=path.name)


@pytest.mark.parametrize("case", WHOLE_FILE, ids=list(WHOLE_FILE))
def test_a_file_that_cannot_be_read_is_refused_whole(world, tmp_path, case):
    fmt, data, reason = WHOLE_FILE[case]
    mapping = {"upn": "UPN", "legal_surname": "Surname"}
    with pytest.raises(ImportRefused) as refused:
        run_import(_source(tmp_path, fmt, data, mapping), school=world.schools["peer"], write=True)
    assert reason.lower() in str(refused.value).lower()
    assert not Pupil.objects.filter(school=world.schools["peer"]).exists()


def test_a_csv_missing_a_required_column_is_refused_whole(world, tmp_path):
    data = tabular_files.csv_bytes(3, "sims")
    headers = data.split(b"\r\n", 1)[0].decode().split(",")
    mapping = {"upn": "UPN", "legal_surname": "Not There"}
    with pytest.raises(ImportRefused) as refused:
        run_import(
            _source(tmp_path, "csv", data, mapping), school=world.schools["peer"], write=True
        )
    assert "Not There" in str(refused.value) and headers
    assert not Pupil.objects.filter(school=world.schools["peer"]).exists()


@pytest.mark.parametrize("fault", ROW_FAULTS, ids=list(ROW_FAULTS))
@pytest.mark.parametrize("fmt", ["ctf", "csv", "xlsx"])
def test_a_bad_row_is_named_and_nothing_is_written(world, tmp_path, fault, fmt):
    school = world.schools["peer"]
    code = ROW_FAULTS[fault]
    if fmt == "ctf":
        pupils = list(GOOD)
        override = {
            "missing_upn": {"upn": ""},
            "future_dob": {"dob": "2999-01-01"},
            "unknown_ethnicity": {"ethnicity": "ZZZZ"},
        }.get(code)
        if code == "duplicate_upn":
            pupils.append(GOOD[0])
        elif code == "wrong_check_letter":
            good = make_upn(801, 2000, 15, 3)
            wrong = ("B" if good[0] == "A" else "A") + good[1:]
            pupils[3] = ctf_files.pupil_xml(3, "names_at_pupil", upn=wrong)
        else:
            pupils[3] = ctf_files.pupil_xml(3, "names_at_pupil", **override)
        source = _source(tmp_path, "ctf", ctf_files.ctf(pupils))
    else:
        make = tabular_files.csv_bytes if fmt == "csv" else tabular_files.xlsx_bytes
        data = make(6, "sims", bad={3: code})
        source = _source(tmp_path, fmt, data)
        source.mapping = guess_mapping(table_files.headers(source.path, fmt), kind="pupils")
    outcome = run_import(source, school=school, write=True)
    assert not outcome.written and outcome.error_count >= 1
    error = outcome.errors[0]
    assert error["row"] and error["field"] and error["reason"]
    assert not Pupil.objects.filter(school=school).exists()
