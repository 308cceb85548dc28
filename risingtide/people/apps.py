from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "risingtide.people"
    label = "people"
