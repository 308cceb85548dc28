from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "risingtide.people"
    label = "people"

    def ready(self) -> None:
        from risingtide.people import (
            access,  # noqa: F401  (declares who may do what)
            signals,
        )

        signals.connect()  # a changed membership or place moves its people's access version
