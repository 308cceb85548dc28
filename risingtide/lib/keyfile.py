"""A secret made once and kept in a file, safe when several processes start at once.

``risingtide serve`` starts its web workers and its task worker together, and CI starts two
test runs in one checkout: each may find no key and make one. The file is written aside and
linked into place in one step, so a process reads either no file or a whole key, never an empty
one, and the first process to link wins: every other one reads and uses that key.
"""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

# The key files this process made (not found): a restore may replace one, since no data was
# ever signed with it, but never a key that was there before (backups/restoring.py).
MADE_HERE: set[Path] = set()


def kept_secret(path: Path) -> str:
    """The secret kept at ``path``, made now (readable by its owner only) if there is none."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        with contextlib.suppress(FileExistsError):  # another process linked its key first
            os.link(aside, path)
            MADE_HERE.add(path)
    finally:
        os.unlink(aside)
    return path.read_text().strip()
