"""Reading pupil lists in the shapes schools paste and export."""

from risingtide.people.roster import decode, parse


def ok(text, max_rows=100):
    rows, errors = parse(text, max_rows)
    assert errors == []
    return [(r.first_name, r.last_name, r.username) for r in rows]


def test_one_full_name_a_line():
    assert ok("Amira Khan\nMary Jane Watson\n\n  Tom   O'Neill  \n") == [
        ("Amira", "Khan", ""),
        ("Mary Jane", "Watson", ""),
        ("Tom", "O'Neill", ""),
    ]


def test_tab_separated_from_a_spreadsheet_with_mis_header():
    text = "Legal Surname\tLegal Forename\tReg\nKhan\tAmira\t7A\nÖzdemir\tElif\t7A\n"
    assert ok(text) == [("Amira", "Khan", ""), ("Elif", "Özdemir", "")]


def test_csv_with_header_in_any_order_and_username_column():
    text = "Surname,Forename,Username,UPN\nSmith-Jones,Kai,kai.sj,A123\nLee,Mei,,B456\n"
    assert ok(text) == [("Kai", "Smith-Jones", "kai.sj"), ("Mei", "Lee", "")]


def test_headerless_two_columns_and_semicolons():
    assert ok("Amira,Khan\nTom,Lee\n") == [("Amira", "Khan", ""), ("Tom", "Lee", "")]
    assert ok("Amira;Khan\n") == [("Amira", "Khan", "")]


def test_quoted_csv_fields_and_windows_line_endings():
    assert ok('First name,Last name\r\n"Anne-Marie","De La Cruz"\r\n') == [
        ("Anne-Marie", "De La Cruz", "")
    ]


def test_bad_rows_are_reported_with_line_and_field():
    text = "First name,Last name,Username\nAmira,Khan,\n,Lee,\nTom,,\nZ3ra,Ali,\nSam,Ray,BAD NAME\n"
    rows, errors = parse(text, 100)
    assert [str(e) for e in errors] == [
        "line 3, first name: First name is missing",
        "line 4, last name: Last name is missing",
        "line 5, first name: First name 'Z3ra' may hold only letters, spaces, hyphens and "
        "apostrophes",
        "line 6, username: 'bad name' must be 3–40 lower-case letters, digits, dots, hyphens or "
        "underscores, starting with a letter or digit",
    ]
    assert [r.line for r in rows] == [2]


def test_hostile_cells_are_refused_as_names():
    rows, errors = parse("<script>alert(1)</script>,Khan\n=cmd|'/c calc'!A1,Lee\n", 100)
    assert rows == []
    assert [e.line for e in errors] == [1, 2]


def test_empty_binary_and_oversized_lists():
    assert parse("\n \n", 10)[1][0].message.startswith("the list is empty")
    assert parse("a\x00b", 10)[1][0].message == "this is not a text or CSV file"
    errors = parse("\n".join(f"Pupil Number{chr(65 + i % 26)}" for i in range(11)), 10)[1]
    assert errors[0].message == "11 pupils is more than 10 at once; split the list"


def test_overlong_name():
    errors = parse("A" * 151 + " Khan", 10)[1]
    assert errors[0].message == "First name is longer than 150 characters"


def test_decode_utf8_bom_and_windows_1252():
    assert decode("\ufeffZoë,Brontë".encode()) == "Zoë,Brontë"
    assert decode("Zoë,Brontë".encode("cp1252")) == "Zoë,Brontë"


def test_names_in_any_script_with_combining_marks():
    assert ok("प्रिया शर्मा\nZoë Brontë\n") == [("प्रिया", "शर्मा", ""), ("Zoë", "Brontë", "")]


def test_name_and_surname_header():
    assert ok("Name,Surname\nAmira,Khan\n") == [("Amira", "Khan", "")]
    assert ok("Legal First Name\tLegal Last Name\nAmira\tKhan\n") == [("Amira", "Khan", "")]


def test_unrecognised_header_is_an_error_not_a_pupil():
    rows, errors = parse("Child's name,Family\nAmira,Khan\n", 10)
    assert rows == [] and errors[0].line == 1
    assert "column headings" in errors[0].message


def test_line_numbers_count_real_lines_and_broken_quotes_are_reported():
    rows, errors = parse('First,Last\n"Anne\nMarie",Lee\nTom,\n', 10)
    assert [str(e) for e in errors] == ["line 4, last name: Last name is missing"]
    assert [(r.line, r.first_name) for r in rows] == [(2, "Anne Marie")]
    _, errors = parse('Amira,Khan\n"Tom,Lee\n', 10)
    assert errors[0].line == 2 and "quotes" in errors[0].message


def test_a_huge_cell_is_an_error_not_a_crash():
    rows, errors = parse("A" * 200_000 + ",Khan\n", 10)
    assert rows == [] and errors
