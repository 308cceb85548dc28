from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "risingtide.api"
    label = "api"
