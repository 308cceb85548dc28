"""The demo school's pupil data and G&T register: a record for every pupil (as if imported from
the school's MIS), characteristics with some history, KS2 results, CAT scores for some, and a
register with identified, nominated and removed pupils, so every register page has something
to show. Identification is skewed away from disadvantaged pupils on purpose: the equity check
then has a gap to flag, as real registers often do."""

import random
from datetime import date

from django.utils import timezone

from risingtide.people.models import Membership, Role
from risingtide.register.ethnicity import major_group
from risingtide.register.models import (
    NOT_EAL,
    Attainment,
    DataSharingAgreement,
    Evidence,
    FsmPeriod,
    Pupil,
    RegisterEntry,
    academic_year,
)
from risingtide.register.rows import GIFTED_DOMAINS, TALENTED_DOMAINS
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


def load(school: School, coordinator, rng: random.Random) -> None:
    today = timezone.localdate()
    year = academic_year(today)
    members = (
        Membership.objects.filter(school=school, role=Role.PUPIL, teaching_group__isnull=False)
        .select_related("user", "teaching_group")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    records = []
    for n, m in enumerate(members):
        nc_year = m.teaching_group.year_group
        ethnicity = rng.choice(ETHNICITIES)
        language = LANGUAGES.get(ethnicity, "ENG") if rng.random() < 0.6 else "ENG"
        records.append(
            Pupil(
                school=school,
                upn=make_upn(801, int(school.establishment_number), 20, n),
                legal_surname=m.user.last_name,
                legal_forename=m.user.first_name,
                date_of_birth=date(year - nc_year - 5, rng.randint(1, 12), rng.randint(1, 28)),
                gender=rng.choice("MF"),
                nc_year=str(nc_year),
                ethnicity=ethnicity,
                ethnic_group=major_group(ethnicity) or "",
                first_language=language,
                eal=language not in NOT_EAL,
                sen=rng.choice(["", "", "", "", "", "K", "K", "E"]),
                looked_after=rng.random() < 0.01,
                account=m.user,
            )
        )
    records = Pupil.objects.bulk_create(records)
    periods, results, evidence, entries = [], [], [], []
    for pupil in records:
        disadvantaged = rng.random() < 0.25
        if disadvantaged:
            start = date(today.year - rng.randint(1, 5), 9, 1)
            ended = rng.random() < 0.4
            end = date(start.year + 1, 7, 20) if ended and start.year + 1 < today.year else None
            periods.append(FsmPeriod(pupil=pupil, start=start, end=end))
        ability = rng.gauss(0, 1) - (0.35 if disadvantaged else 0)
        nc = int(pupil.nc_year)
        if nc >= 7:
            for subject in ("MAT", "REA", "GPS"):
                score = max(80, min(120, round(104 + 7 * (ability + rng.gauss(0, 0.5)))))
                results.append(
                    Attainment(
                        pupil=pupil,
                        stage="KS2",
                        subject=subject,
                        component="SCALED",
                        method="TT",
                        result=str(score),
                        score=score,
                        year=year - (nc - 6),
                    )
                )
            cat = round(100 + 14 * (ability + rng.gauss(0, 0.4)))
            evidence.append(
                Evidence(
                    pupil=pupil,
                    academic_year=year,
                    kind="test_score",
                    measure="CAT mean",
                    score=cat,
                    summary="CAT4 mean score",
                    added_by=coordinator,
                    added_by_name=str(coordinator),
                )
            )
        # Identified mostly on ability, less often when disadvantaged.
        if ability > 1.2 and not (disadvantaged and rng.random() < 0.7):
            talented = rng.random() < 0.3
            domains = sorted(
                rng.sample(sorted(TALENTED_DOMAINS if talented else GIFTED_DOMAINS), 1)
            )
            entries.append(
                RegisterEntry(
                    pupil=pupil,
                    school=school,
                    academic_year=year,
                    status="identified",
                    gifted=not talented,
                    talented=talented,
                    domains=domains,
                    top_5=ability > 1.9,
                    reason="Best fit across test scores and teacher nomination",
                    recorded_by=coordinator,
                    recorded_by_name=str(coordinator),
                    source="decision",
                    next_review=date(year + 1, 6, 30),
                )
            )
            evidence.append(
                Evidence(
                    pupil=pupil,
                    academic_year=year,
                    kind="teacher_nomination",
                    domain=domains[0],
                    summary="Works well beyond the year group.",
                    added_by=coordinator,
                    added_by_name=str(coordinator),
                )
            )
        elif ability > 0.9 and rng.random() < 0.3:
            entries.append(
                RegisterEntry(
                    pupil=pupil,
                    school=school,
                    academic_year=year,
                    status="nominated",
                    gifted=True,
                    domains=["maths"],
                    reason="Nominated by the maths department",
                    recorded_by=coordinator,
                    recorded_by_name=str(coordinator),
                    source="nomination",
                )
            )
            evidence.append(
                Evidence(
                    pupil=pupil,
                    academic_year=year,
                    kind="teacher_nomination",
                    domain="maths",
                    summary="Quick to spot patterns.",
                    added_by=coordinator,
                    added_by_name=str(coordinator),
                )
            )
    FsmPeriod.objects.bulk_create(periods)
    Attainment.objects.bulk_create(results)
    Evidence.objects.bulk_create(evidence)
    RegisterEntry.objects.bulk_create(entries)
    DataSharingAgreement.objects.create(
        school=school,
        reference="Riverton G&T data-sharing agreement 2026",
        starts_on=date(year, 9, 1),
        recorded_by=coordinator,
    )
