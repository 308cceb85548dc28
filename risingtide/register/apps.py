from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "risingtide.register"
    label = "register"
    verbose_name = "G&T register"
