from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "risingtide.schools"
    label = "schools"
