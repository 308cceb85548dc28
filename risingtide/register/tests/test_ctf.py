"""Reading CTF files: every layout we know, 1,500 pupils, and every way a file can be wrong."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from lxml import etree

from risingtide.register.ctf.reading import CtfRefused, read_ctf
from risingtide.register.ctf.writing import ctf_filename, write_ctf
from risingtide.register.rows import Assessment, FsmPeriod, PupilRow, RegisterFlags
from risingtide.register.tests.ctf_files import LAYOUTS, ctf, gifted_talented_xml, pupil_xml
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
    assert (first.preferred_surname, first.gender, first.nc_year) == ("Surname0", "M", "7")
    assert (first.ethnicity, first.first_language, first.sen) == ("WBRI", "ENG", "K")
    assert first.fsm == [FsmPeriod(date(2019, 9, 1), date(2021, 7, 20))]
    # The empty StageAssessment is skipped; the stage, subject and result are kept as text.
    assert first.assessments == [Assessment("KS2", "MAT", "TT", "SCALED", "110", 2023)]
    assert first.looked_after is None and first.register is None
    assert (result.pupils[1].ethnicity, result.pupils[1].fsm) == ("APKN", [])
    assert (result.dest_la, result.dest_estab) == ("801", "4000")


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
    assert "row 2, UPN: missing" in errors
    assert any(e.startswith("row 3 (") and "check letter should be" in e for e in errors)
    assert f"row 5 ({good}), UPN: used twice (also row 4)" in errors
    assert any(e.startswith("row 6") and "DOB:" in e and "in the future" in e for e in errors)
    assert any(e.startswith("row 7") and "Ethnicity: 'ZZZZ' is not a DfE" in e for e in errors)
    assert len(errors) == 5


def test_a_pupil_with_several_problems_has_an_error_for_each():
    result = read_ctf(ctf([pupil_xml(1, "names_at_pupil", ethnicity="ZZZZ", dob="1985-01-01")]))
    assert result.pupils == []
    assert sorted(e.field for e in result.errors) == ["DOB", "Ethnicity"]
    assert "1985-01-01 is before 1990" in str(result.errors)


def test_the_gifted_and_talented_section_of_our_own_export_is_read():
    pupils = [
        pupil_xml(1, "names_at_pupil", gifted_talented=gifted_talented_xml(top_5="true")),
        pupil_xml(
            2,
            "names_at_pupil",
            gifted_talented=gifted_talented_xml(
                domains=("Mathematics", "science"), gifted="true", talented="true"
            ),
        ),
        pupil_xml(3, "names_at_pupil", gifted_talented=gifted_talented_xml("false", ())),
        pupil_xml(4, "names_at_pupil", gifted_talented=gifted_talented_xml(domains=("juggling",))),
        pupil_xml(5, "names_at_pupil", gifted_talented=gifted_talented_xml("maybe")),
        pupil_xml(6, "names_at_pupil", gifted_talented=gifted_talented_xml("false")),
    ]
    result = read_ctf(ctf(pupils))
    flags = [p.register for p in result.pupils]
    # Gifted and talented follow from the domains unless the file says.
    assert flags == [
        RegisterFlags(True, gifted=True, talented=True, top_5=True, domains=("maths", "music")),
        RegisterFlags(True, gifted=True, talented=True, domains=("maths", "science")),
        RegisterFlags(False),
    ]
    errors = [str(e) for e in result.errors]
    assert any("row 4" in e and "Domain: 'juggling' is not a domain" in e for e in errors)
    assert any("row 5" in e and "Flag: 'maybe' is not yes or no" in e for e in errors)
    assert any("row 6" in e and "not on the register, but" in e for e in errors)


@pytest.mark.parametrize(
    ("in_care", "looked_after"),
    [
        ("<InCare><Status>true</Status><CareAuthority>801</CareAuthority></InCare>", True),
        ("<InCare>Y</InCare>", True),
        ("<InCare><Status>false</Status></InCare>", False),
        ("", None),
    ],
)
def test_in_care(in_care, looked_after):
    result = read_ctf(ctf([pupil_xml(1, "names_in_basic_details", in_care=in_care)]))
    assert result.pupils[0].looked_after is looked_after


def test_a_nonsense_in_care_status_is_a_row_error():
    result = read_ctf(ctf([pupil_xml(1, "names_at_pupil", in_care="<InCare>often</InCare>")]))
    assert [(e.field, e.reason) for e in result.errors] == [
        ("InCare", "'often' is not yes or no (Y/N, Yes/No, True/False, 1/0)")
    ]


def test_an_assessment_year_that_is_not_a_year_is_a_row_error():
    result = read_ctf(ctf([pupil_xml(1, "names_at_pupil", year="last year")]))
    assert result.pupils == []
    assert str(result.errors[0]).endswith(
        "StageAssessment Year: 'last year' is not an academic year (such as 2023 or 2023/24)"
    )
    assert (
        read_ctf(ctf([pupil_xml(1, "names_at_pupil", year="2022/23")]))
        .pupils[0]
        .assessments[0]
        .year
        == 2022
    )


def _sen_history(*entries: tuple[str, str]) -> str:
    sen = "".join(
        f"<SEN><StartDate>{start}</StartDate><SENprovision>{provision}</SENprovision></SEN>"
        for start, provision in entries
    )
    return f"<SENhistory>{sen}</SENhistory>"


def test_sen_is_the_provision_of_the_latest_entry_by_start_date():
    pupils = [
        pupil_xml(1, "names_at_pupil", sen=_sen_history(("2023-01-01", "E"), ("2019-01-01", "K"))),
        pupil_xml(2, "names_at_pupil", sen=_sen_history(("2024-01-01", "N"), ("2019-01-01", "K"))),
        pupil_xml(3, "names_at_pupil", sen=""),
        pupil_xml(4, "names_at_pupil", sen=_sen_history(("2024-01-01", "Q"))),
    ]
    result = read_ctf(ctf(pupils))
    assert [p.sen for p in result.pupils] == ["E", "", ""]
    assert [(e.row, e.field) for e in result.errors] == [(4, "SENprovision")]


def _round_trip_pupils() -> list[PupilRow]:
    return [
        PupilRow(
            row=1,
            upn=make_upn(801, 2000, 15, 1),
            legal_surname='O\'Brien & Sons <"Ltd">',
            legal_forename="Zoë",
            preferred_surname="Ó Briain",
            preferred_forename="Żaneta 李",
            date_of_birth=date(2012, 2, 29),
            gender="F",
            nc_year="7",
            ethnicity="WIRI",
            first_language="GLE",
            sen="K",
            looked_after=True,
            fsm=[FsmPeriod(date(2019, 9, 1), date(2021, 7, 20)), FsmPeriod(date(2023, 1, 5), None)],
            assessments=[
                Assessment("KS1", "MAT", "TA", "", "EXS", 2019),
                Assessment("KS2", "MAT", "TT", "SCALED", "110", 2023),
                Assessment("KS2", "ENG", "TA", "WRITING", "GDS", 2023),
            ],
            register=RegisterFlags(True, True, True, True, ("maths", "music", "design_technology")),
        ),
        PupilRow(
            row=2,
            upn=make_upn(801, 2000, 15, "00A"),
            temporary_upn=True,
            legal_surname="Smith",
            legal_forename="Sam",
            preferred_surname="Smith",
            preferred_forename="Sammy",
            date_of_birth=date(2013, 9, 1),
            gender="U",
            nc_year="R",
            ethnicity="",
            first_language="",
            sen="",
            looked_after=False,
            fsm=[],
            register=RegisterFlags(False),
        ),
    ]


def test_write_then_read_gives_the_same_rows():
    pupils = _round_trip_pupils()
    data = write_ctf(
        source_la="801",
        source_estab="2000",
        source_urn="100001",
        source_name="Riverton & District <Primary>",
        dest_la="",
        dest_estab="",
        pupils=pupils,
        when=datetime(2026, 3, 1, 9, 30, tzinfo=timezone.get_current_timezone()),
    )
    assert b'<Surname>O\'Brien &amp; Sons &lt;"Ltd"&gt;</Surname>' in data
    assert "<Forename>Zoë</Forename>".encode() in data
    result = read_ctf(data)
    assert result.errors == []
    assert result.pupils == pupils
    assert (result.source_name, result.version, result.document_date) == (
        "Riverton & District <Primary>",
        "21.0",
        "2026-03-01T09:30:00",
    )
    assert (result.dest_la, result.dest_estab) == ("MMM", "MMMM")
    assert b"<AcademicYear>2025</AcademicYear>" in data
    assert b"<DocumentQualifier>partial</DocumentQualifier>" in data


def test_ctf_file_names():
    assert ctf_filename("801", "2000", "801", "4000") == "8012000_CTF_8014000_001.xml"
    assert ctf_filename(801, 12, None, None, sequence=12) == "8010012_CTF_MMMMMMM_012.xml"
    assert ctf_filename("801", "2000", "XXX", "XXXX") == "8012000_CTF_XXXXXXX_001.xml"
    with pytest.raises(ValueError, match="3-digit"):
        ctf_filename("8012", "2000", "801", "4000")


def test_text_holding_the_readers_own_separators_is_read_as_it_is():
    # The reader separates values with Unicode non-characters the file does not use.
    odd = "".join(chr(c) for c in range(0xFDD0, 0xFDD8))
    result = read_ctf(ctf([pupil_xml(1, "names_at_pupil", surname=f"A{odd}B")]))
    assert result.errors == []
    assert result.pupils[0].legal_surname == f"A{odd}B"
    # A file using every one of them (no real file does) cannot be read.
    every = "".join(chr(c) for c in range(0xFDD0, 0xFDF0))
    crowded = ctf([pupil_xml(1, "names_at_pupil", surname=every)])
    with pytest.raises(CtfRefused, match="non-characters"):
        read_ctf(crowded)


def test_a_namespace_declared_on_one_pupil_is_read_like_the_rest():
    pupils = [pupil_xml(n, "names_in_basic_details") for n in range(3)]
    pupils[1] = pupils[1].replace("<Pupil>", '<Pupil xmlns="urn:supplier:ctf">')
    result = read_ctf(ctf(pupils))
    assert result.errors == []
    assert [p.legal_forename for p in result.pupils] == ["Forename0", "Forename1", "Forename2"]


def test_a_schema_instance_namespace_for_attributes_only_changes_nothing():
    data = ctf([pupil_xml(n, "names_at_pupil") for n in range(3)])
    declared = data.replace(
        b"<CTfile>",
        b'<CTfile xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:noNamespaceSchemaLocation="CTF.xsd">',
    )
    assert read_ctf(declared).pupils == read_ctf(data).pupils


def test_the_first_non_blank_of_the_preferred_element_is_taken():
    # LegalSurname before Surname, wherever each is; a blank one is passed over.
    both = pupil_xml(1, "names_at_pupil").replace(
        "<BasicDetails>", "<BasicDetails><LegalSurname>Legal</LegalSurname>"
    )
    blank = pupil_xml(2, "names_at_pupil").replace("<UPN>", "<LegalSurname> </LegalSurname><UPN>")
    twice = pupil_xml(3, "names_at_pupil").replace(
        "<Gender>", "<Ethnicity>\u00a0</Ethnicity><Ethnicity>APKN</Ethnicity><Gender>"
    )
    result = read_ctf(ctf([both, blank, twice]))
    assert result.errors == []
    assert [p.legal_surname for p in result.pupils] == ["Legal", "Surname2", "Surname3"]
    assert result.pupils[2].ethnicity == "APKN"


def test_a_pretty_printed_file_reads_as_a_compact_one():
    data = ctf([pupil_xml(n, LAYOUTS[n % 2]) for n in range(20)])
    pretty = etree.tostring(etree.fromstring(data), pretty_print=True)
    assert b"\n  " in pretty
    assert read_ctf(pretty).pupils == read_ctf(data).pupils
