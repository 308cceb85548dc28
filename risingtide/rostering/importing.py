"""Running an import over a bundle file: open it, check or write it for a school or an LA.

One entry point for the background tasks, the command line and the bench, so that all three
run exactly the same code (``applying``); ``BundleRefused`` says why a bundle cannot be read.
"""

from risingtide.rostering.applying import Apply, Scope
from risingtide.rostering.bundle import open_bundle
from risingtide.rostering.outcome import Outcome


def run_bundle(
    path, owner, *, write: bool, import_id: int = 0, actor=None, progress=None, on_problem=None
) -> Outcome:
    """Check (``write=False``, always rolled back) or write (all or nothing) the bundle at
    ``path`` for ``owner``, a School or a LocalAuthority."""
    with open_bundle(path) as zf:
        run = Apply(
            zf, Scope.of(owner), import_id=import_id, write=write, actor=actor, progress=progress
        )
        run.outcome.listener = on_problem
        return run.run()
