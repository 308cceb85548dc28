from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files once ``collectstatic`` has run (``serve`` and ``demo``
    run it); plain names before that, so tests and ``manage`` commands need no build step."""

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # not collected: whitenoise serves it from the app folder
            return name
