from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "risingtide.portfolios"
    label = "portfolios"

    def ready(self) -> None:
        from risingtide.portfolios import (
            access,  # noqa: F401  (declares who may do what)
            checks,  # noqa: F401  (registers the deploy check)
        )
        from risingtide.portfolios.groups import end_memberships_not_set
        from risingtide.tasc.events import assignment_removed

        # Pupils taken off a group project leave their groups.
        assignment_removed.connect(end_memberships_not_set)
