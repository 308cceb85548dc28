"""Remove unpacked SCORM package folders that no package row names: what a process killed in
the middle of an upload left behind (a refusal or a failure that raises takes back its own
files; see ``training.scorm.packages``). ``sweep_media`` does the same for media files."""

from django.core.management.base import BaseCommand

from risingtide.audit.models import record
from risingtide.training.scorm import packages


class Command(BaseCommand):
    help = "List, and with --delete remove, unpacked SCORM folders no package names."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=24,
            help="Leave younger folders alone: they may belong to an upload under way (24).",
        )
        parser.add_argument("--delete", action="store_true", help="Remove them (else list).")

    def handle(self, *args, **options):
        orphans = packages.orphaned_folders(options["older_than_hours"] * 3600)
        for path in orphans:
            self.stdout.write(path.name)
        if options["delete"] and orphans:
            for path in orphans:
                packages.remove_folder(path)
            record(None, "scorm.swept", None, folders=len(orphans))
        verb = "Removed" if options["delete"] else "Found"
        self.stdout.write(f"{verb} {len(orphans)} folder(s) that no package names.")
