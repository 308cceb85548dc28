from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "risingtide.security"
    label = "security"
    verbose_name = "Security overview"

    def ready(self) -> None:
        from risingtide.security import (
            access,  # noqa: F401  (declares who may see it)
            parts,  # noqa: F401  (the overview's own parts)
        )
