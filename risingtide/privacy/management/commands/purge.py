from django.core.management.base import BaseCommand

from risingtide.privacy import retention


class Command(BaseCommand):
    help = "Remove what has been kept past its retention period (docs/privacy.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would go; change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            items = retention.due()
            for item in items:
                many = f" ({item.count})" if item.count != 1 else ""
                self.stdout.write(f"would remove {item.kind}: {item.what}{many}")
            total = sum(item.count for item in items)
            self.stdout.write(f"{total} would go (dry run: nothing changed)")
            return
        for kind, count in retention.purge().items():
            self.stdout.write(f"removed {count} × {kind}")
