from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_search_index(sender, using, **kwargs) -> None:
    # Schema upkeep, not business logic: Django rebuilds a SQLite table for many schema
    # changes, dropping the triggers that keep the search index in step (see provision.search).
    from django.db import connections

    from risingtide.provision import search

    search.install(connections[using])


class ProvisionConfig(AppConfig):
    name = "risingtide.provision"
    label = "provision"
    verbose_name = "Provision marketplace"

    def ready(self) -> None:
        from risingtide.credits.events import provider_contacts
        from risingtide.provision import (
            access,  # noqa: F401  (declares who may do what)
            credits_hooks,
            plan_hooks,
        )
        from risingtide.standards.events import credits_spent

        provider_contacts.connect(credits_hooks.provider_contacts)
        credits_spent.connect(plan_hooks.credits_spent)
        post_migrate.connect(_keep_search_index, sender=self)
