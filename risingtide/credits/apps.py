from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "risingtide.credits"
    label = "credits"
    verbose_name = "E-credits"

    def ready(self) -> None:
        from risingtide.credits import access  # noqa: F401  (declares who may do what)
