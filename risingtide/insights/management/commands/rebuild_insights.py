"""Rebuild the register insights' summaries from the census records (the recovery path):

    risingtide manage rebuild_insights [--year 2025 ...]

Without ``--year`` every summary is rebuilt; with it, only those academic years'.
"""

import time

from django.core.management.base import BaseCommand

from risingtide.insights import rollup


class Command(BaseCommand):
    help = "Rebuild every summary (or those of some academic years) from the census records."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="an academic year by its first calendar year (2025 is 2025/26); repeatable",
        )

    def handle(self, *args, years=None, **options):
        started = time.monotonic()
        rows = rollup.rebuild_all(years or None)
        which = ", ".join(map(str, sorted(set(years)))) if years else "all years"
        self.stdout.write(
            f"Rebuilt the summaries ({which}): {rows:,} summary rows in "
            f"{time.monotonic() - started:.1f} s"
        )
