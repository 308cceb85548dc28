"""Generate the synthetic nation (benchmarks):

    risingtide manage generate_nation [--las 152] [--schools 20000] [--pupils 7400000]
        [--years 5] [--last-year 2025] [--scale 1.0] [--seed 1] [--rebuild]

``--scale`` multiplies the schools and pupils (the LAs stay); ``--rebuild`` then rebuilds every
summary from the census records.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from risingtide.insights import rollup, synthetic


class Command(BaseCommand):
    help = "Generate a synthetic nation's LAs, schools and census records (deterministic)."

    def add_arguments(self, parser):
        england = synthetic.ENGLAND
        parser.add_argument("--las", type=int, default=england["las"])
        parser.add_argument("--schools", type=int, default=england["schools"])
        parser.add_argument("--pupils", type=int, default=england["pupils"], help="a year")
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--last-year", type=int, help="default: the last academic year")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies --schools and --pupils"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild every summary afterwards"
        )

    def handle(self, *args, **options):
        if options["scale"] <= 0:
            raise CommandError("--scale must be more than 0")
        schools = max(1, round(options["schools"] * options["scale"]))
        pupils = max(1, round(options["pupils"] * options["scale"]))
        started = time.monotonic()
        try:
            counts = synthetic.generate_nation(
                las=options["las"],
                schools=schools,
                pupils=pupils,
                years=options["years"],
                last_year=options["last_year"],
                seed=options["seed"],
                progress=lambda message: self.stdout.write(f"  {message}"),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            f"Generated {synthetic.NATION_NAME}: {counts['las']} LAs, {counts['schools']:,} "
            f"schools ({counts['primary']:,} primary, {counts['secondary']:,} secondary), "
            f"{counts['pupils_per_year']:,} pupils a year, {counts['census_records']:,} census "
            f"records for {counts['first_year']}–{counts['last_year']} in {seconds:.1f} s "
            f"({counts['census_records'] / max(seconds, 1e-9):,.0f} records a second)"
        )
        if options["rebuild"]:
            started = time.monotonic()
            rows = rollup.rebuild_all()
            self.stdout.write(
                f"Rebuilt the summaries: {rows:,} rows in {time.monotonic() - started:.1f} s"
            )
