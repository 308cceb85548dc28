from django.core.management.base import BaseCommand

from risingtide.access.docs import render


class Command(BaseCommand):
    help = "Print docs/access.md, generated from the access declaration and the routes."

    def handle(self, *args, **options):
        self.stdout.write(render(), ending="")
