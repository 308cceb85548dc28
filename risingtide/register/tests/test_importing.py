"""The import engine: what a file's rows change, that a second run changes nothing, and that a
file with any error writes nothing."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from risingtide.register import importing
from risingtide.register.import_files import Source
from risingtide.register.importing import import_rows, run_import
from risingtide.register.models import (
    Attainment,
    CharacteristicChange,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import (
    Assessment,
    PupilRow,
    RegisterFlags,
    RegisterRow,
    RowError,
)
from risingtide.register.rows import (
    FsmPeriod as RowPeriod,
)
from risingtide.register.tests import ctf_files
from risingtide.register.upn import make_upn

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _row(n: int, **values) -> PupilRow:
    base = dict(
        row=n,
        upn=make_upn(801, 4001, 20, n),
        legal_surname=f"Surname{n}",
        legal_forename=f"Forename{n}",
        date_of_birth=date(2014, 1, 1 + n % 28),
        gender="F",
        nc_year="7",
        ethnicity="WBRI",
        first_language="ENG",
        sen="",
    )
    base.update(values)
    return PupilRow(**base)


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Pupil, CharacteristicChange, FsmPeriod, Attainment, RegisterEntry)
    )


def _write(school, rows, **kw):
    return import_rows(rows, school=school, write=True, as_of=TODAY, **kw)


@pytest.mark.parametrize("layout", ctf_files.LAYOUTS)
def test_a_ctf_of_1500_pupils_imports_and_a_second_run_changes_nothing(world, tmp_path, layout):
    school = world.schools["peer"]
    path = tmp_path / "pupils.xml"
    path.write_bytes(ctf_files.ctf([ctf_files.pupil_xml(n, layout) for n in range(1500)]))
    source = Source(str(path), "ctf", name="pupils.xml")
    preview = run_import(source, school=school, write=False)
    assert (preview.creates, preview.updates, preview.unchanged, preview.error_count) == (
        1500,
        0,
        0,
        0,
    )
    assert preview.facts["version"] == "21.0"
    assert "Riverton Primary" in preview.facts["source"]
    assert not Pupil.objects.filter(school=school).exists()  # the preview wrote nothing

    first = run_import(source, school=school, write=True)
    assert first.written and first.creates == 1500
    assert Pupil.objects.filter(school=school).count() == 1500
    pupil = Pupil.objects.get(school=school, upn=make_upn(801, 2000, 15, 4))
    assert pupil.legal_forename == "Forename4" and pupil.sen == "K"
    assert pupil.fsm_periods.get().end == date(2021, 7, 20)  # n % 4 == 0 has an FSM period
    assert pupil.attainment.get().score == 110.0
    assert pupil.ethnic_group == "Chinese"  # CHNE
    before = _counts()

    second = run_import(source, school=school, write=True)
    assert (second.creates, second.updates, second.unchanged) == (0, 0, 1500)
    assert _counts() == before


def test_any_error_writes_nothing_and_says_row_field_reason(world, tmp_path):
    school = world.schools["peer"]
    pupils = [ctf_files.pupil_xml(n, "names_at_pupil") for n in range(50)]
    pupils[30] = ctf_files.pupil_xml(30, "names_at_pupil", ethnicity="ZZZZ")
    path = tmp_path / "bad.xml"
    path.write_bytes(ctf_files.ctf(pupils))
    seen = []
    outcome = run_import(Source(str(path), "ctf"), school=school, write=True, on_error=seen.append)
    assert not outcome.written
    assert outcome.creates == 49 and outcome.error_count == 1
    assert outcome.errors == [
        {
            "row": 31,
            "upn": make_upn(801, 2000, 15, 30),
            "field": "Ethnicity",
            "reason": seen[0].reason,
        }
    ]
    assert "ZZZZ" in seen[0].reason
    assert not Pupil.objects.filter(school=school).exists()


def test_a_changed_characteristic_is_kept_as_history(world):
    school = world.schools["peer"]
    _write(school, [_row(1, ethnicity="WBRI", sen="", first_language="ENG")])
    outcome = _write(school, [_row(1, ethnicity="APKN", sen="K", first_language="URD")])
    assert outcome.updates == 1
    assert outcome.changes[0]["fields"] == ["ethnicity", "first_language", "sen"]
    pupil = Pupil.objects.get(school=school)
    assert (pupil.ethnicity, pupil.ethnic_group, pupil.eal, pupil.sen) == (
        "APKN",
        "Asian",
        True,
        "K",
    )
    changes = {c.kind: (c.old_value, c.new_value, c.changed_on) for c in pupil.changes.all()}
    assert changes == {
        "ethnicity": ("WBRI", "APKN", TODAY),
        "first_language": ("ENG", "URD", TODAY),
        "sen": ("", "K", TODAY),
    }


def test_a_field_the_file_does_not_hold_is_left_alone(world):
    school = world.schools["peer"]
    _write(school, [_row(1, ethnicity="APKN")])
    outcome = _write(school, [_row(1, ethnicity=None, first_language=None, sen=None)])
    assert outcome.unchanged == 1
    assert Pupil.objects.get(school=school).ethnicity == "APKN"


def test_fsm_snapshots_open_and_close_periods(world):
    school = world.schools["peer"]
    _write(school, [_row(1, fsm_now=True)])
    pupil = Pupil.objects.get(school=school)
    assert list(pupil.fsm_periods.values_list("start", "end")) == [(TODAY, None)]
    assert _write(school, [_row(1, fsm_now=True)]).unchanged == 1
    later = date(2027, 3, 1)
    import_rows([_row(1, fsm_now=False)], school=school, write=True, as_of=later)
    assert list(pupil.fsm_periods.values_list("start", "end")) == [(TODAY, later)]


def test_a_ctf_fsm_history_adds_periods_and_ends_open_ones(world):
    school = world.schools["peer"]
    _write(school, [_row(1, fsm=[RowPeriod(date(2020, 9, 1), None)])])
    outcome = _write(
        school,
        [
            _row(
                1,
                fsm=[
                    RowPeriod(date(2020, 9, 1), date(2022, 7, 1)),
                    RowPeriod(date(2024, 1, 5), None),
                ],
            )
        ],
    )
    assert outcome.updates == 1 and outcome.changes[0]["fields"] == ["FSM"]
    periods = list(Pupil.objects.get(school=school).fsm_periods.values_list("start", "end"))
    assert periods == [(date(2020, 9, 1), date(2022, 7, 1)), (date(2024, 1, 5), None)]


def test_attainment_is_added_and_corrected_never_duplicated(world):
    school = world.schools["peer"]
    ks2 = Assessment("KS2", "MAT", "TT", "SCALED", "110", 2023)
    _write(school, [_row(1, assessments=[ks2, ks2])])
    assert Attainment.objects.count() == 1
    fixed = Assessment("KS2", "MAT", "TT", "SCALED", "112", 2023)
    reading = Assessment("KS2", "REA", "TT", "SCALED", "GDS", 2023)
    outcome = _write(school, [_row(1, assessments=[fixed, reading])])
    assert outcome.changes[0]["fields"] == ["attainment"]
    results = dict(Attainment.objects.values_list("subject", "score"))
    assert results == {"MAT": 112.0, "REA": None}  # a grade is kept, but is not a number


def test_register_flags_add_entries_only_when_they_change(world):
    school = world.schools["peer"]
    flags = RegisterFlags(True, gifted=True, top_5=True, domains=("maths",))
    _write(school, [_row(1, register=flags)])
    entries = RegisterEntry.objects.filter(school=school)
    entry = entries.get()
    assert (entry.status, entry.gifted, entry.top_5, entry.domains, entry.academic_year) == (
        "identified",
        True,
        True,
        ["maths"],
        academic_year(TODAY),
    )
    upn = entry.pupil.upn
    assert _write(school, [RegisterRow(1, upn, flags)]).unchanged == 1
    outcome = _write(school, [RegisterRow(1, upn, RegisterFlags(False))])
    assert outcome.updates == 1
    current = entries.get(current=True)
    assert current.status == "removed" and "Not on the register" in current.reason
    assert entries.count() == 2  # the first entry stays, as history


def test_a_register_row_for_an_unknown_pupil_is_an_error(world):
    school = world.schools["peer"]
    outcome = _write(school, [RegisterRow(3, make_upn(801, 4001, 20, 9), RegisterFlags(True))])
    assert not outcome.written
    assert outcome.errors[0]["row"] == 3 and outcome.errors[0]["field"] == "UPN"
    assert "no pupil with this UPN at Peer School" in outcome.errors[0]["reason"]


def test_an_la_wide_file_places_each_row_by_urn(world):
    own, peer, other = (world.schools[k] for k in ("own", "peer", "other"))
    rows = [
        _row(1, school_urn=own.urn),
        _row(2, school_urn=peer.urn),
        _row(3, school_urn=other.urn),
        _row(4, school_urn=None),
    ]
    outcome = import_rows(rows, schools=[own, peer], write=False, as_of=TODAY)
    assert outcome.creates == 2
    assert [(e["row"], e["reason"]) for e in outcome.errors] == [
        (3, "900003 is not a school of this local authority"),
        (4, "missing: an LA-wide file names each pupil's school by URN"),
    ]
    ok = import_rows(rows[:2], schools=[own, peer], write=True, as_of=TODAY)
    assert ok.written
    assert set(
        Pupil.objects.filter(upn__in=[r.upn for r in rows[:2]]).values_list(
            "school__urn", flat=True
        )
    ) == {own.urn, peer.urn}


def test_reader_errors_are_counted_and_reported(world):
    outcome = import_rows(
        [RowError(2, "X", "UPN", "bad"), _row(3)], school=world.schools["peer"], write=False
    )
    assert outcome.creates == 1 and outcome.error_count == 1


def test_new_records_are_linked_to_the_pupils_accounts_by_name(world):
    school = world.schools["peer"]
    account = world.user("pupil@peer")  # Ada Peer
    _write(school, [_row(1, legal_forename=account.first_name, legal_surname=account.last_name)])
    assert Pupil.objects.get(school=school).account == account


def _la_rows(own, peer, n: int, start: int = 0, **values) -> list[PupilRow]:
    return [
        _row(i, school_urn=(own if i % 2 else peer).urn, **values) for i in range(start, start + n)
    ]


def test_an_la_file_in_many_chunks_adds_updates_and_then_changes_nothing(world, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 3)
    own, peer = world.schools["own"], world.schools["peer"]
    history = [RowPeriod(date(2019, 9, 1), date(2021, 7, 20))]
    ks2 = [Assessment("KS2", "MAT", "TT", "SCALED", "104", 2023)]
    flags = RegisterFlags(True, domains=("music",))
    held = _la_rows(own, peer, 4)
    import_rows(held, schools=[own, peer], write=True, as_of=TODAY)
    rows = [
        _row(0, school_urn=peer.urn),  # as held
        _row(1, school_urn=own.urn, ethnicity="APKN"),  # changed
        *_la_rows(own, peer, 7, start=10, fsm_now=True),
        _row(20, school_urn=own.urn, fsm=history, assessments=ks2, register=flags),
    ]
    progress = []
    outcome = import_rows(
        rows,
        schools=[own, peer],
        write=True,
        as_of=TODAY,
        progress=lambda done, total: progress.append(done),
    )
    assert outcome.written
    assert (outcome.creates, outcome.updates, outcome.unchanged) == (8, 1, 1)
    assert progress == [3, 6, 9, 10]
    new = Pupil.objects.filter(upn__in=[r.upn for r in rows[2:]])
    assert new.count() == 8
    assert {p.school for p in new} == {own, peer}
    fresh = new.get(upn=rows[2].upn)
    assert (fresh.legal_surname, fresh.ethnic_group, fresh.eal, fresh.on_roll) == (
        "Surname10",
        "White",
        False,
        True,
    )
    assert fresh.created_at is not None and fresh.account is None
    assert list(fresh.fsm_periods.values_list("start", "end")) == [(TODAY, None)]
    last = new.get(upn=rows[-1].upn)
    assert list(last.fsm_periods.values_list("start", "end")) == [
        (date(2019, 9, 1), date(2021, 7, 20))
    ]
    assert last.attainment.get().score == 104.0
    assert last.register_entries.get().domains == ["music"]
    assert Pupil.objects.get(upn=rows[1].upn).changes.get().new_value == "APKN"
    before = _counts()

    again = import_rows(rows, schools=[own, peer], write=True, as_of=TODAY)
    assert (again.creates, again.updates, again.unchanged) == (0, 0, 10)
    assert _counts() == before


def test_a_first_import_looks_up_no_records_chunk_by_chunk(world, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    other = world.schools["other"]
    with CaptureQueriesContext(connection) as queries:
        outcome = _write(other, [_row(n, fsm_now=True) for n in range(6)])
    assert outcome.creates == 6
    # The school's records are read once, up front (and again to link accounts): no chunk
    # looks any up. (Then the school's census is taken again, reading them once more.)
    reads = [q["sql"] for q in queries if 'FROM "register_' in q["sql"]]
    reads = reads[: next(i for i, sql in enumerate(reads) if 'account_id" IS NULL' in sql) + 1]
    assert len(reads) == 2 and 'account_id" IS NULL' in reads[1], reads
    assert FsmPeriod.objects.filter(pupil__school=other).count() == 6


def test_a_pupil_listed_again_in_a_later_chunk_is_updated_not_added_twice(world, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    school = world.schools["peer"]
    rows = [_row(1), _row(2), _row(3), _row(1, ethnicity="APKN")]
    outcome = _write(school, rows)
    assert (outcome.creates, outcome.updates) == (3, 1)
    assert Pupil.objects.get(school=school, upn=rows[0].upn).ethnicity == "APKN"


def test_an_error_in_a_late_chunk_undoes_the_chunks_written_before_it(world, monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 2)
    school = world.schools["peer"]
    rows = [_row(n, fsm_now=True) for n in range(5)] + [RowError(7, "X", "UPN", "bad")]
    outcome = _write(school, rows)
    assert not outcome.written and outcome.creates == 5
    assert not Pupil.objects.filter(school=school).exists()
    assert not FsmPeriod.objects.exists()
