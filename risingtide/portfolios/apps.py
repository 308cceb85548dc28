from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "risingtide.portfolios"
    label = "portfolios"

    def ready(self) -> None:
        from risingtide.portfolios import checks  # noqa: F401  (registers the deploy check)
