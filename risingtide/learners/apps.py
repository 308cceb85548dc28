from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "risingtide.learners"
    label = "learners"
    verbose_name = "Learner profiles and guides"

    def ready(self) -> None:
        from risingtide.learners import access  # noqa: F401  (declares who may do what)
        from risingtide.learners.record_parts import profile_part
        from risingtide.register.events import record_parts

        record_parts.connect(profile_part)
