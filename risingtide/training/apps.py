from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "risingtide.training"
    label = "training"
    verbose_name = "Leading-teacher training"

    def ready(self) -> None:
        from risingtide.training import (
            access,  # noqa: F401  (declares who may do what)
            access_authoring,  # noqa: F401
            access_coverage,  # noqa: F401  (coverage pages)
            access_credentials,  # noqa: F401
            access_sessions,  # noqa: F401  (who may schedule and attend sessions)
            library_shelf,  # noqa: F401  (shared modules shown in the library)
            sessions_rule,  # noqa: F401  (the half-days completion rule)
        )
