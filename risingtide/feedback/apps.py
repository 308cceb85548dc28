from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "risingtide.feedback"
    label = "feedback"

    def ready(self) -> None:
        from risingtide.feedback import (
            access,  # noqa: F401  (declares who may do what)
            hooks,
        )

        hooks.connect()  # feedback on the project, portfolio and progress pages
