from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "risingtide.portfolios"
    label = "portfolios"
