"""Where the platform keeps what a backup must hold, and where a restore puts it back.

One list, read from the settings, so the backup, the restore and their emptiness check never
disagree about what "the platform's data" is: the database, the uploaded files (``MEDIA_ROOT``
and the unpacked SCORM packages), and the key material (the generated secret key, the training
credentials' signing keys, the LTI tool's key). Collected static files and the backups folder
are not data: they are made again, or are the backups themselves.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

# Folders of files, by the name they have inside the archive (``files/<name>/…``).
FOLDERS = ("media", "scorm", "credential_keys", "lti_keys")


@dataclass(frozen=True)
class Places:
    """A database (a Django ``DATABASES`` entry) and the folders and key file beside it."""

    database: dict
    folders: dict[str, Path] = field(default_factory=dict)
    # The generated secret key's file; None when the key comes from RISINGTIDE_SECRET_KEY.
    secret_key_file: Path | None = None

    @property
    def engine(self) -> str:
        return "sqlite" if "sqlite" in self.database["ENGINE"] else "postgresql"

    @classmethod
    def from_settings(cls) -> "Places":
        credential_keys = Path(settings.CREDENTIAL_KEY_DIR)
        secret = getattr(settings, "SECRET_KEY_FILE", None)
        return cls(
            database=dict(settings.DATABASES["default"]),
            folders={
                "media": Path(settings.MEDIA_ROOT),
                "scorm": Path(settings.TRAINING_SCORM_DIR),
                "credential_keys": credential_keys,
                # Beside the credential keys (lti/keys.py).
                "lti_keys": credential_keys.parent / "lti_keys",
            },
            secret_key_file=Path(secret) if secret else None,
        )


def files_in(folder: Path) -> list[Path]:
    """Every regular file under ``folder``, sorted; none when it does not exist. Files a
    writer keeps aside while it writes (``.name.writing``, ``.tool.…``) are left out: they are
    not yet data."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and not path.name.startswith(".")
    )


class Refused(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""
