from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "risingtide.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self) -> None:
        from risingtide.lti import access  # noqa: F401  (declares who may do what)
        from risingtide.lti.grades import on_stage_progress
        from risingtide.portfolios import events

        events.stage_progress.connect(on_stage_progress)
