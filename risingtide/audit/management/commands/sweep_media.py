"""Remove media files that no record points to: what a process killed in the middle of an
import or upload left behind (a failure that raises cleans up after itself; see
``lib.storage.files_undone_on_failure``)."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from risingtide.audit.models import record
from risingtide.lib.storage import orphaned_files


class Command(BaseCommand):
    help = "List, and with --delete remove, media files no record points to."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Leave younger files alone: they may belong to work still under way (24).",
        )
        parser.add_argument("--delete", action="store_true", help="Remove them (else list).")

    def handle(self, *args, **options):
        orphans = orphaned_files(default_storage, options["older_than_hours"] * 3600)
        for name in orphans:
            self.stdout.write(name)
        if options["delete"] and orphans:
            for name in orphans:
                default_storage.delete(name)
            record(None, "media.swept", None, files=len(orphans))
        verb = "Removed" if options["delete"] else "Found"
        self.stdout.write(f"{verb} {len(orphans)} file(s) that no record points to.")
