from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "risingtide.opportunities"
    label = "opportunities"
    verbose_name = "Provision map and opportunities"

    def ready(self) -> None:
        from risingtide.opportunities import (  # noqa: F401  (each declares who may do what)
            access,
            access_entitlement,
            access_map,
            access_menu,
        )
        from risingtide.opportunities.record_parts import opportunities_part
        from risingtide.register.events import record_parts

        record_parts.connect(opportunities_part)
