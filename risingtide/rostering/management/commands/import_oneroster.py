"""Import a OneRoster 1.2 CSV bundle from the command line, as the web import does.

    risingtide manage import_oneroster ZIP --school URN [--dry-run]
    risingtide manage import_oneroster ZIP --la CODE [--dry-run]

Prints every problem as ``file, line N, field: reason`` as it is found, then the counts; writes
nothing with ``--dry-run`` or when the bundle has problems, and exits 1 when it has any.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from risingtide.audit.models import record
from risingtide.rostering.bundle import BundleRefused
from risingtide.rostering.importing import run_bundle
from risingtide.schools.models import LocalAuthority, School


class Command(BaseCommand):
    help = "Check and import a OneRoster 1.2 CSV bundle into a school (or an LA's schools)."

    def add_arguments(self, parser):
        parser.add_argument("zip")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", help="the school's URN")
        where.add_argument("--la", help="an LA code: the bundle's orgs name its schools")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, **options):
        if options["school"]:
            owner = School.objects.filter(urn=options["school"]).first()
            if owner is None:
                raise CommandError(f"No school has URN {options['school']}.")
        else:
            owner = LocalAuthority.objects.filter(code=options["la"]).first()
            if owner is None:
                raise CommandError(f"No local authority has code {options['la']}.")
        write = not options["dry_run"]
        self.stdout.write(f"Checking {options['zip']} for {owner}…")
        started = time.perf_counter()
        try:
            outcome = run_bundle(
                options["zip"],
                owner,
                write=write,
                import_id=int(time.time()),  # a mark only this run leaves on what it sees
                on_problem=lambda problem: self.stdout.write(f"  {problem}"),
            )
        except BundleRefused as refused:
            self.stdout.write(f"  {refused}")
            self.stdout.write("Refused: nothing was written.")
            sys.exit(1)
        for kind, counts in outcome.counts.items():
            self.stdout.write(
                f"{kind}: {counts['created']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['ended']} ended"
            )
        for skipped in outcome.skipped:
            self.stdout.write(
                f"  passed over: {skipped['file']}, line {skipped['line']}: {skipped['reason']}"
            )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{outcome.users} users, {outcome.rows} rows, {outcome.error_count} errors "
            f"in {seconds:.1f}s"
        )
        if outcome.error_count:
            self.stdout.write("Nothing was written.")
            sys.exit(1)
        if not write:
            self.stdout.write("Dry run: nothing was written.")
            return
        record(
            None,
            "roster.imported",
            owner,
            school=owner if isinstance(owner, School) else None,
            source=f"command-line import of {options['zip']}"[:120],
            counts=outcome.counts,
        )
        self.stdout.write("Imported.")
