from django.apps import AppConfig


class RosteringConfig(AppConfig):
    name = "risingtide.rostering"
    label = "rostering"
    verbose_name = "Rostering (OneRoster)"

    def ready(self) -> None:
        from risingtide.rostering import access  # noqa: F401  (declares who may do what)
