from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HomeConfig(AppConfig):
    name = "risingtide.home"
    label = "home"
    default = True


class RisingTideAdminConfig(admin_apps.AdminConfig):
    """The Django admin, answering to ``access`` (see ``admin_site.AdminSite``)."""

    default = False
    default_site = "risingtide.home.admin_site.AdminSite"
