from django.apps import AppConfig


class TwofactorConfig(AppConfig):
    name = "risingtide.twofactor"
    label = "twofactor"
    verbose_name = "Two-factor sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from risingtide.access.core import fresh_check
        from risingtide.twofactor import access  # noqa: F401  (declares who may do what)
        from risingtide.twofactor.freshness import fresh_or_confirm, on_sign_in

        # The access engine asks here before any capability declared fresh=True.
        fresh_check.connect(fresh_or_confirm)
        user_logged_in.connect(on_sign_in, dispatch_uid="twofactor.on_sign_in")
