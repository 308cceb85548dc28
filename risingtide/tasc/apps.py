from django.apps import AppConfig


class TascConfig(AppConfig):
    name = "risingtide.tasc"
    label = "tasc"

    def ready(self) -> None:
        from risingtide.tasc import access  # noqa: F401  (declares who may do what)
