"""The demo schools' pupil data and G&T registers, entered as schools enter theirs.

Each school imports its MIS export through the register's import engine (the rows a CTF or
CSV reader would give, checked, compared and written by ``importing.import_rows``, which links
the records to the pupils' accounts and rebuilds the school's insights): one record for every
pupil account, so every page that counts a school's pupils finds the same number. The export
carries characteristics, FSM history, KS2 and this year's standardised scores (so progress can
be measured) and last year's register. Then, at Riverton Academy, the year's decisions go
through the register's services: teachers' nominations, and the coordinator identifying, not
identifying and removing pupils. Identification is skewed away from disadvantaged pupils on
purpose: the equity check then has a gap to flag, as real registers often do.
"""

import random
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from risingtide.people.models import Membership, Role, User
from risingtide.register import importing, services
from risingtide.register.models import Pupil, RegisterEntry, academic_year
from risingtide.register.rows import (
    GIFTED_DOMAINS,
    TALENTED_DOMAINS,
    Assessment,
    FsmPeriod,
    PupilRow,
    RegisterFlags,
)
from risingtide.register.upn import make_upn
from risingtide.schools.models import School

ETHNICITIES = ["WBRI"] * 12 + [
    "WOTH",
    "WIRI",
    "APKN",
    "APKN",
    "AIND",
    "ABAN",
    "BAFR",
    "BCRB",
    "MWBC",
    "MWAS",
    "CHNE",
    "OOTH",
]
LANGUAGES = {"APKN": "URD", "AIND": "PNJ", "ABAN": "BNG", "BAFR": "YOR", "CHNE": "CHI"}
# Enough pupils on every school's register that the LA's tables can show its figures (the
# disclosure threshold is 6), and a rate near the 5-10% the guidance suggests.
MIN_IDENTIFIED = 8


@dataclass
class _Pupil:
    """One pupil of the export, before it becomes a row: what the rows are drawn from."""

    account: User
    nc_year: int  # 0 is Reception
    ability: float
    disadvantaged: bool


def _pupils(school: School, rng: random.Random) -> list[_Pupil]:
    members = (
        Membership.objects.filter(school=school, role=Role.PUPIL, teaching_group__isnull=False)
        .select_related("user", "teaching_group")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    pupils = []
    for m in members:
        disadvantaged = rng.random() < 0.25
        ability = rng.gauss(0, 1) - (0.35 if disadvantaged else 0)
        pupils.append(_Pupil(m.user, m.teaching_group.year_group, ability, disadvantaged))
    return pupils


def _identified(pupils: list[_Pupil], rng: random.Random) -> set[int]:
    """Who was on last year's register: mostly the most able, disadvantaged pupils less often;
    at least ``MIN_IDENTIFIED`` of them."""
    ranked = sorted(range(len(pupils)), key=lambda i: -pupils[i].ability)
    chosen = {
        i
        for i in ranked
        if pupils[i].ability > 1.2 and not (pupils[i].disadvantaged and rng.random() < 0.7)
    }
    for i in ranked:
        if len(chosen) >= MIN_IDENTIFIED:
            break
        if not pupils[i].disadvantaged:
            chosen.add(i)
    return chosen


def _standardised(ability: float, rng: random.Random, spread: float = 0.4) -> int:
    return max(70, min(141, round(100 + 15 * (ability + rng.gauss(0, spread)))))


def _row(
    n: int, school: School, pupil: _Pupil, on_register: bool, year: int, rng: random.Random
) -> PupilRow:
    today = timezone.localdate()
    ethnicity = rng.choice(ETHNICITIES)
    language = LANGUAGES.get(ethnicity, "ENG") if rng.random() < 0.6 else "ENG"
    fsm = []
    if pupil.disadvantaged:
        start = date(today.year - rng.randint(1, 5), 9, 1)
        ended = rng.random() < 0.4 and start.year + 1 < today.year
        fsm.append(FsmPeriod(start, date(start.year + 1, 7, 20) if ended else None))
    nc = pupil.nc_year
    results = []
    if nc >= 7:  # KS2 tests at the end of Year 6: the starting point
        for subject in ("MAT", "REA", "GPS"):
            score = max(80, min(120, round(104 + 7 * (pupil.ability + rng.gauss(0, 0.5)))))
            results.append(Assessment("KS2", subject, "TT", "SCALED", str(score), year - nc + 6))
        cat = _standardised(pupil.ability, rng)
        results.append(Assessment(f"Y{nc}", "CAT", "TT", "MEAN", str(cat), year))
    elif nc >= 2:  # a standardised test in Year 1: the starting point
        for subject in ("MAT", "REA"):
            score = _standardised(pupil.ability, rng, 0.5)
            results.append(Assessment("Y1", subject, "TT", "STD", str(score), year - nc + 1))
    if nc >= 2:  # this year's standardised tests: attainment
        for subject in ("MAT", "REA"):
            score = _standardised(pupil.ability + 0.1, rng)
            results.append(Assessment(f"Y{nc}", subject, "TT", "STD", str(score), year))
    flags = RegisterFlags(gifted_talented=False)
    if on_register:
        talented = rng.random() < 0.3
        domain = rng.choice(sorted(TALENTED_DOMAINS if talented else GIFTED_DOMAINS))
        flags = RegisterFlags(
            gifted_talented=True,
            gifted=not talented,
            talented=talented,
            top_5=pupil.ability > 1.9,
            domains=(domain,),
        )
    account = pupil.account
    return PupilRow(
        row=n + 1,
        upn=make_upn(
            int(school.local_authority.code),
            int(school.establishment_number),
            (year - nc) % 100,
            n,
        ),
        legal_surname=account.last_name,
        legal_forename=account.first_name,
        date_of_birth=date(year - nc - 5, rng.randint(1, 12), rng.randint(1, 28)),
        gender=rng.choice("MF"),
        nc_year="R" if nc == 0 else str(nc),
        ethnicity=ethnicity,
        first_language=language,
        sen=rng.choice(["", "", "", "", "", "K", "K", "E"]),
        looked_after=rng.random() < 0.01,
        fsm=fsm,
        assessments=results,
        register=flags,
    )


def import_school(school: School, coordinator: User, rng: random.Random) -> int:
    """The school's MIS export, imported as a coordinator imports it. Returns the pupils."""
    year = academic_year()
    pupils = _pupils(school, rng)
    on_register = _identified(pupils, rng)
    rows = [_row(n, school, p, n in on_register, year, rng) for n, p in enumerate(pupils)]
    outcome = importing.import_rows(
        rows,
        school=school,
        write=True,
        actor=coordinator,
        source_label="import of the school's MIS export",
    )
    if not outcome.written:  # the demo's own rows: a refusal is a bug in this module
        raise RuntimeError(f"The demo's pupil data for {school} was refused: {outcome.errors}")
    return len(rows)


def decide_this_year(school: School, teacher: User, coordinator: User, group) -> None:
    """This year's decisions at the school: the class teacher nominates three pupils of their
    class; the coordinator identifies one, does not identify another (the third waits), and
    removes a pupil whose evidence no longer supports identification."""
    year = academic_year()
    current = RegisterEntry.objects.filter(academic_year=year, current=True)
    in_class = Pupil.objects.filter(
        school=school, account__memberships__teaching_group=group
    ).exclude(register_entries__in=current)
    candidates = list(in_class.order_by("legal_surname", "legal_forename")[:3])
    nominations = [
        (["maths"], "Solves unfamiliar problems in several ways and explains which is best."),
        (["science", "design_technology"], "Designs fair tests without being asked to."),
        (["english"], "Writes with a voice and range well beyond the class."),
    ]
    for pupil, (domains, summary) in zip(candidates, nominations, strict=False):
        services.nominate(teacher, pupil, domains=domains, summary=summary)
    if len(candidates) == 3:
        services.add_evidence(
            coordinator,
            candidates[0],
            kind="test_score",
            measure="UKMT Junior Challenge",
            score=96,
            summary="Gold certificate, best in the school.",
        )
        services.decide(
            coordinator,
            candidates[0],
            status=RegisterEntry.Status.IDENTIFIED,
            domains=["maths"],
            reason="Nomination, challenge result and class work agree.",
            next_review=date(year + 1, 6, 30),
        )
        services.decide(
            coordinator,
            candidates[1],
            status=RegisterEntry.Status.NOT_IDENTIFIED,
            reason="Strong in science; look again after the spring assessments.",
        )
    removed = (
        Pupil.objects.filter(
            school=school,
            register_entries__in=current.filter(status=RegisterEntry.Status.IDENTIFIED),
        )
        .order_by("-legal_surname")
        .first()
    )
    if removed is not None:
        services.decide(
            coordinator,
            removed,
            status=RegisterEntry.Status.REMOVED,
            reason="Two terms of evidence below the criteria; reviewed with the parents.",
        )


def load(
    schools: list[School],
    coordinators: dict[int, User],
    academy: School,
    teacher: User,
    head: User,
    group,
    rng: random.Random,
) -> None:
    """Every school's export, then Riverton Academy's decisions and the data-sharing agreement
    its head signed with the LA (so the LA lead sees its pupil data)."""
    for school in schools:
        import_school(school, coordinators[school.pk], random.Random(rng.random()))
    coordinator = coordinators[academy.pk]
    decide_this_year(academy, teacher, coordinator, group)
    services.record_agreement(
        head,
        academy,
        reference="Riverton G&T data-sharing agreement",
        starts_on=date(academic_year(), 9, 1),
    )
