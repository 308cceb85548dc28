from django.contrib import admin

from risingtide.schools.models import (
    Cluster,
    LocalAuthority,
    Nation,
    Provider,
    School,
    TeachingGroup,
)


@admin.register(Nation)
class NationAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "nation"]
    search_fields = ["name", "code"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "local_authority"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "urn", "establishment_number", "phase", "local_authority", "cluster"]
    list_filter = ["phase", "local_authority"]
    search_fields = ["name", "urn"]
    list_select_related = ["local_authority", "cluster"]


@admin.register(TeachingGroup)
class TeachingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "year_group", "academic_year", "kind"]
    list_filter = ["academic_year", "kind"]
    search_fields = ["name", "school__name"]
    list_select_related = ["school"]
    raw_id_fields = ["school"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    search_fields = ["name"]
