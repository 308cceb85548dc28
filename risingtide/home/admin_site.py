from django.contrib import admin

from risingtide.access.core import can


class AdminSite(admin.AdminSite):
    site_header = "Rising Tide administration"
    site_title = "Rising Tide admin"

    def has_permission(self, request):
        # The admin answers to the same declaration as every other page.
        user = request.user
        return user.is_active and user.is_staff and can(user, "site.admin")
