"""Framework files: the shipped frameworks, the round trip, and every bad file refused with the
line to blame and nothing written."""

import json
from importlib.resources import files
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from hypothesis import given
from hypothesis import strategies as st

from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.framework_models import (
    Element,
    Framework,
    FrameworkVersion,
    Prompt,
    Theme,
)
from risingtide.standards.frameworks import (
    ElementSpec,
    FrameworkFileError,
    FrameworkSpec,
    Problem,
    ThemeSpec,
    dump,
    ensure_shipped,
    export,
    load,
    parse,
    shipped_files,
)
from risingtide.standards.services import current_version

# A small school framework; the line numbers on the right are what the tests assert.
GOOD = """\
format: rising-tide-framework/1
framework:
  key: test-school
  name: A test framework
  kind: school
version:
  label: "1"
themes:
  - code: A
    name: First theme
    elements:
      - number: 1
        name: One
        levels:
          entry: Entry one.
          developing: Developing one.
          exemplary: Exemplary one.
      - number: 2
        name: Two
        levels:
          entry: Entry two.
          developing: Developing two.
          exemplary: Exemplary two.
  - code: B
    name: Second theme
    elements:
      - number: 3
        name: Three
        levels: {entry: Entry three., developing: Developing three., exemplary: Exemplary three.}
"""
LINES = GOOD.splitlines(keepends=True)
assert LINES[22].strip() == "exemplary: Exemplary two."  # line 23

IQS_2007 = {
    "A": ["Identification", "Effective provision in the classroom", "Standards"],
    "B": ["Enabling curriculum entitlement and choice"],
    "C": ["Assessment for learning", "Transfer and transition"],
    "D": [
        "Leadership",
        "Policy",
        "School ethos and pastoral care",
        "Staff development",
        "Resources",
        "Monitoring and evaluation",
    ],
    "E": ["Engaging with the community, families and beyond", "Learning beyond the classroom"],
}
CQS_FEATURES = [
    "Conditions for learning",
    "Development of learning",
    "Knowledge of subjects and themes",
    "Understanding learners' needs",
    "Planning",
]


def _edit(replace: dict[int, str] | None = None, insert: dict[int, str] | None = None) -> bytes:
    """GOOD with line N replaced (or dropped, for "") and lines inserted after line N."""
    lines = list(LINES)
    for number, text in sorted((insert or {}).items(), reverse=True):
        lines.insert(number, text + "\n")
    for number, text in (replace or {}).items():
        lines[number - 1] = text + "\n" if text else ""
    return "".join(lines).encode()


def _problems(data: bytes, filename: str = "test.yaml") -> list[Problem]:
    with pytest.raises(FrameworkFileError) as refused:
        parse(data, filename)
    assert str(refused.value) == "\n".join(str(p) for p in refused.value.problems)
    return refused.value.problems


def _shipped_file(name: str):
    return next(file for file in shipped_files() if file.name == name)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Framework, FrameworkVersion, Theme, Element, Prompt))


@pytest.fixture
def no_frameworks(db):
    # `migrate` loads the shipped ones already (standards.apps): start from none.
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()


@pytest.fixture
def shipped(no_frameworks):
    return ensure_shipped()


# --- the shipped frameworks ------------------------------------------------------------------


def test_every_shipped_file_parses():
    names = {file.name for file in shipped_files()}
    assert names == {"iqs-2007.yaml", "iqs-2010.yaml", "cqs-2007.yaml", "laqs-2009.yaml"}
    for file in shipped_files():
        spec = parse(file.read_bytes(), file.name)
        assert "Crown copyright" in spec.source_note or spec.key == "laqs"
        assert len(spec.source_note) <= 300


@pytest.mark.django_db
def test_the_shipped_frameworks_load_with_the_domains_names(shipped):
    assert [(v.framework.key, v.label) for v in shipped] == [
        ("cqs", "2007"),
        ("iqs", "2007"),
        ("iqs", "2010 revision"),
        ("laqs", "2009"),
    ]
    iqs = FrameworkVersion.objects.get(framework__key="iqs", label="2007")
    assert iqs.framework.kind == Framework.Kind.SCHOOL
    assert iqs.framework.name == "Institutional Quality Standards in gifted and talented education"
    themes = {t.code: [e.name for e in t.elements.order_by("number")] for t in iqs.themes.all()}
    assert themes == IQS_2007
    assert list(iqs.elements.values_list("number", flat=True)) == list(range(1, 15))
    assert all(e.entry and e.developing and e.exemplary for e in iqs.elements.all())
    assert not Prompt.objects.filter(element__version=iqs).exists()

    revised = FrameworkVersion.objects.get(framework__key="iqs", label="2010 revision")
    assert revised.framework == iqs.framework
    names = dict(revised.elements.values_list("number", "name"))
    assert names[1] == "Standards and progress" and names[3] == "Identification"
    assert names[2] == "Effective provision in the classroom" and len(names) == 14
    assert "2010 texts" in revised.source_note

    cqs = FrameworkVersion.objects.get(framework__key="cqs")
    assert cqs.framework.kind == Framework.Kind.CLASSROOM
    assert [t.code for t in cqs.themes.all()] == ["L1"]
    assert [e.name for e in cqs.elements.all()] == CQS_FEATURES
    for element in cqs.elements.all():
        assert 2 <= element.prompts.count() <= 4
    assert "6 and 7 are not confirmed" in cqs.source_note

    laqs = FrameworkVersion.objects.get(framework__key="laqs")
    assert laqs.framework.kind == Framework.Kind.LOCAL_AUTHORITY
    assert [e.name for e in laqs.elements.all()] == [f"Element {n}" for n in range(1, 14)]
    assert laqs.elements.first().entry == "To be loaded: see the published LAQS descriptor."


@pytest.mark.django_db
def test_ensure_shipped_is_idempotent(shipped):
    before = _counts()
    assert ensure_shipped() == []
    assert _counts() == before == (3, 4, 12, 46, 15)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_every_shipped_version_round_trips(shipped, fmt, django_assert_num_queries):
    originals = {file.name: parse(file.read_bytes(), file.name) for file in shipped_files()}
    for version, name in zip(shipped, sorted(originals), strict=True):
        with django_assert_num_queries(4):  # the version, themes, elements, prompts
            text = export(version, fmt)
        assert parse(text.encode(), f"export.{fmt}") == originals[name]
        if fmt == "yaml":  # readable: block style, no anchors, no escaped apostrophes
            assert text.startswith("# ") and "\nformat: rising-tide-framework/1\n" in text
            assert "&" not in text and "\\" not in text
        else:
            assert json.loads(text)["format"] == "rising-tide-framework/1"


@pytest.mark.django_db
def test_a_several_line_text_exports_as_a_literal_block():
    data = _edit(replace={15: "          entry: |\n            Entry one.\n            Then more."})
    version = load(parse(data))
    assert version.elements.get(number=1).entry == "Entry one.\nThen more."
    text = export(version)
    assert "entry: |-\n" in text
    assert parse(text.encode()) == parse(data)


# --- the "done when": a clear error naming the line, and nothing written --------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            _edit(replace={23: ""}),
            [Problem(20, "element 2 (theme A) has no 'exemplary' level")],
            id="missing level",
        ),
        pytest.param(
            _edit(replace={27: "      - number: 1"}),
            [Problem(27, "element number 1 is used twice (first on line 12)")],
            id="duplicate element number",
        ),
        pytest.param(
            _edit(insert={13: "        colour: red"}),
            [
                Problem(
                    14,
                    "unknown key 'colour' in element 1 (theme A) "
                    "(allowed: number, name, summary, levels, prompts)",
                )
            ],
            id="unknown key",
        ),
        pytest.param(
            _edit(
                replace={5: "  kind: school\n  descripton: red", 21: "", 27: "      - number: 2"}
            ),
            [
                Problem(
                    6,
                    "unknown key 'descripton' in framework (allowed: key, name, kind, "
                    "description); did you mean 'description'?",
                ),
                Problem(21, "element 2 (theme A) has no 'entry' level"),
                Problem(27, "element number 2 is used twice (first on line 19)"),
            ],
            id="all three at once",
        ),
    ],
)
def test_done_when_cases_name_the_line_and_write_nothing(shipped, data, expected):
    before = _counts()
    with pytest.raises(FrameworkFileError) as refused:
        load(parse(data, "test.yaml"))
    assert refused.value.problems == expected
    assert str(refused.value).splitlines()[0] == f"line {expected[0].line}: {expected[0].message}"
    assert _counts() == before


@pytest.mark.django_db
def test_a_file_that_fails_while_loading_writes_nothing(shipped):
    # Bypassing parse: the database refuses the second element 1, after the framework, the
    # version and the themes were written. The transaction takes all of them back.
    levels = {"entry": "e", "developing": "d", "exemplary": "x"}
    spec = FrameworkSpec(
        key="broken",
        name="Broken",
        kind="school",
        description="",
        version="1",
        source_note="",
        themes=[ThemeSpec("A", "A", [ElementSpec(1, "One", "", levels)] * 2)],
    )
    before = _counts()
    with pytest.raises(IntegrityError):
        load(spec)
    assert _counts() == before and not Framework.objects.filter(key="broken").exists()


@pytest.mark.django_db
def test_an_existing_version_label_is_refused(shipped):
    load(parse(GOOD.encode()))
    before = _counts()
    with pytest.raises(FrameworkFileError) as refused:
        load(parse(GOOD.encode()))
    assert refused.value.problems == [
        Problem(7, "TEST-SCHOOL already has a version 1: give this one a new label")
    ]
    assert _counts() == before
    iqs = _shipped_file("iqs-2007.yaml").read_bytes()
    with pytest.raises(FrameworkFileError, match="IQS already has a version 2007: give this one"):
        load(parse(iqs))


@pytest.mark.django_db
def test_a_framework_key_of_another_kind_is_refused(shipped):
    # The CQS key on a school framework file: a new label, but the wrong kind.
    data = _edit(replace={3: "  key: cqs", 7: '  label: "2"'})
    before = _counts()
    with pytest.raises(FrameworkFileError) as refused:
        load(parse(data))
    assert refused.value.problems == [
        Problem(
            5,
            "the framework 'cqs' is already loaded with kind: classroom, not school: "
            "use another key for a new framework",
        )
    ]
    assert _counts() == before


# --- every other bad file --------------------------------------------------------------------


def test_prompts_on_a_school_framework_are_refused():
    data = _edit(insert={17: '        prompts:\n          - {number: 1, text: "Rate me."}'})
    assert _problems(data) == [
        Problem(
            18,
            "element 1 (theme A) has prompts, but only a classroom framework's elements have "
            "them (this one is kind: school)",
        )
    ]


def test_a_classroom_element_needs_prompts_numbered_once_each():
    prompts = (
        '        prompts:\n          - {number: 1, text: "A"}\n          - {number: 1, text: B}'
    )
    data = _edit(replace={5: "  kind: classroom"}, insert={17: prompts})
    assert _problems(data) == [
        Problem(20, "prompt number 1 in element 1 (theme A) is used twice (first on line 19)"),
        Problem(
            21,
            "element 2 (theme A) has no prompts: every element of a classroom "
            "framework needs at least one for teachers to rate",
        ),
        Problem(
            30,
            "element 3 (theme B) has no prompts: every element of a classroom "
            "framework needs at least one for teachers to rate",
        ),
    ]


def test_a_duplicate_yaml_key_is_refused_with_both_lines():
    assert _problems(_edit(insert={13: "        name: Once more"})) == [
        Problem(14, "'name' appears twice in element 1 (theme A) (first on line 13)")
    ]


def test_duplicate_theme_codes_are_refused():
    problems = _problems(_edit(replace={24: "  - code: A"}))
    assert problems == [Problem(24, "theme code A is used twice (first on line 9)")]


@pytest.mark.parametrize(
    ("written", "shown"),
    [("'2'", "'2'"), ("true", "'true'"), ("2.0", "'2.0'"), ("0x2", "'0x2'"), ("", "nothing")],
)
def test_an_element_number_must_be_a_whole_number(written, shown):
    problems = _problems(_edit(replace={18: f"      - number: {written}".rstrip()}))
    assert problems == [
        Problem(18, f"the 2nd element of theme A: 'number' should be a whole number, not {shown}")
    ]


def test_zero_and_too_large_numbers_are_refused():
    problems = _problems(_edit(replace={18: "      - number: 0", 27: "      - number: 40000"}))
    assert [p.line for p in problems] == [18, 27]
    assert all("should be from 1 to 32767" in p.message for p in problems)


def test_texts_longer_than_their_field_are_refused():
    data = _edit(replace={4: "  name: " + "n" * 151, 9: "  - code: ABCDEFGHIJK"})
    assert _problems(data) == [
        Problem(4, "framework: 'name' is 151 characters; at most 150"),
        Problem(9, "theme ABCDEFGHIJK: 'code' is 11 characters; at most 10"),
    ]


def test_an_empty_text_a_bad_key_and_a_bad_kind_are_refused():
    data = _edit(replace={3: "  key: not a slug", 5: "  kind: school-ish", 13: '        name: ""'})
    assert _problems(data) == [
        Problem(3, "framework: key 'not a slug' may use only letters, digits, - and _"),
        Problem(5, "framework: kind 'school-ish' is not one of school, classroom, local_authority"),
        Problem(13, "element 1 (theme A): 'name' is empty"),
    ]


def test_a_control_character_is_refused():
    problems = _problems(_edit(replace={13: '        name: "One\\0"'}))
    assert problems == [Problem(13, "element 1 (theme A): 'name' holds a control character")]


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        (
            "format: rising-tide-framework/2",
            "format 'rising-tide-framework/2' is not one Rising Tide reads: "
            "expected rising-tide-framework/1",
        ),
        ("", "the file has no 'format: rising-tide-framework/1' line (is it a framework file?)"),
    ],
)
def test_a_wrong_or_missing_format_is_refused(first_line, expected):
    assert _problems(_edit(replace={1: first_line})) == [Problem(1, expected)]


def test_aliases_are_refused_before_they_can_expand():
    laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    assert _problems(laughs.encode()) == [
        Problem(1, "anchors and aliases (& and *) are not allowed: write it out")
    ]
    assert _problems(_edit(insert={13: "        summary: *x"}))[0].line == 14


def test_tags_other_than_the_plain_ones_are_refused():
    problems = _problems(_edit(replace={13: "        name: !!python/object/apply:os.system [ls]"}))
    assert problems == [
        Problem(
            13,
            "the tag tag:yaml.org,2002:python/object/apply:os.system is not allowed: "
            "write plain values",
        )
    ]
    # The standard ones are fine: !!str makes a number text, as a label should be.
    assert parse(_edit(replace={7: "  label: !!str 1"})).version == "1"


def test_deep_nesting_and_oversize_files_are_refused():
    assert _problems(b"a: " + b"[" * 100_000 + b"]" * 100_000) == [
        Problem(1, "the file is nested more than 12 levels deep")
    ]
    assert _problems(b"[" * 400_000 + b"]" * 400_000, "deep.json") == [
        Problem(None, "the file is nested more than 12 levels deep")
    ]
    assert _problems(b'{"a": ' * 13 + b"1" + b"}" * 13, "deep.json") == [
        Problem(None, "the file is nested more than 12 levels deep")
    ]
    long_number = _problems(b"[" + b"9" * 5000 + b"]", "long.json")
    assert long_number[0].message.startswith("the file is not valid JSON")
    assert _problems(b"#" * (MAX_BYTES + 1)) == [
        Problem(None, "the file is 1.0 MB; a framework file is at most 1 MB")
    ]
    many = "themes:\n" + "".join(f"  - {n}\n" for n in range(60))
    problems = _problems(_edit(replace={8: many}))
    assert Problem(59, "the file has more than 50 themes") in problems


def test_more_problems_than_anyone_reads_stop_at_a_hundred():
    elements = "".join(f"      - {{number: {n}, nam: x}}\n" for n in range(4, 200))
    problems = _problems(_edit(insert={29: elements}))
    assert len(problems) == 101
    assert problems[-1] == Problem(None, "100 problems so far: fix these first")


def test_invalid_utf8_is_refused_with_its_line():
    data = _edit(replace={13: "        name: Caf\xe9"}).replace("é".encode(), b"\xe9")
    assert _problems(data) == [Problem(13, "this is not UTF-8 text (byte 0xe9): save it as UTF-8")]


def test_yaml_syntax_errors_and_tabs_name_their_line():
    problems = _problems(_edit(replace={13: "        name: One: and two"}))
    assert problems == [Problem(13, "this is not valid YAML: mapping values are not allowed here")]
    problems = _problems(_edit(replace={13: "\tname: One"}))
    assert problems[0].line == 13 and "indent with spaces, not tabs" in problems[0].message
    assert _problems(b"   \n") == [Problem(None, "the file is empty")]


def _good_json() -> str:
    return json.dumps(yaml.safe_load(GOOD), indent="\t")  # tabs between tokens are valid JSON


def test_a_json_syntax_error_is_reported_with_jsons_line():
    text = _good_json().splitlines()
    assert text[5] == '\t\t"kind": "school"' and text[6] == "\t},"
    text[5] += ","  # JSON finds the trailing comma when the next line closes the object
    assert _problems("\n".join(text).encode(), "framework.json") == [
        Problem(7, "this is not valid JSON: Expecting property name enclosed in double quotes")
    ]


def test_a_json_file_with_a_structural_error_names_the_right_line():
    lines = _good_json().splitlines()
    # Element 2 loses its exemplary level: the line of its "levels" key is to blame.
    exemplary = next(i for i, line in enumerate(lines) if '"Exemplary two."' in line)
    levels = max(i for i, line in enumerate(lines[:exemplary]) if '"levels"' in line)
    lines[exemplary - 1] = lines[exemplary - 1].rstrip(",")
    del lines[exemplary]
    data = "\n".join(lines).encode()
    assert parse(_good_json().encode(), "framework.json") == parse(GOOD.encode())
    assert _problems(data, "framework.json") == [
        Problem(levels + 1, "element 2 (theme A) has no 'exemplary' level")
    ]
    # No name, but it starts with "{": still read as JSON first.
    assert _problems(data, "")[0].line == levels + 1


def test_json_escapes_come_through_whole():
    data = json.loads(_good_json())
    data["framework"]["name"] = "Stars \U0001f31f and caf\u00e9"
    spec = parse(json.dumps(data).encode(), "f.json")  # ensure_ascii: \ud83c\udf1f in the file
    assert spec.name == "Stars \U0001f31f and café"


# --- the command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_loads_the_shipped_frameworks_once(no_frameworks):
    out = StringIO()
    call_command("load_frameworks", stdout=out)
    assert (
        "Loaded Institutional Quality Standards in gifted and talented education (2007): "
        "5 themes, 14 elements" in out.getvalue()
    )
    call_command("load_frameworks", stdout=(again := StringIO()))
    assert again.getvalue() == "The shipped frameworks are all loaded already.\n"
    assert FrameworkVersion.objects.count() == 4


@pytest.mark.django_db
def test_the_command_loads_files_all_or_nothing(tmp_path, no_frameworks):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_bytes(_edit(replace={3: "  key: other", 23: ""}))
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing loaded"):
        call_command("load_frameworks", str(good), str(bad), stdout=StringIO(), stderr=err)
    assert f"{bad}: line 20: element 2 (theme A) has no 'exemplary' level" in err.getvalue()
    assert not Framework.objects.exists()

    twice = tmp_path / "twice.yaml"
    twice.write_text(GOOD)  # the same version again: refused when loading, after good's load
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_frameworks", str(good), str(twice), stdout=StringIO(), stderr=err)
    assert "line 7: TEST-SCHOOL already has a version 1" in err.getvalue()
    assert not Framework.objects.exists()

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_frameworks", str(good), str(tmp_path / "gone.yaml"), stderr=err)
    assert f"{tmp_path / 'gone.yaml'}: cannot read it: No such file or directory" in err.getvalue()
    assert not Framework.objects.exists()

    call_command("load_frameworks", str(good), stdout=(out := StringIO()))
    assert "Loaded A test framework (1): 2 themes, 3 elements" in out.getvalue()


# --- a property ------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=20))
def test_every_repeated_element_number_is_reported_at_its_line(numbers):
    head = "".join(LINES[:11])  # down to "    elements:" (line 11)
    body = "".join(
        f"      - {{number: {n}, name: E, levels: {{entry: a, developing: b, exemplary: c}}}}\n"
        for n in numbers
    )
    data = (head + body).encode()
    first: dict[int, int] = {}
    expected = []
    for line, n in enumerate(numbers, 12):
        if n in first:
            expected.append(
                Problem(line, f"element number {n} is used twice (first on line {first[n]})")
            )
        first.setdefault(n, line)
    if expected:
        assert _problems(data) == expected
    else:
        spec = parse(data)
        assert [e.number for e in spec.themes[0].elements] == sorted(numbers)


_TEXT = (
    st.text(st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\n\t "), max_size=80)
    .map(str.strip)
    .filter(bool)
)


@given(texts=st.lists(_TEXT, min_size=9, max_size=9), fmt=st.sampled_from(["yaml", "json"]))
def test_any_texts_survive_dump_and_parse(texts, fmt):
    # Colons, quotes, "#", leading "-", "null", "yes", numbers, several lines, any script:
    # the dumper quotes whatever YAML would misread, and parse gives the same text back.
    name, description, label, note, code, theme, element, summary, level = texts
    spec = FrameworkSpec(
        key="k",
        name=name,
        kind="school",
        description=description,
        version=label[:40].strip(),
        source_note=note,
        themes=[
            ThemeSpec(
                code[:10].strip(),
                theme,
                [
                    ElementSpec(
                        1,
                        element,
                        summary,
                        dict.fromkeys(("entry", "developing", "exemplary"), level),
                    )
                ],
            )
        ],
    )
    assert parse(dump(spec, fmt).encode(), f"f.{fmt}") == spec


def test_the_migrated_database_holds_the_shipped_frameworks(db):
    assert FrameworkVersion.objects.count() == 4


@pytest.mark.django_db
def test_the_2010_revision_ships_inactive_so_schools_start_on_2007():
    ensure_shipped()
    revised = FrameworkVersion.objects.get(framework__key="iqs", label="2010 revision")
    assert not revised.active
    assert current_version("iqs").label == "2007"
    again = parse(export(revised).encode())
    assert again.active is False
    assert "active" not in export(current_version("iqs"))


def test_active_must_be_true_or_false():
    text = export_text_with_active("maybe")
    with pytest.raises(FrameworkFileError) as refused:
        parse(text.encode())
    assert "'active' should be true or false" in str(refused.value)


def export_text_with_active(value: str) -> str:
    shipped = files("risingtide.standards").joinpath("data/iqs-2010.yaml").read_text()
    return shipped.replace("active: false", f"active: {value}")


def test_a_number_with_thousands_of_digits_is_a_problem_not_a_crash():
    text = export_text_with_active("false").replace(
        "number: 1\n", "number: " + "9" * 5000 + "\n", 1
    )
    with pytest.raises(FrameworkFileError) as refused:
        parse(text.encode())
    assert "should be from 1 to" in str(refused.value)
