"""Import pupil data from the command line, as the web import does: check, then write.

    risingtide manage import_pupils FILE --school URN [--format ctf|csv|xlsx] [--dry-run]
    risingtide manage import_pupils FILE --la 801 --format csv   # an LA-wide file

Prints the preview (counts, and every error with row, field and reason), writes nothing with
``--dry-run`` or when the file has errors, and exits 1 when it has errors.
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from risingtide.audit.models import record
from risingtide.lib import jsondata
from risingtide.register import table_files
from risingtide.register.column_mapping import guess_mapping
from risingtide.register.import_batches import ColumnMapping
from risingtide.register.import_files import ImportRefused, Source, guess_format
from risingtide.register.importing import run_import
from risingtide.schools.models import LocalAuthority, School


class Command(BaseCommand):
    help = "Check and import a CTF, CSV or XLSX of pupil data into a school (or an LA's schools)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", help="the school's URN")
        where.add_argument("--la", help="an LA code: each row names its school by URN")
        parser.add_argument("--format", choices=["ctf", "csv", "xlsx"])
        parser.add_argument("--kind", choices=["pupils", "register"], default="pupils")
        parser.add_argument("--encoding", choices=["utf-8", "cp1252"], default="utf-8")
        parser.add_argument("--mapping", help="a JSON file: {field: column header}")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    def handle(self, *args, **options):
        school, schools = None, []
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has URN {options['school']}.")
        else:
            la = LocalAuthority.objects.filter(code=options["la"]).first()
            if la is None:
                raise CommandError(f"No local authority has code {options['la']}.")
            schools = list(la.schools.all())
        fmt = options["format"] or guess_format(options["file"])
        source = Source(
            path=options["file"],
            format=fmt,
            kind=options["kind"],
            encoding=options["encoding"],
            name=options["file"],
        )
        if fmt != "ctf":
            source.mapping = self._mapping(options, source, school)
        write = not options["dry_run"]
        errors_seen = []

        def on_error(error) -> None:
            errors_seen.append(1)
            self.stdout.write(
                f"  row {error.row}{f' ({error.upn})' if error.upn else ''}, "
                f"{error.field}: {error.reason}"
            )

        self.stdout.write(f"Checking {options['file']} ({fmt})…")
        started = time.perf_counter()
        try:
            # One pass: a write rolls back whole if any row is wrong.
            outcome = run_import(
                source,
                school=school,
                schools=schools,
                write=write,
                on_error=on_error,
                source_label=f"command-line import of {options['file']}"[:120],
            )
        except ImportRefused as refused:
            raise CommandError(f"The file cannot be imported: {refused}") from None
        seconds = time.perf_counter() - started
        facts = outcome.facts
        if facts.get("version"):
            self.stdout.write(f"CTF version {facts['version']} from {facts.get('source') or '?'}")
        self.stdout.write(
            f"{outcome.creates} new, {outcome.updates} updated, {outcome.unchanged} unchanged, "
            f"{outcome.error_count} error{'s' if outcome.error_count != 1 else ''} "
            f"({seconds:.1f} s)"
        )
        if outcome.error_count:
            self.stdout.write("Nothing was written: correct the errors and run it again.")
            sys.exit(1)
        if not write:
            self.stdout.write("Dry run: nothing was written.")
            return
        record(
            None,
            "import.command_line",
            school=school,
            file=options["file"],
            creates=outcome.creates,
            updates=outcome.updates,
        )
        self.stdout.write("Imported.")

    def _mapping(self, options, source: Source, school) -> dict:
        if options["mapping"]:
            try:
                with open(options["mapping"], "rb") as handle:
                    mapping = jsondata.loads(handle.read(), what="The mapping file")
            except jsondata.JsonRefused as refused:
                raise CommandError(str(refused)) from None
            except OSError as exc:
                raise CommandError(f"The mapping file cannot be read: {exc}") from None
            if not isinstance(mapping, dict):
                raise CommandError("The mapping file is a JSON object: {field: column header}.")
            return mapping
        try:
            headers = table_files.headers(source.path, source.format, encoding=source.encoding)
        except table_files.TableRefused as refused:
            raise CommandError(f"The file cannot be imported: {refused}") from None
        saved = (
            ColumnMapping.objects.filter(school=school, kind=source.kind).first()
            if school
            else None
        )
        mapping = {k: v for k, v in (saved.mapping if saved else {}).items() if v in headers}
        return mapping or guess_mapping(headers, kind=source.kind)
