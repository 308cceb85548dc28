from django.core.management.base import BaseCommand

from risingtide.privacy.docs import DOC, updated


class Command(BaseCommand):
    help = "Rewrite the generated table in docs/privacy.md from the personal_data declarations."

    def handle(self, *args, **options):
        DOC.write_text(updated(DOC.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"wrote {DOC}")
