import time

from django.core.management.base import BaseCommand, CommandError

from risingtide.demo import world


class Command(BaseCommand):
    help = "Generate a fictional world of any size for benchmarks (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--las", type=int, default=2)
        parser.add_argument(
            "--schools", type=int, default=6, help="schools in all, shared across LAs"
        )
        parser.add_argument("--pupils-per-school", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, las, schools, pupils_per_school, seed, **options):
        if las < 1 or schools < 1 or pupils_per_school < 1:
            raise CommandError("--las, --schools and --pupils-per-school must each be at least 1")
        if world.is_loaded():
            raise CommandError("This database already holds a world; generate into an empty one.")
        if schools > 2000 * las:
            raise CommandError("At most 2000 schools per LA (four-digit establishment numbers)")
        if las > 899:
            raise CommandError(
                "--las is at most 899 (generated LA codes are three digits from 100)"
            )
        started = time.monotonic()
        nation = world.generate(las, schools, pupils_per_school, seed)
        self.stdout.write(
            f"Generated {nation.name}: {las} LAs, {schools} schools, "
            f"{schools * pupils_per_school} pupils in {time.monotonic() - started:.1f} s"
        )
