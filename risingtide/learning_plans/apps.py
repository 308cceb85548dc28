from django.apps import AppConfig


class LearningPlansConfig(AppConfig):
    name = "risingtide.learning_plans"
    label = "learning_plans"
    verbose_name = "Personal learning plans"

    def ready(self) -> None:
        from risingtide.learning_plans import access  # noqa: F401  (declares who may do what)
        from risingtide.learning_plans.record_parts import plan_part
        from risingtide.register.events import record_parts

        record_parts.connect(plan_part)
