"""A SCORM package, uploaded as a ZIP: checked whole before anything is written, then unpacked
into a folder of its own in private storage and published as a new version of a module.

The checks read only the ZIP's own directory before any file is unpacked: the upload's size,
how many entries, each entry's name (no absolute path, drive letter, backslash or ``..``: no
zip-slip), how deep its folders go, its type (no symlinks or devices), its size and how far it
claims to expand (no bomb), the total; then the manifest (``manifest``). Unpacking counts the
bytes it really gets, so a ZIP whose directory lies is refused too. A refusal says why and
leaves nothing behind: no file (``files_undone_on_failure``) and no row (one transaction).
"""

import hashlib
import posixpath
import re
import shutil
import stat
import tempfile
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from risingtide.access.core import can
from risingtide.lib.storage import MediaStorage, files_undone_on_failure
from risingtide.people.models import User
from risingtide.training.models import Module, ModuleVersion, Programme, ScormPackage
from risingtide.training.scorm import manifest

MAX_DEPTH = 20  # folders within folders; real packages use a handful
MAX_NAME = 400  # characters in one entry's path
MAX_RATIO = 100  # how many times larger an entry may claim to expand than it is packed
RATIO_FROM = 1024 * 1024  # small files compress well and harmlessly: judged above this size
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1024 * 1024


def storage() -> MediaStorage:
    """Private: outside MEDIA_ROOT, served only through the player (``player.serve_file``)."""
    return MediaStorage(location=settings.TRAINING_SCORM_DIR)


@dataclass(frozen=True)
class CheckedPackage:
    manifest: manifest.Manifest
    files: list[zipfile.ZipInfo]
    unpacked_bytes: int
    sha256: str


def _shown(name: str) -> str:
    return repr(name if len(name) <= 80 else name[:77] + "…")


def _refuse(why: str, code: str):
    raise ValidationError(why, code=code)


def _check_name(name: str) -> list[str]:
    """The entry's path as parts, or a refusal: the path must stay inside the package."""
    if "\\" in name:
        _refuse(f"{_shown(name)} in the ZIP has a backslash in its path.", "path")
    if name.startswith("/") or _DRIVE.match(name):
        _refuse(f"{_shown(name)} in the ZIP has an absolute path.", "path")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        _refuse("A file in the ZIP has a control character in its name.", "path")
    parts = name.rstrip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        _refuse(f"{_shown(name)} in the ZIP has a path that leaves its folder.", "path")
    if len(parts) > MAX_DEPTH:
        _refuse(f"The ZIP's folders are nested more than {MAX_DEPTH} deep.", "depth")
    if len(name) > MAX_NAME:
        _refuse(f"A file in the ZIP has a path longer than {MAX_NAME} characters.", "path")
    return parts


def _kind(entry: zipfile.ZipInfo) -> str:
    """file, folder, or what else a Unix ZIP can hold (a symlink, a device)."""
    mode = entry.external_attr >> 16
    if entry.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "symlink" if stat.S_ISLNK(mode) else "special"
    return "folder" if entry.is_dir() else "file"


def check(upload) -> CheckedPackage:
    """The package in ``upload`` (a file object), checked, or a ``ValidationError`` with the
    reason and a ``code``. Nothing is unpacked or written."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        _refuse(
            f"The ZIP is over the upload limit of {settings.UPLOAD_MAX_BYTES // 2**20} MB.", "size"
        )
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        _refuse("This is not a ZIP file: a SCORM package is a .zip.", "not_zip")
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: upload.read(_CHUNK), b""):
        digest.update(chunk)
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
        checked = _check_entries(entries)
        found = {e.filename: e for e in checked[0]}
        entry = found.get("imsmanifest.xml")
        if entry is None:
            _refuse(
                "The ZIP has no imsmanifest.xml at its top: it is not a SCORM package.",
                "no_manifest",
            )
        if entry.file_size > manifest.MAX_MANIFEST_BYTES:
            _refuse("imsmanifest.xml is too large (at most 2 MB).", "manifest_too_large")
        read = manifest.parse(archive.read(entry))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError,
            zlib.error, EOFError, OSError):  # fmt: skip
        _refuse("This ZIP file is damaged or uses a kind of packing we cannot read.", "damaged")
    if read.launch not in found:
        _refuse(
            f"The launch file {read.launch!r} named in imsmanifest.xml is not in the ZIP.",
            "no_launch",
        )
    files, total = checked
    return CheckedPackage(read, files, total, digest.hexdigest())


def _check_entries(entries: list[zipfile.ZipInfo]) -> tuple[list[zipfile.ZipInfo], int]:
    if len(entries) > settings.TRAINING_SCORM_MAX_FILES:
        _refuse(f"The ZIP holds more than {settings.TRAINING_SCORM_MAX_FILES:,} files.", "count")
    files, seen, total = [], set(), 0
    for entry in entries:
        _check_name(entry.filename)
        kind = _kind(entry)
        if kind in ("symlink", "special"):
            _refuse(
                f"{_shown(entry.filename)} in the ZIP is a "
                f"{'symbolic link' if kind == 'symlink' else 'special file'}.",
                kind,
            )
        if entry.flag_bits & 0x1:
            _refuse(
                "The ZIP is encrypted: export the package again without a password.", "encrypted"
            )
        # Two names one letter-case apart would be one file on some disks.
        key = entry.filename.rstrip("/").casefold()
        if key in seen:
            _refuse(f"{_shown(entry.filename)} is in the ZIP twice.", "duplicate")
        seen.add(key)
        if kind == "folder":
            continue
        if entry.file_size > settings.TRAINING_SCORM_MAX_FILE_BYTES:
            limit = settings.TRAINING_SCORM_MAX_FILE_BYTES // 2**20
            _refuse(f"{_shown(entry.filename)} unpacks to more than {limit} MB.", "entry_size")
        if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(
            entry.compress_size, 1
        ):
            _refuse(
                f"{_shown(entry.filename)} claims to expand over {MAX_RATIO} times its packed "
                "size: a ZIP bomb, or not a real package.",
                "bomb",
            )
        total += entry.file_size
        if total > settings.TRAINING_SCORM_MAX_UNPACKED_BYTES:
            limit = settings.TRAINING_SCORM_MAX_UNPACKED_BYTES // 2**20
            _refuse(f"The ZIP unpacks to more than {limit} MB.", "total_size")
        files.append(entry)
    return files, total


def _unpack(upload, checked: CheckedPackage, folder: str) -> None:
    """Every file into ``folder``, each read no further than its size in the ZIP's directory
    (a directory that lies about sizes fails here, and the caller takes back what was written)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _unpack_files(archive, checked, folder)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError):
        _refuse("This ZIP file is damaged or uses a kind of packing we cannot read.", "damaged")


def _unpack_files(archive: zipfile.ZipFile, checked: CheckedPackage, folder: str) -> None:
    store = storage()
    for entry in checked.files:
        with archive.open(entry) as stream, tempfile.TemporaryFile() as spool:
            got = 0
            while chunk := stream.read(_CHUNK):
                got += len(chunk)
                if got > entry.file_size:
                    _refuse(f"{_shown(entry.filename)} is larger than the ZIP says.", "bomb")
                spool.write(chunk)
            spool.seek(0)
            store.save(posixpath.join(folder, entry.filename), File(spool))


def publish_package(
    actor: User, programme: Programme, upload, module: Module | None = None, *, core: bool = True
) -> ModuleVersion:
    """Check the package, unpack it and publish it as the next version of ``module`` (learners
    who started an earlier version finish that one), or as the first version of a new module
    of ``programme`` named after the package. All or nothing: a refusal leaves no module, no
    version, no package row and no file."""
    if not can(actor, "programme.author", programme):
        raise PermissionDenied
    if module is not None and module.programme_id != programme.pk:
        raise ValidationError("That module is not part of this programme.")
    checked = check(upload)
    read = checked.manifest
    folder = uuid.uuid4().hex
    with files_undone_on_failure(), transaction.atomic():
        if module is None:
            last = programme.modules.aggregate(n=Max("position"))["n"] or 0
            title = read.title or "SCORM module"
            module = Module.objects.create(
                programme=programme, title=title, core=core, position=last + 1
            )
        Module.objects.select_for_update().filter(pk=module.pk).first()
        _unpack(upload, checked, folder)
        package = ScormPackage.objects.create(
            module=module,
            standard=read.standard,
            title=read.title or module.title,
            identifier=read.identifier,
            folder=folder,
            launch=read.launch + read.parameters,
            file_count=len(checked.files),
            unpacked_bytes=checked.unpacked_bytes,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        number = (module.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        return ModuleVersion.objects.create(
            module=module,
            number=number,
            content={"kind": "scorm", "package": package.pk, "standard": read.standard},
            published_at=timezone.now(),
            published_by=actor,
        )


def orphaned_folders(older_than_seconds: float) -> list[Path]:
    """Package folders no ``ScormPackage`` names, last changed more than ``older_than_seconds``
    ago (a younger one may belong to an upload still in its transaction)."""
    root = Path(settings.TRAINING_SCORM_DIR)
    if not root.exists():
        return []
    cutoff = time.time() - older_than_seconds
    named = set(ScormPackage.objects.values_list("folder", flat=True))
    return sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and path.name not in named and path.stat().st_mtime < cutoff
    )


def remove_folder(path: Path) -> None:
    """Remove an orphaned folder, never following a link out of the packages' root."""
    root = Path(settings.TRAINING_SCORM_DIR).resolve()
    if path.is_symlink() or root not in path.resolve().parents:
        raise ValueError(f"{path} is not a package folder.")
    shutil.rmtree(path)
