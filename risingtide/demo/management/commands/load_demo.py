from django.core.management.base import BaseCommand, CommandError

from risingtide.demo import world


class Command(BaseCommand):
    help = "Load the demo world (2 LAs, 6 schools, ~40 staff, ~600 pupils) into an empty database."

    def handle(self, *args, **options):
        if world.is_loaded():
            raise CommandError(
                "This database already holds a world; the demo loads into an empty one."
            )
        world.load_demo()
        self.stdout.write(world.sign_in_text("http://127.0.0.1:8000/"))
