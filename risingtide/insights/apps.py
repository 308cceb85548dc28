from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "risingtide.insights"
    label = "insights"
    verbose_name = "Register insights"

    def ready(self) -> None:
        from risingtide.insights import access  # noqa: F401  (declares who may do what)
        from risingtide.insights.rollup import school_data_changed
        from risingtide.register.events import pupil_data_changed

        # A register change moves the school's, its LA's and the nation's figures at once.
        pupil_data_changed.connect(school_data_changed)
