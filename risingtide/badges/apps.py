from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "risingtide.badges"
    label = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        from risingtide.badges import (
            access,  # noqa: F401  (declares who may do what)
            hooks,
        )

        hooks.connect()  # award controls on the grid and portfolios; badges on the record
