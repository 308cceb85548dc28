"""Administrators edit a framework version's descriptor texts and prompts here (loading the
published texts over our paraphrases), and retire or activate versions. Structure (which
elements a version has, their numbers) comes from framework files, so judgements made on a
version always find the elements they were made on."""

from django.contrib import admin

from risingtide.standards.models import Element, Framework, FrameworkVersion, Prompt


class PromptInline(admin.TabularInline):
    model = Prompt
    fields = ["number", "text"]
    readonly_fields = ["number"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Element)
class ElementAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "version"]
    list_filter = ["version"]
    fields = ["version", "theme", "number", "name", "summary", "entry", "developing", "exemplary"]
    readonly_fields = ["version", "theme", "number"]
    inlines = [PromptInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["framework", "label", "active", "created_at"]
    list_editable = ["active"]
    fields = ["framework", "label", "active", "source_note"]
    readonly_fields = ["framework", "label"]

    def has_add_permission(self, request):
        return False  # a new version comes from a framework file

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "kind"]
    fields = ["key", "name", "kind", "description"]
    readonly_fields = ["key", "kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
