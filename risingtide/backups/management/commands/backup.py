"""``risingtide manage backup [--to DIR]``: one dated archive of the database, the uploaded
files and the key material (docs/backup.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from risingtide.backups.archive import SECRET_KEY, make_backup
from risingtide.backups.places import Places, Refused


class Command(BaseCommand):
    help = "Write a consistent online backup (database, uploaded files, keys) into one archive."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", type=Path, default=None, help="folder for the archive (RISINGTIDE_BACKUP_DIR)"
        )

    def handle(self, *args, to=None, **options):
        places = Places.from_settings()
        try:
            made = make_backup(places, to or Path(settings.BACKUP_DIR))
        except Refused as exc:
            raise CommandError(f"No backup was made: {exc}") from exc
        manifest = made.manifest
        tables = manifest["database"]["tables"]
        files = manifest["files"]
        self.stdout.write(
            f"Backed up the {places.engine} database ({len(tables)} tables, "
            f"{sum(tables.values()):,} rows, {len(manifest['migrations'])} migrations applied), "
            f"{len(files) - 1} files and keys ({sum(f['bytes'] for f in files):,} bytes) "
            f"into {made.path} in {made.seconds:.1f} s."
        )
        if manifest["secret_key"] != SECRET_KEY:
            self.stdout.write(
                "The secret key comes from RISINGTIDE_SECRET_KEY and is not in the archive: "
                "keep it safely beside the archive."
            )
