from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "risingtide.register"
    label = "register"
    verbose_name = "G&T register"

    def ready(self) -> None:
        from risingtide.register import access  # noqa: F401  (declares who may do what)
