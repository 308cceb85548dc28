from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "risingtide.access"
    label = "access"
