"""Where files live: the media storage, which can take back what a failed piece of work wrote,
and the static storage.

A database transaction undoes its rows when it fails, but a file written inside it stays on
disk with nothing pointing to it (an import that failed half-way once left 105 MB behind).
``files_undone_on_failure()`` closes that gap: every file the media storage writes inside the
block is deleted again if the block ends with an exception, and so are the folders the block
made for them. Put it outside ``transaction.atomic()`` so a failed commit counts as failure.
A process killed outright can still leave files behind: ``risingtide manage sweep_media``
finds and removes those.
"""

import os
import shutil
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The open blocks, innermost last; each holds (storage, name, first folder it made) per file.
_blocks: ContextVar[tuple[list, ...]] = ContextVar("files_written", default=())


class MediaStorage(FileSystemStorage):
    """Django's file-system storage that tells the innermost open ``files_undone_on_failure``
    block about every file it writes."""

    def _save(self, name, content):
        blocks = _blocks.get()
        made = self._first_missing_folder(name) if blocks else None
        name = super()._save(name, content)
        if blocks:
            blocks[-1].append((self, name, made))
        return name

    def _first_missing_folder(self, name: str) -> Path | None:
        root = Path(self.location).resolve()
        folder = Path(self.path(name)).parent
        missing = None
        while folder != root and root in folder.parents and not folder.exists():
            missing, folder = folder, folder.parent
        return missing


@contextmanager
def local_copy(stored, suffix: str = ""):
    """A path on this machine to read a stored file from (readers such as lxml, openpyxl and
    zipfile want one): the file itself where the media storage is a directory, else a
    temporary copy of the object (an S3 bucket, decision 29), deleted when the block ends."""
    try:
        path = stored.path
    except NotImplementedError:  # a storage with no local files
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        with stored.storage.open(stored.name, "rb") as source:
            shutil.copyfileobj(source, copy, 1 << 20)
        copy.flush()
        yield copy.name


@contextmanager
def files_undone_on_failure():
    """Delete every file written to the media storage inside this block if the block raises
    (any exception, including an interrupt). Blocks nest: an inner block that succeeds hands
    its files to the outer one, which still takes them back if it fails."""
    written: list = []
    outer = _blocks.get()
    token = _blocks.set((*outer, written))
    try:
        yield
    except BaseException:
        _undo(written)
        raise
    finally:
        _blocks.reset(token)
    if outer:
        outer[-1].extend(written)


def _undo(written: list) -> None:
    for storage, name, made in reversed(written):
        storage.delete(name)
        if made is None:
            continue
        # Remove the folders this block made, from the file's own up to the first it made,
        # as long as they are empty (another request may have put a file there since).
        folder = Path(storage.path(name)).parent
        while True:
            try:
                folder.rmdir()
            except OSError:
                break
            if folder == made:
                break
            folder = folder.parent


def referenced_names() -> set[str]:
    """Every file name a ``FileField`` of any model points to."""
    from django.apps import apps
    from django.db import models

    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and not field.many_to_many:
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                    .iterator()
                )
    return names


def orphaned_files(storage: FileSystemStorage, older_than_seconds: float) -> list[str]:
    """Files in ``storage`` that no row points to and that were last written more than
    ``older_than_seconds`` ago (younger ones may belong to a transaction still open)."""
    import time

    root = Path(storage.location)
    if not root.exists():
        return []
    cutoff = time.time() - older_than_seconds
    kept = referenced_names()
    orphans = []
    for folder, _dirs, files in os.walk(root):
        for filename in files:
            path = Path(folder) / filename
            name = path.relative_to(root).as_posix()
            if name not in kept and path.stat().st_mtime < cutoff:
                orphans.append(name)
    return sorted(orphans)


URLS_REMEMBERED = 1000  # the names templates and code ask for: a few dozen


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files once ``collectstatic`` has run (``serve`` and ``demo``
    run it); plain names before that, so tests and ``manage`` commands need no build step.
    With ``STATIC_COMPRESS`` off (the demo) the files are hashed but not compressed: hashing
    takes a second, compressing a minute."""

    manifest_strict = False

    def post_process(self, *args, **kwargs):
        if settings.STATIC_COMPRESS:
            yield from super().post_process(*args, **kwargs)
        else:
            yield from ManifestStaticFilesStorage.post_process(self, *args, **kwargs)

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: whitenoise serves it from the app folder
            return name

    def url(self, name, force=False):
        """Django's, remembered per name for as long as the manifest is the same one (it is
        read once per process): working each address out again (the manifest, ``urljoin``,
        quoting) for the layout's five ``{% static %}`` was a tenth of a light page's CPU."""
        memo = self.__dict__.get("_urls")
        if memo is None or memo[0] is not self.hashed_files:
            memo = self._urls = (self.hashed_files, {})
        key = (name, force, settings.DEBUG)
        found = memo[1].get(key)
        if found is None:
            found = super().url(name, force)
            if len(memo[1]) < URLS_REMEMBERED:
                memo[1][key] = found
        return found
