from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "risingtide.insights"
    label = "insights"
    verbose_name = "Register insights"
