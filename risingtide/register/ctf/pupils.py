"""A CTF's pupils checked: each pupil's flattened texts (``tokens``) become a ``rows.PupilRow``,
or a ``rows.RowError`` for each problem of a pupil that cannot be used.

Its own module because checking is where a CTF meets ``validate``: every value we use is
checked, each distinct value of each field once (a file's genders, years, ethnicities and
histories repeat), and each kind of entry (SEN, care, FSM, assessments, our own G&T section)
is read the way its versions and suppliers write it.
"""

import dataclasses
import itertools
from datetime import date

from risingtide.register import validate
from risingtide.register.ctf.tokens import Layout, first_text
from risingtide.register.rows import (
    Assessment,
    FsmPeriod,
    PupilRow,
    RegisterFlags,
    RowError,
)

_PUPIL_ROW_FIELDS = tuple(f.name for f in dataclasses.fields(PupilRow))


class PupilReader:
    """Turns the transform's records into rows and errors, checking each distinct value of
    each field once."""

    def __init__(self, separators: tuple[str, str, str, str], today: date):
        self.token, self.item, self.pair, self.record = separators
        self.today = today

    def raw_fields(self, output: str) -> list[tuple]:
        layouts: dict[str, Layout] = {}
        token = self.token
        found = []
        for record in output.split(self.record)[:-1]:
            parts = record.split(token)
            codes = "".join(parts[1::2])
            layout = layouts.get(codes) or layouts.setdefault(codes, Layout(codes))
            found.append(layout.read(parts[2::2]))
        return found

    def texts(self, entry: str) -> dict[str, list[str]]:
        """An entry's children's texts by element name, in document order."""
        out: dict[str, list[str]] = {}
        for each in entry.split(self.item)[1:]:
            name, _, text = each.partition(self.pair)
            out.setdefault(name, []).append(text)
        return out

    def check(self, raws: list[tuple], errors: list[RowError]) -> list[PupilRow]:
        """The usable pupils; a ``RowError`` for each problem of the others, in row order."""
        if not raws:
            return []
        columns = list(zip(*raws, strict=True))
        problems: dict[int, list[tuple[str, str]]] = {}
        upns = validate.all_upns(columns[0]) or _each(
            columns[0], validate.upn, "UPN", problems, wrong_value=(None, False)
        )
        names = [
            (None not in columns[i] and validate.all_names(columns[i], required=i < 3))
            or _each(columns[i], validate.name, field, problems, required=i < 3)
            for i, field in ((1, "Surname"), (2, "Forename"), (3, "PreferredSurname"),
                             (4, "PreferredForename"))
        ]  # fmt: skip
        born = _each(columns[5], validate.date_of_birth, "DOB", problems, latest=self.today)
        gender = _each(columns[6], validate.gender, "Gender", problems)
        optional = [
            _each(columns[i], check, field, problems, absent=None)
            for i, field, check in ((7, "NCyearActual", validate.nc_year),
                                    (8, "Ethnicity", validate.ethnicity),
                                    (9, "FirstLanguage", validate.first_language))
        ]  # fmt: skip
        sen, care, fsm, assessments, register = (
            _gather(columns[i], read, problems)
            for i, read in ((10, self.sen), (11, self.in_care), (12, self.fsm),
                            (13, self.assessments), (14, self.gifted_talented))
        )  # fmt: skip
        upn_values, temporary = (list(c) for c in zip(*upns, strict=True))
        surname, forename, preferred_surname, preferred_forename = names
        by_field = {
            "row": range(1, len(raws) + 1),
            "upn": upn_values,
            "temporary_upn": temporary,
            "school_urn": itertools.repeat(None),
            "legal_surname": surname,
            "legal_forename": forename,
            # A CTF leaves out preferred names that are the legal ones.
            "preferred_surname": list(map(_or, preferred_surname, surname)),
            "preferred_forename": list(map(_or, preferred_forename, forename)),
            "date_of_birth": born,
            "gender": gender,
            "nc_year": optional[0],
            "ethnicity": optional[1],
            "first_language": optional[2],
            "sen": sen,
            "looked_after": care,
            "fsm": map(list, fsm),
            "fsm_now": itertools.repeat(None),
            "assessments": map(list, assessments),
            "register": register,
        }
        # Built column by column (a C-level loop), then the rows with problems left out.
        rows = map(PupilRow, *(by_field[name] for name in _PUPIL_ROW_FIELDS))
        pupils = []
        seen: dict[str, int] = {}
        for index, pupil in enumerate(rows):
            if index in problems:
                # A UPN we cannot use: the error shows what the file gave.
                upn = pupil.upn or "".join((columns[0][index] or "").split())
                errors.extend(RowError(pupil.row, upn, f, why) for f, why in problems[index])
            elif pupil.upn in seen:
                reason = f"used twice (also row {seen[pupil.upn]})"
                errors.append(RowError(pupil.row, pupil.upn, "UPN", reason))
            else:
                seen[pupil.upn] = pupil.row
                pupils.append(pupil)
        return pupils

    # Each reads one kind of entry from its tokens: (the value, the problems).
    def sen(self, entries: tuple[str, ...]) -> tuple[str, list]:
        """The provision of the latest SEN entry by start date, "" if there is none."""
        problems = validate.Problems()
        latest = []
        for order, entry in enumerate(entries):
            texts = self.texts(entry)
            raw = first_text(texts, "SENprovision", "Provision")
            provision = problems.check("SENprovision", validate.sen, raw)
            start_raw = first_text(texts, "StartDate") or ""
            start = (
                problems.check("SEN StartDate", validate.parse_date, start_raw)
                if start_raw
                else None
            )
            latest.append((start or date.min, order, provision or ""))
        return (max(latest)[2] if latest else ""), problems

    def in_care(self, entry: str | None) -> tuple[bool | None, list]:
        """``<InCare><Status>true</Status>...`` or ``<InCare>true</InCare>``; None if absent."""
        if entry is None:
            return None, []
        own, separator, children = entry.partition(self.item)
        status = first_text(self.texts(separator + children), "Status") if children else own
        problems = validate.Problems()
        return problems.check("InCare", validate.yes_no, status), problems

    def fsm(self, entries: tuple[str, ...]) -> tuple[tuple[FsmPeriod, ...], list]:
        """The whole FSM history: a CTF without one says the pupil has none."""
        problems = validate.Problems()
        periods = []
        for entry in entries:
            texts = self.texts(entry)
            start_raw = first_text(texts, "FSMstartDate", "StartDate")
            start = problems.check("FSMstartDate", validate.parse_date, start_raw)
            end_raw = first_text(texts, "FSMendDate", "EndDate") or ""
            end = problems.check("FSMendDate", validate.parse_date, end_raw) if end_raw else None
            if start and end and end < start:
                problems.append(("FSMendDate", f"{end} is before the start date, {start}"))
            elif start:
                periods.append(FsmPeriod(start, end))
        return tuple(periods), problems

    def assessments(self, entries: tuple[str, ...]) -> tuple[tuple[Assessment, ...], list]:
        problems = validate.Problems()
        out = []
        for entry in entries:
            texts = self.texts(entry)
            values = {
                name: first_text(texts, name) or ""
                for name in ("Stage", "Subject", "Method", "Component", "Result")
            }
            year_raw = first_text(texts, "Year", "ResultYear") or ""
            if not year_raw and not any(values.values()):
                continue
            stage = values.pop("Stage") or first_text(texts, "ParentStage") or ""
            year = problems.check("StageAssessment Year", validate.academic_year, year_raw)
            if year is not None:
                out.append(
                    Assessment(stage=stage, year=year, **{k.lower(): v for k, v in values.items()})
                )
        return tuple(out), problems

    def gifted_talented(self, entry: str | None) -> tuple[RegisterFlags | None, list]:
        """Our own CTF export's ``<GiftedTalented>`` section; None if the file has none."""
        problems = validate.Problems()
        if entry is None:
            return None, problems
        texts = self.texts(entry)
        flag_raw = first_text(texts, "Flag") or ""
        if not flag_raw:
            problems.append(("GiftedTalented Flag", "missing"))
            return None, problems
        on_register = problems.check("GiftedTalented Flag", validate.yes_no, flag_raw)
        flags = {
            name: problems.check(
                f"GiftedTalented {tag}", validate.yes_no, first_text(texts, tag) or ""
            )
            for name, tag in (("gifted", "Gifted"), ("talented", "Talented"), ("top_5", "Top5"))
        }
        domains: list[str] = []
        for text in texts.get("Domain", ()):
            for key in problems.check("GiftedTalented Domain", validate.domains, text) or ():
                if key not in domains:
                    domains.append(key)
        if on_register is None:
            return None, problems
        return problems.check(
            "GiftedTalented Flag",
            validate.register_flags,
            on_register,
            domains=tuple(domains),
            **flags,
        ), problems


_MISSING = object()


def _or(value, otherwise):
    return value or otherwise


def _each(
    raws, check, field: str, problems: dict, *, absent=_MISSING, wrong_value=None, **options
) -> list:
    """``check(raw, **options)`` of each distinct raw value, in the rows' order; a problem
    noted for each row whose value is wrong (its value ``wrong_value``). ``absent``, if given,
    is the value of a field the file does not give (raw None) instead of checking it."""
    table: dict = {}
    wrong: dict = {}
    for raw in set(raws):
        if raw is None and absent is not _MISSING:
            table[raw] = absent
            continue
        try:
            table[raw] = check(raw, **options)
        except validate.Invalid as exc:
            table[raw], wrong[raw] = wrong_value, str(exc)
    if wrong:
        for index, raw in enumerate(raws):
            if raw in wrong:
                problems.setdefault(index, []).append((field, wrong[raw]))
    return list(map(table.__getitem__, raws))


def _gather(raws, read, problems: dict) -> list:
    """``read(raw)`` -> (value, problems) of each distinct raw value, in the rows' order."""
    table = {raw: read(raw) for raw in set(raws)}
    if any(found for _, found in table.values()):
        for index, raw in enumerate(raws):
            if table[raw][1]:
                problems.setdefault(index, []).extend(table[raw][1])
    return [table[raw][0] for raw in raws]
