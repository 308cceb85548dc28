"""Uploads in an S3-compatible bucket (``RISINGTIDE_S3_BUCKET``), for several app servers
without a shared file system (decision 29).

django-storages' S3 storage, which, like ``MediaStorage``, tells the innermost open
``files_undone_on_failure`` block about every object it writes, so a failed import takes its
objects back as it takes back its files. Kept out of ``lib.storage`` so a site on a directory
never imports boto3 (a quarter of a second at start).
"""

from storages.backends.s3 import S3Storage

from risingtide.lib.storage import _blocks


class S3MediaStorage(S3Storage):
    def _save(self, name, content):
        name = super()._save(name, content)
        blocks = _blocks.get()
        if blocks:
            blocks[-1].append((self, name, None))  # no folders in a bucket
        return name
