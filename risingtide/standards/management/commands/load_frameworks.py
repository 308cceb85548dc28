"""Load quality-standards frameworks from framework files (standards/frameworks.py).

    risingtide manage load_frameworks                  # the shipped frameworks not yet loaded
    risingtide manage load_frameworks iqs-2014.yaml …  # new versions from files

Files are all checked before any is loaded, and loaded together: if one has a problem, every
problem is printed (``file: line N: …``) and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from risingtide.standards.framework_files import MAX_BYTES
from risingtide.standards.frameworks import FrameworkFileError, ensure_shipped, load, parse


class Command(BaseCommand):
    help = "Load framework files (YAML or JSON); with none, the frameworks Rising Tide ships."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE")

    def handle(self, *args, files: list[str], **options):
        if not files:
            loaded = ensure_shipped()
            for version in loaded:
                self.stdout.write(f"Loaded {_summary(version)}")
            if not loaded:
                self.stdout.write("The shipped frameworks are all loaded already.")
            return
        specs, failed = [], False
        for name in files:
            try:
                with Path(name).open("rb") as handle:
                    # One byte past the limit is enough for parse to refuse a huge file.
                    specs.append(parse(handle.read(MAX_BYTES + 1), name))
            except OSError as exc:
                self.stderr.write(f"{name}: cannot read it: {exc.strerror}")
                failed = True
            except FrameworkFileError as exc:
                self._problems(name, exc)
                failed = True
        if failed:
            raise CommandError("Nothing loaded: fix the problems above.")
        done = []
        try:
            with transaction.atomic():
                for name, spec in zip(files, specs, strict=True):
                    try:
                        done.append(load(spec))
                    except FrameworkFileError as exc:
                        self._problems(name, exc)
                        raise
        except FrameworkFileError:
            raise CommandError("Nothing loaded: fix the problems above.") from None
        for version in done:  # only once committed
            self.stdout.write(f"Loaded {_summary(version)}")

    def _problems(self, name: str, error: FrameworkFileError) -> None:
        for problem in error.problems:
            self.stderr.write(f"{name}: {problem}")


def _summary(version) -> str:
    themes, elements = version.themes.count(), version.elements.count()
    return (
        f"{version.framework.name} ({version.label}): {themes} theme{'s' * (themes != 1)}, "
        f"{elements} element{'s' * (elements != 1)}"
    )
