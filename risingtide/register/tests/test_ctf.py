"""Reading CTF files: every layout we know, 1,500 pupils, and every way a file can be wrong."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from risingtide.register.ctf import CtfRefused, read_ctf
from risingtide.register.tests.ctf_files import LAYOUTS, ctf, pupil_xml
from risingtide.register.upn import make_upn


@pytest.mark.parametrize("layout", LAYOUTS)
def test_1500_pupils_in_each_layout(layout):
    data = ctf([pupil_xml(n, layout) for n in range(1500)])
    result = read_ctf(data)
    assert result.errors == []
    assert len(result.pupils) == 1500
    assert (result.version, result.source_urn, result.source_name) == (
        "21.0",
        "100001",
        "Riverton Primary",
    )
    first = result.pupils[0]
    assert (first.legal_surname, first.legal_forename) == ("Surname0", "Forename0")
    assert first.ethnicity == "WBRI" and first.ethnic_group == "White"
    assert first.fsm[0].start == date(2019, 9, 1) and first.fsm[0].end == date(2021, 7, 20)
    assert first.sen == [(date(2020, 1, 1), "K")] and first.assessments[0]["result"] == "110"
    assert result.pupils[1].ethnic_group == "Asian" and result.pupils[1].fsm == []


def test_namespaces_and_unknown_elements_are_tolerated():
    data = ctf([pupil_xml(1, "names_at_pupil")]).replace(
        b"<CTfile>", b'<CTfile xmlns="http://www.example.org/ctf"><Extra>x</Extra>'
    )
    assert len(read_ctf(data).pupils) == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<CTfile><Header>", "malformed"),
        (b"this is not xml", "not an XML file"),
        (ctf([], root="SomethingElse"), "root element is 'SomethingElse'"),
        (
            b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<CTfile><Header>&x;</Header></CTfile>",
            "document type or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
            b"<CTfile>&lol3;</CTfile>",
            "document type or entities",
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(data, reason):
    with pytest.raises(CtfRefused, match=reason):
        read_ctf(data)


def test_each_bad_pupil_is_a_row_error_and_the_rest_are_read():
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    good = make_upn(801, 2000, 15, 500)
    wrong_check = "A" + good[1:] if good[0] != "A" else "B" + good[1:]
    pupils = [
        pupil_xml(1, "names_at_pupil"),
        pupil_xml(2, "names_at_pupil", upn=""),
        pupil_xml(3, "names_at_pupil", upn=wrong_check),
        pupil_xml(4, "names_at_pupil", upn=good),
        pupil_xml(5, "names_at_pupil", upn=good),
        pupil_xml(6, "names_at_pupil", dob=future),
        pupil_xml(7, "names_at_pupil", ethnicity="ZZZZ"),
    ]
    result = read_ctf(ctf(pupils))
    errors = [str(e) for e in result.errors]
    assert [p.row for p in result.pupils] == [1, 4]
    assert "pupil 2, UPN: missing" in errors
    assert any(e.startswith("pupil 3 (") and "check letter should be" in e for e in errors)
    assert f"pupil 5 ({good}), UPN: used twice (also pupil 4)" in errors
    assert any(e.startswith("pupil 6") and "in the future" in e for e in errors)
    assert any(
        e.startswith("pupil 7") and "'ZZZZ' is not a DfE ethnicity code" in e for e in errors
    )
