from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "risingtide.standards"
    verbose_name = "Quality standards"
