"""The opportunities pages (issue 19): the provision map, the menu and requests, entitlement."""

from risingtide.opportunities import urls_entitlement, urls_map, urls_menu

app_name = "opportunities"

urlpatterns = urls_map.urlpatterns + urls_menu.urlpatterns + urls_entitlement.urlpatterns
