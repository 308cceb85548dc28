from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_search_index(sender, using, **kwargs) -> None:
    # Schema upkeep, not business logic: Django rebuilds a SQLite table for many schema
    # changes, dropping the triggers that keep the search index in step (see library.search).
    from django.db import connections

    from risingtide.library import search

    search.install(connections[using])


class LibraryConfig(AppConfig):
    name = "risingtide.library"
    label = "library"

    def ready(self) -> None:
        from risingtide.library import access  # noqa: F401  (declares who may do what)

        post_migrate.connect(_keep_search_index, sender=self)
