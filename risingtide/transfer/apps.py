from django.apps import AppConfig


class TransferConfig(AppConfig):
    """A portfolio leaving one school as a ZIP (an offline site, a PDF, JSON) and coming in at
    another: it carries the pupil's work and the feedback on it, so it sits above both."""

    name = "risingtide.transfer"
    label = "transfer"
    verbose_name = "Portfolio transfer"

    def ready(self) -> None:
        from risingtide.transfer import access  # noqa: F401  (declares who may do what)
