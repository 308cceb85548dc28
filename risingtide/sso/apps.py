from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "risingtide.sso"
    label = "sso"
    verbose_name = "Single sign-on"

    def ready(self) -> None:
        from risingtide.sso import access  # noqa: F401  (declares who may do what)
