from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "risingtide.backups"
    label = "backups"
    verbose_name = "Backups"
