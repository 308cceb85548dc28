from django.apps import AppConfig


class TascConfig(AppConfig):
    name = "risingtide.tasc"
    label = "tasc"
