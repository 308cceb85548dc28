from django.apps import AppConfig


class FamiliesConfig(AppConfig):
    name = "risingtide.families"
    label = "families"
    verbose_name = "Families"

    def ready(self) -> None:
        from risingtide.families import access  # noqa: F401  (declares who may do what)
        from risingtide.families.record_parts import family_part
        from risingtide.register.events import record_parts

        record_parts.connect(family_part)

        from risingtide.families.services import carer_saw_elsewhere
        from risingtide.people.events import carer_saw

        carer_saw.connect(carer_saw_elsewhere)
