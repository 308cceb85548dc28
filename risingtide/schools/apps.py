from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "risingtide.schools"
    label = "schools"

    def ready(self) -> None:
        from risingtide.schools import access  # noqa: F401  (declares who may do what)
