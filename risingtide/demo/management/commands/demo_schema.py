import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand

from risingtide.demo import schema


class Command(BaseCommand):
    help = (
        "Write the demo's empty-database snapshot (risingtide/demo/data/schema.sqlite3.gz) "
        "from the migrations: run it after adding a migration."
    )

    def handle(self, *args, **options):
        with tempfile.TemporaryDirectory() as folder:
            # A process of its own: this one's settings point at another database.
            env = {**os.environ, "RISINGTIDE_DATA_DIR": folder, "RISINGTIDE_DATABASE_URL": ""}
            subprocess.run(
                [sys.executable, "-m", "risingtide.cli", "manage", "migrate", "--verbosity", "0"],
                env=env,
                check=True,
            )
            schema.write(Path(folder) / "risingtide.sqlite3")
        size = schema.SNAPSHOT.stat().st_size
        self.stdout.write(f"Wrote {schema.SNAPSHOT} ({size / 1024:.0f} KB)")
