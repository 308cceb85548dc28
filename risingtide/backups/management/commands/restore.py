"""``risingtide manage restore ARCHIVE``: a checked backup into an empty data directory and an
empty database (docs/backup.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from risingtide.backups.archive import SECRET_KEY
from risingtide.backups.places import Places, Refused
from risingtide.backups.restoring import restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty data directory and an empty database."
    # The checks would open the database before we know it is ours to fill.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive, **options):
        places = Places.from_settings()
        try:
            done = restore(archive, places)
        except Refused as exc:
            raise CommandError(f"Restore stopped: {exc}") from exc
        manifest = done.manifest
        self.stdout.write(
            f"Restored {archive.name} (made {manifest['created_at']}): every checksum "
            f"verified; the {manifest['database']['engine']} database ({done.tables} tables, "
            f"{done.rows:,} rows, each table's count as in the backup) and {done.files} files "
            f"and keys, in {done.seconds:.1f} s."
        )
        if manifest["secret_key"] != SECRET_KEY:
            self.stdout.write(
                "The backup's secret key was not in the archive: set RISINGTIDE_SECRET_KEY to "
                "the value the site had."
            )
        elif places.secret_key_file is None:
            self.stdout.write(
                "The archive's secret key was not written: this site's key comes from "
                "RISINGTIDE_SECRET_KEY. Set it to the backup's key (keys/secret_key in the "
                "archive) so that signed links and passwords' reset tokens still verify."
            )
        self.stdout.write("Then run `risingtide manage migrate` if this release is newer.")
