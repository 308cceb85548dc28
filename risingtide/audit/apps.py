from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "risingtide.audit"
    label = "audit"
