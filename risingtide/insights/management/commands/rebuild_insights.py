"""Rebuild the register insights' summaries from the census records (the recovery path):

    risingtide manage rebuild_insights [--year 2025 ...] [--recensus] [--masks-only]

Without ``--year`` every summary is rebuilt; with it, only those academic years'. The census
records of past years are snapshots of census day and are kept; ``--recensus`` first takes
this year's census again from the pupil records of every school that has them.
``--masks-only`` works out the disclosure masks again and nothing else (needed after
``RISINGTIDE_SUPPRESSION_THRESHOLD`` changes: until then figures outside their school show
as "c").
"""

import time

from django.core.management.base import BaseCommand

from risingtide.insights import rollup
from risingtide.register.models import Pupil, academic_year


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
        parser.add_argument(
            "--recensus", action="store_true", help="take this year's census again first"
        )
        parser.add_argument(
            "--masks-only", action="store_true", help="only work the disclosure masks out"
        )

    def handle(self, *args, years=None, recensus=False, masks_only=False, **options):
        started = time.monotonic()
        which = ", ".join(map(str, sorted(set(years)))) if years else "all years"
        if masks_only:
            hides = rollup.rebuild_masks(years or None)
            self.stdout.write(
                f"Worked out the masks ({which}): {hides:,} figures hidden to protect others, "
                f"in {time.monotonic() - started:.1f} s"
            )
            return
        if recensus:
            schools = Pupil.objects.values_list("school_id", flat=True).distinct()
            taken = rollup.take_census(list(schools), academic_year())
            self.stdout.write(f"Took this year's census again: {taken:,} pupils")
        rows = rollup.rebuild_all(years or None)
        self.stdout.write(
            f"Rebuilt the summaries ({which}): {rows:,} summary rows in "
            f"{time.monotonic() - started:.1f} s"
        )
