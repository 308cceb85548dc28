from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "risingtide.demo"
    label = "demo"
