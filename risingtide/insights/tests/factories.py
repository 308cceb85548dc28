"""Census records for tests: a school-year of pupils with the groups a test needs."""

from risingtide.insights.models import CensusRecord, prior_band


def census(school, year, n, *, fsm=0, fsm_register=0, register=0, start=0, prior=1100, att=1150):
    """``n`` pupils at ``school``: the first ``fsm`` FSM (``fsm_register`` of them on the
    register), then ``register`` more on the register."""
    rows = []
    for i in range(n):
        is_fsm = i < fsm
        on = (i < fsm_register) if is_fsm else (fsm <= i < fsm + register)
        rows.append(
            CensusRecord(
                school=school,
                year=year,
                upn=f"X{start + i:012d}",
                nc_year=str(7 + i % 5),
                gender="FM"[i % 2],
                fsm=is_fsm,
                ever_6=is_fsm,
                eal=i % 4 == 0,
                sen="N",
                ethnic_group="White",
                looked_after=False,
                on_register=on,
                gifted=on,
                talented=False,
                top_5=False,
                prior_x10=prior + (i % 7) * 10,
                attainment_x10=att + (i % 5) * 10 - (80 if on and i % 3 == 0 else 0),
                band=prior_band(prior + (i % 7) * 10),
            )
        )
    CensusRecord.objects.bulk_create(rows)
