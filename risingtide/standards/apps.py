from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _load_shipped_frameworks(sender, using, **kwargs) -> None:
    # Reference data, like the starter library: the IQS, CQS and LAQS are there from the
    # first `migrate`, so a new install can start a self-evaluation at once. Idempotent.
    # Imported here, not at the top: no cycle, but Django imports apps.py before the app
    # registry is ready, and frameworks imports the models.
    from risingtide.standards.frameworks import ensure_shipped

    ensure_shipped()


class StandardsConfig(AppConfig):
    name = "risingtide.standards"
    verbose_name = "Quality standards"

    def ready(self) -> None:
        # Declares who may do what. Here, as Django asks: access imports the models, which
        # exist only once the app registry is ready (no cycle).
        from risingtide.standards import access  # noqa: F401

        post_migrate.connect(_load_shipped_frameworks, sender=self)
