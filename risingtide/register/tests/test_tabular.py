"""Reading CSV and XLSX pupil files: both MIS header styles, every refusal with its own message,
every row error naming row, column and reason, encodings, streaming; and the shared value
checks (``validate``) the CTF reader uses too."""

import inspect
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from risingtide.register import table_files, validate
from risingtide.register.column_mapping import guess_mapping
from risingtide.register.rows import PupilRow, RegisterFlags, RegisterRow, RowError
from risingtide.register.table_files import TableRefused, headers
from risingtide.register.tabular import read_table
from risingtide.register.tests import tabular_files as files
from risingtide.register.upn import CHECK_LETTERS, LA_CODE_RANGES, make_upn, parse_upn

AS_OF = date(2026, 11, 23)


def read(data: bytes, fmt: str = "csv", mapping=None, **options) -> list:
    """Every row of the file, with the guessed mapping unless one is given."""
    kind = options.get("kind", "pupils")
    encoding = options.get("encoding", "utf-8")
    if mapping is None:
        mapping = guess_mapping(headers(io.BytesIO(data), fmt, encoding), kind)
    options.setdefault("as_of", timezone.localdate())
    return list(read_table(io.BytesIO(data), fmt, mapping, **options))


HEADER = b"UPN,Surname,Forename,DOB,Gender\r\n"
MAPPING = guess_mapping(HEADER.decode().split(","))


def refusal(data: bytes, fmt: str = "csv", mapping=None, **options) -> str:
    with pytest.raises(TableRefused) as refused:
        read(data, fmt, mapping or MAPPING, **options)
    return str(refused.value)


# -- Both MIS styles, read fully ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("style", ["sims", "arbor"])
def test_each_header_style_is_guessed_and_read_fully(style, fmt):
    data = (files.csv_bytes if fmt == "csv" else files.xlsx_bytes)(1500, style)
    found = headers(io.BytesIO(data), fmt)
    assert found == list(files.STYLES[style].values())
    assert guess_mapping(found) == files.STYLES[style]
    rows = read(data, fmt)
    assert len(rows) == 1500 and all(isinstance(r, PupilRow) for r in rows)
    assert [r.row for r in rows[:3]] == [2, 3, 4]
    first, seventh = rows[0], rows[7]
    assert (first.upn, first.legal_surname, first.legal_forename) == (
        files.upn_for(0),
        "Surname0",
        "Forename0",
    )
    assert first.date_of_birth == date(2010, 1, 1) and first.gender == "M"
    assert (first.nc_year, first.ethnicity, first.first_language) == ("11", "WBRI", "ENG")
    assert (first.fsm_now, first.looked_after, first.fsm) == (True, style == "arbor", None)
    assert first.register == RegisterFlags(
        True,
        gifted=True,
        talented=False,
        domains=("maths", "english") if style == "sims" else ("maths",),
    )
    assert seventh.register.gifted_talented and seventh.register.talented  # art
    assert rows[1].register == RegisterFlags(False)
    if style == "arbor":
        # A blank optional cell is "" (text) or None (yes/no); an unmapped field stays None.
        assert (first.preferred_surname, first.school_urn, first.sen) == ("", "100001", "")
        assert (rows[1].sen, rows[2].sen, rows[1].preferred_forename) == ("K", "E", "")
    else:
        assert first.school_urn is None and (first.sen, rows[1].sen) == ("", "K")
        assert first.preferred_forename == "Fore0"


def test_a_register_only_file():
    data = files.csv_bytes(300, "register")
    mapping = guess_mapping(headers(io.BytesIO(data), "csv"), "register")
    assert mapping == files.STYLES["register"]
    rows = read(data, kind="register")
    assert len(rows) == 300 and all(isinstance(r, RegisterRow) for r in rows)
    assert rows[0] == RegisterRow(
        2, files.upn_for(0), RegisterFlags(True, True, False, False, ("maths",))
    )
    assert rows[1].flags == RegisterFlags(False)
    # A register file needs only the UPN and the G&T flag.
    minimal = b"UPN,On G&T register\r\n" + files.upn_for(1).encode() + b",Y\r\n"
    assert read(minimal, kind="register")[0].flags == RegisterFlags(True)
    blank = b"UPN,G&T\r\n" + files.upn_for(1).encode() + b",\r\n"
    assert [str(e) for e in read(blank, kind="register")] == [
        f"row 2 ({files.upn_for(1)}), G&T: missing"
    ]


def test_a_register_file_without_a_gt_column_is_refused():
    message = refusal(b"UPN,Domains\r\n", mapping={"upn": "UPN"}, kind="register")
    assert "no column for G&T, which a register file needs" in message


# -- Row errors -----------------------------------------------------------------------------


ROW_FAULTS = {
    "missing_upn": ("UPN", "missing"),
    "wrong_check_letter": ("UPN", "the check letter should be"),
    "duplicate_upn": ("UPN", "used twice (also row 5)"),
    "future_dob": (None, "is in the future"),
    "unknown_ethnicity": (None, "'ZZZZ' is not a DfE ethnicity code"),
    "bad_yes_no": (None, "'Maybe' is not yes or no"),
    "unknown_domain": (None, "'Juggling' is not a domain"),
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("style", ["sims", "arbor"])
@pytest.mark.parametrize("fault", files.FAULTS)
def test_each_row_error_names_row_column_and_reason(fault, style, fmt):
    data = (files.csv_bytes if fmt == "csv" else files.xlsx_bytes)(10, style, bad={4: fault})
    rows = read(data, fmt)
    errors = [r for r in rows if isinstance(r, RowError)]
    assert len(errors) == 1, errors
    header, reason = ROW_FAULTS[fault]
    key = {
        "future_dob": "date_of_birth",
        "unknown_ethnicity": "ethnicity",
        "bad_yes_no": "gifted_talented",
        "unknown_domain": "domains",
    }.get(fault, "upn")
    assert errors[0].row == 6  # the fifth pupil: the header is row 1
    assert errors[0].field == (header or files.STYLES[style][key])
    assert reason in errors[0].reason
    assert len([r for r in rows if isinstance(r, PupilRow)]) == 9
    assert 6 not in {r.row for r in rows if isinstance(r, PupilRow)}


def test_a_row_with_several_problems_has_one_error_each_and_no_pupil():
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    data = (
        "UPN,Surname,Forename,DOB,Gender,Ethnicity,FSM\r\n"
        f"{files.upn_for(1)},Smith,,{future},Q,WBRI,perhaps\r\n"
    ).encode()
    errors = read(data)
    assert [str(e) for e in errors] == [
        f"row 2 ({files.upn_for(1)}), Forename: missing",
        f"row 2 ({files.upn_for(1)}), DOB: {future[6:]}-{future[3:5]}-{future[:2]} is in the "
        "future",
        f"row 2 ({files.upn_for(1)}), Gender: 'Q' is not M, F or U (or Male, Female, Unknown)",
        f"row 2 ({files.upn_for(1)}), FSM: 'perhaps' is not yes or no (Y/N, Yes/No, True/False,"
        " 1/0)",
    ]


def test_the_same_upn_at_two_schools_of_an_la_file_is_not_a_duplicate():
    upn = files.upn_for(1)
    data = (
        "UPN,Surname,Forename,DOB,Gender,URN\r\n"
        f"{upn},A,B,2012-01-01,F,100001\r\n"
        f"{upn},A,B,2012-01-01,F,100002\r\n"
        f"{upn},A,B,2012-01-01,F,100001\r\n"
        f"{upn},A,B,2012-01-01,F,10001\r\n"
    ).encode()
    rows = read(data)
    assert [r.school_urn for r in rows[:2]] == ["100001", "100002"]
    assert str(rows[2]) == f"row 4 ({upn}), UPN: used twice (also row 2)"
    assert str(rows[3]) == f"row 5 ({upn}), URN: '10001' is not a school URN (6 digits)"


def test_row_numbers_are_the_rows_a_spreadsheet_shows():
    upn = files.upn_for
    data = (
        "\r\nUPN,Surname,Forename,DOB,Gender\r\n"
        f'{upn(1)},"Two\r\nLines",B,2012-01-01,F\r\n'
        ",,,,\r\n"
        "\r\n"
        f"{upn(2)},C,D,2012-01-01,M\r\n"
    ).encode()
    rows = read(data)
    assert [(r.row, r.upn) for r in rows] == [(3, upn(1)), (6, upn(2))]


def test_a_gt_flag_that_contradicts_the_details_is_an_error():
    upn = files.upn_for
    data = (
        "UPN,Surname,Forename,DOB,Gender,G&T,Gifted,Domains\r\n"
        f"{upn(1)},A,B,2012-01-01,F,N,,maths\r\n"
        f"{upn(2)},A,B,2012-01-01,F,,Y,\r\n"
        f"{upn(3)},A,B,2012-01-01,F,,,\r\n"
        f"{upn(4)},A,B,2012-01-01,F,Y,N,Music;MATHS\r\n"
    ).encode()
    rows = read(data)
    assert "G&T: says not on the register, but" in str(rows[0])
    assert "G&T: blank, but the row gives gifted" in str(rows[1])
    assert rows[2].register is None  # the file does not say
    # An explicit Gifted column wins over what the domains suggest.
    assert rows[3].register == RegisterFlags(True, False, True, False, ("music", "maths"))


# -- Encodings and other CSV files ------------------------------------------------------------


def test_a_windows_1252_file_is_read_as_cp1252_and_refused_as_utf8_with_the_line():
    upn = files.upn_for
    text = (
        "UPN,Surname,Forename,DOB,Gender\r\n"
        f"{upn(1)},Smith,Ann,2012-01-01,F\r\n"
        f"{upn(2)},Brontë,Zoë,2012-01-01,F\r\n"
    )
    data = text.encode("cp1252")
    rows = read(data, encoding="cp1252")
    assert (rows[1].legal_surname, rows[1].legal_forename) == ("Brontë", "Zoë")
    offset = len(text.split("ë")[0].encode("cp1252"))
    message = refusal(data)
    assert message == (
        f"The file is not UTF-8 text: line 3 has the byte 0xEB at byte offset {offset}, which "
        "UTF-8 does not allow. Save it from Excel as \u201cCSV UTF-8 (Comma delimited)\u201d, "
        "or choose the Windows-1252 encoding if it came from an older system."
    )


def test_utf8_with_excels_byte_order_mark_and_semicolons():
    data = "\ufeffUPN;Surname;Forename;DOB;Gender\r\n".encode() + (
        f"{files.upn_for(1)};Łukasz;Żak;3/4/2012;Female\r\n".encode()
    )
    assert headers(io.BytesIO(data), "csv")[0] == "UPN"
    (row,) = read(data)
    assert (row.legal_surname, row.date_of_birth, row.gender) == ("Łukasz", date(2012, 4, 3), "F")


def test_a_nul_byte_and_utf16_are_refused():
    assert "Line 2 contains a NUL byte (at byte offset 36)" in refusal(HEADER + b"B80\x00")
    utf16 = HEADER.decode().encode("utf-16")
    assert "UTF-16 text" in refusal(utf16)


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n  \r\n"])
def test_an_empty_csv_is_refused(data):
    assert refusal(data) == "The file is empty: it has no header row."
    with pytest.raises(TableRefused, match="empty"):
        headers(io.BytesIO(data), "csv")


# -- Header and mapping refusals --------------------------------------------------------------


def test_missing_required_columns_are_named_with_the_files_headers():
    data = b"UPN,Surname,Forename,Sex\r\n"
    message = refusal(data, mapping=guess_mapping(["UPN", "Surname", "Forename", "Sex"]))
    assert message == (
        "The file has no column for Date of birth, which a pupils file needs. Its columns: "
        "\u2018UPN\u2019, \u2018Surname\u2019, \u2018Forename\u2019, \u2018Sex\u2019."
    )


def test_a_mapping_naming_a_header_the_file_lacks_is_refused():
    data = b"UPN,Surname\r\n"
    message = refusal(data, mapping={"upn": "UPN", "legal_surname": "Family name"})
    assert "a column headed \u2018Family name\u2019 for Legal surname" in message
    assert "Its columns: \u2018UPN\u2019, \u2018Surname\u2019." in message


def test_duplicate_headers_that_the_mapping_uses_are_refused():
    data = b"UPN,Surname,Notes,UPN\r\n"
    message = refusal(data, mapping={"upn": "UPN", "legal_surname": "Surname"}, kind="register")
    assert "more than one column headed \u2018UPN\u2019 (columns A and D)" in message
    # Duplicates the mapping does not use are fine.
    assert guess_mapping(["UPN", "Notes", "Notes"], "register") == {"upn": "UPN"}


def test_gt_details_without_the_gt_flag_and_unknown_fields_are_refused():
    data = files.csv_bytes(2, "arbor")
    mapping = {**files.STYLES["arbor"]}
    del mapping["gifted_talented"]
    assert "can only be read with a G&T column" in refusal(data, mapping=mapping)
    assert "'shoe_size' is not a field" in refusal(data, mapping={"shoe_size": "UPN"})


def test_guessing_ignores_case_spaces_and_punctuation():
    found = ["upn ", "SURNAME", "forename", "d.o.b.", "SEX", "year", "ethnic code", "g & t"]
    assert guess_mapping(found) == {
        "upn": "upn ",
        "legal_surname": "SURNAME",
        "legal_forename": "forename",
        "date_of_birth": "d.o.b.",
        "gender": "SEX",
        "nc_year": "year",
        "ethnicity": "ethnic code",
        "gifted_talented": "g & t",
    }


# -- Workbooks that are not workbooks ---------------------------------------------------------


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_an_xlsx_that_is_a_zip_of_text_files_is_refused():
    data = _zip({"notes.txt": b"hello", "more/pupils.csv": b"UPN\r\n"})
    assert refusal(data, "xlsx") == (
        "This is not an Excel workbook: it has no xl/workbook.xml. It looks like a ZIP archive "
        "of other files (more/pupils.csv, notes.txt)."
    )


def test_an_xlsx_that_is_not_a_zip_at_all_is_refused():
    assert "an .xlsx is a ZIP package and this is not one" in refusal(b"UPN,Name\r\n", "xlsx")
    assert refusal(b"", "xlsx") == "The file is empty."


def _forbid_unpacking(monkeypatch):
    """From now on, fail the test if a ZIP's part is opened or openpyxl loads a workbook."""

    def refuse(*args, **kwargs):
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def test_a_zip_bomb_is_refused_without_unpacking_it(monkeypatch):
    data = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(50_000_000)})
    assert len(data) < 100_000
    _forbid_unpacking(monkeypatch)
    message = refusal(data, "xlsx")
    assert "xl/worksheets/sheet1.xml would unpack to" in message and "ZIP bomb" in message


def test_a_workbook_that_would_unpack_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(table_files, "MAX_EXPANDED_BYTES", 1024 * 1024)
    big = bytes(range(256)) * 8192  # 2 MB that does not compress
    data = _zip({"xl/workbook.xml": b"<workbook/>", "xl/media/image1.bin": big})
    _forbid_unpacking(monkeypatch)
    assert "would unpack to 2 MB, more than the 1 MB we read" in refusal(data, "xlsx")


def test_an_encrypted_workbook_and_an_old_xls_are_refused():
    ole = table_files.OLE_MAGIC + bytes(600)
    encrypted = ole + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    assert "password-protected (encrypted)" in refusal(encrypted, "xlsx")
    assert "older Excel workbook (.xls)" in refusal(ole, "xlsx")


def test_a_workbook_with_an_empty_first_sheet_is_refused():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    assert refusal(out.getvalue(), "xlsx") == "The workbook's first sheet is empty."


def test_workbook_cells_are_read_as_their_types():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([None])
    sheet.append(["UPN", "Surname", "Forename", "DOB", "Gender", "Year", "FSM", "URN"])
    born = datetime(2012, 5, 6)  # noqa: DTZ001 (a workbook's dates have no time zone)
    sheet.append([files.upn_for(1), "A", "B", born, "F", 7, True, 100001])
    sheet.append([files.upn_for(2), "A", "B", 40000, "F", 7.0, 0, 100001.0])
    out = io.BytesIO()
    workbook.save(out)
    first, second = read(out.getvalue(), "xlsx")
    assert (first.row, first.date_of_birth, first.nc_year) == (3, date(2012, 5, 6), "7")
    assert (first.fsm_now, first.school_urn) == (True, "100001")
    assert str(second) == (
        f"row 4 ({files.upn_for(2)}), DOB: 40000 is a number, not a date (format the column as "
        "dates)"
    )


# -- Streaming ------------------------------------------------------------------------------


def test_rows_are_streamed_not_read_whole():
    data = files.csv_bytes(20_000, "sims")
    assert len(data) > 2_000_000
    source = io.BytesIO(data)
    mapping = files.STYLES["sims"]
    rows = read_table(source, "csv", mapping, as_of=AS_OF)
    assert inspect.isgenerator(rows)
    assert source.tell() == 0  # nothing is read until the first row is asked for
    assert next(rows).row == 2
    assert source.tell() < 1000
    rows.close()


def test_a_fault_deep_in_a_file_refuses_it_when_reached():
    data = files.csv_bytes(5000, "sims") + "Brontë\r\n".encode("cp1252")
    rows = read_table(io.BytesIO(data), "csv", files.STYLES["sims"], as_of=AS_OF)
    assert next(rows).row == 2
    with pytest.raises(TableRefused, match="line 5002"):
        list(rows)


def test_headers_reads_a_path_as_well_as_a_file(tmp_path):
    path = tmp_path / "pupils.csv"
    files.write_csv(path, 3, "arbor")
    assert headers(path, "csv") == list(files.STYLES["arbor"].values())
    assert len(list(read_table(str(path), "csv", files.STYLES["arbor"], as_of=AS_OF))) == 3


# -- validate: the checks of single values ----------------------------------------------------

GOOD = [
    (validate.name, "  Ann-Marie O'Neil ", "Ann-Marie O'Neil"),
    (validate.name, "Zoë\u00a0Li", "Zoë\u00a0Li"),
    (validate.parse_date, "2012-03-04", date(2012, 3, 4)),
    (validate.parse_date, "2012-03-04T00:00:00", date(2012, 3, 4)),
    (validate.parse_date, "2012-03-04+01:00", date(2012, 3, 4)),
    (validate.parse_date, "04/03/2012", date(2012, 3, 4)),
    (validate.parse_date, "4/3/2012", date(2012, 3, 4)),
    (validate.parse_date, datetime(2012, 3, 4, 0, 0), date(2012, 3, 4)),  # noqa: DTZ001
    (validate.parse_date, date(2012, 3, 4), date(2012, 3, 4)),
    (validate.gender, "female", "F"),
    (validate.gender, "U", "U"),
    (validate.nc_year, "Year 7", "7"),
    (validate.nc_year, "Y7", "7"),
    (validate.nc_year, "yr 07", "7"),
    (validate.nc_year, 12, "12"),
    (validate.nc_year, "Reception", "R"),
    (validate.nc_year, "n2", "N2"),
    (validate.nc_year, "", ""),
    (validate.ethnicity, " wbri ", "WBRI"),
    (validate.ethnicity, "weng", "WENG"),
    (validate.first_language, "eng", "ENG"),
    (validate.first_language, "PUNJ", "PUNJ"),
    (validate.sen, "N", ""),
    (validate.sen, "", ""),
    (validate.sen, "e", "E"),
    (validate.sen, "SEN Support", "K"),
    (validate.sen, "P", "P"),
    (validate.yes_no, "TRUE", True),
    (validate.yes_no, "0", False),
    (validate.yes_no, "", None),
    (validate.yes_no, True, True),
    (validate.domains, "Maths; music,  Mathematics", ("maths", "music")),
    (validate.domains, "Design and technology;PE and sport", ("design_technology", "sport")),
    (validate.academic_year, "2023", 2023),
    (validate.academic_year, "2023/24", 2023),
    (validate.academic_year, "2023-2024", 2023),
    (validate.academic_year, 2019, 2019),
    (validate.school_urn, 100001, "100001"),
]


@pytest.mark.parametrize(("check", "value", "expected"), GOOD)
def test_values_that_are_accepted(check, value, expected):
    assert check(value) == expected


BAD = [
    (validate.upn, "", "missing"),
    (validate.upn, "B80120000500", "A UPN has 13 characters"),
    (validate.name, "", "missing"),
    (validate.name, "x" * 101, "101 characters long; a name has at most 100"),
    (validate.name, "Ann\tMarie", "contains a control character"),
    (
        validate.parse_date,
        "2012-02-30",
        "'2012-02-30' is not a date (use yyyy-mm-dd or dd/mm/yyyy)",
    ),
    (validate.parse_date, "31/02/2012", "is not a date"),
    (validate.parse_date, "12/3/12", "is not a date"),
    (validate.parse_date, "20120304", "is not a date"),
    (validate.gender, "X", "'X' is not M, F or U"),
    (validate.nc_year, "15", "'15' is not a National Curriculum year"),
    (validate.ethnicity, "WHITE", "'WHITE' is not a DfE ethnicity code"),
    (validate.first_language, "English", "'English' is not a language code"),
    (validate.first_language, "EN", "is not a language code"),
    (validate.sen, "Q", "'Q' is not an SEN provision"),
    (validate.yes_no, "maybe", "'maybe' is not yes or no"),
    (validate.domains, "maths, knitting; Juggling", "'knitting', 'Juggling' are not domains"),
    (validate.academic_year, "2023/25", "'2023/25' is not an academic year"),
    (validate.academic_year, "23", "is not an academic year"),
    (validate.school_urn, "10001X", "'10001X' is not a school URN (6 digits)"),
]


@pytest.mark.parametrize(("check", "value", "reason"), BAD)
def test_values_that_are_refused_say_why(check, value, reason):
    with pytest.raises(validate.Invalid) as invalid:
        check(value)
    assert reason in str(invalid.value)


def test_dates_of_birth_are_not_in_the_future_nor_before_1990():
    assert validate.date_of_birth("2026-11-23", latest=AS_OF) == AS_OF
    with pytest.raises(validate.Invalid, match="2026-11-24 is in the future"):
        validate.date_of_birth("24/11/2026", latest=AS_OF)
    with pytest.raises(validate.Invalid, match="1989-12-31 is before 1990"):
        validate.date_of_birth("1989-12-31", latest=AS_OF)


def test_register_flags_follow_the_domains_unless_given():
    assert validate.register_flags(True, domains=("music",)) == RegisterFlags(
        True, False, True, False, ("music",)
    )
    assert validate.register_flags(True, gifted=True, top_5=True).top_5
    with pytest.raises(validate.Invalid, match="not on the register"):
        validate.register_flags(False, talented=True)


la_codes = st.sampled_from([c for low, high in LA_CODE_RANGES for c in range(low, high + 1)])
serials = st.one_of(
    st.integers(0, 999),
    st.builds(lambda n, c: f"{n:02d}{c}", st.integers(0, 99), st.sampled_from(CHECK_LETTERS)),
)
upns = st.builds(make_upn, la_codes, st.integers(0, 9999), st.integers(0, 99), serials)


@given(upns, st.integers(0, 12), st.sampled_from("0123456789" + CHECK_LETTERS + "IOS a"))
def test_the_fast_upn_check_agrees_with_parse_upn(upn, position, char):
    for candidate in (upn, upn[:position] + char + upn[position + 1 :], upn.lower()):
        try:
            expected = parse_upn(candidate)
        except ValidationError as exc:
            with pytest.raises(validate.Invalid) as invalid:
                validate.upn(candidate)
            assert str(invalid.value) == " ".join(exc.messages)
        else:
            assert validate.upn(candidate) == (expected.value, expected.temporary)


@pytest.mark.parametrize(
    ("values", "required"),
    [
        (["Ann", " Bo ", "Zoë Li"], True),
        (["Ann", ""], False),
        (["Ann", ""], True),  # one missing
        (["Ann", "Zoë\u00a0Li"], True),  # a no-break space: checked one by one, and kept
        (["Ann", "Ann\tMarie"], True),
        (["Ann", "x" * 101], True),
        ([], True),
    ],
)
def test_a_column_of_names_checked_in_bulk_agrees_with_each_check(values, required):
    found = validate.all_names(values, required=required)
    try:
        each = [validate.name(v, required=required) for v in values]
    except validate.Invalid:
        assert found is None
    else:
        assert found in (each, None)
        assert found == each or any(not v.strip().isprintable() for v in values)


@given(st.lists(upns, max_size=5), st.sampled_from(["", " ", "x", "lower"]))
def test_a_column_of_upns_checked_in_bulk_agrees_with_each_check(column, spoil):
    if column and spoil:
        column[-1] = column[-1].lower() if spoil == "lower" else column[-1] + spoil
    found = validate.all_upns(column)
    try:
        each = [validate.upn(v) for v in column]
    except validate.Invalid:
        assert found is None
    else:
        assert found in (each, None)
        assert found is not None or spoil
