"""Administrators edit a framework version's descriptor texts and prompts here (loading the
published texts over our paraphrases), and retire or activate versions. Structure (which
elements a version has, their numbers) comes from framework files, so judgements made on a
version always find the elements they were made on."""

from django.contrib import admin

from risingtide.audit.models import record
from risingtide.standards.framework_models import Element, Framework, FrameworkVersion, Prompt


class Audited:
    """Every change an administrator makes to a framework is in the audit log: judgements
    already made read these texts."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(request.user, "standards.framework_edited", obj, fields=sorted(form.changed_data))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.changed_objects:
            record(request.user, "standards.framework_edited", obj[0], fields=sorted(obj[1]))


class PromptInline(admin.TabularInline):
    model = Prompt
    fields = ["number", "text"]
    readonly_fields = ["number"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Element)
class ElementAdmin(Audited, admin.ModelAdmin):
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
class FrameworkVersionAdmin(Audited, admin.ModelAdmin):
    list_display = ["framework", "label", "active", "created_at"]
    list_editable = ["active"]
    fields = ["framework", "label", "active", "source_note"]
    readonly_fields = ["framework", "label"]

    def has_add_permission(self, request):
        return False  # a new version comes from a framework file

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(Audited, admin.ModelAdmin):
    list_display = ["name", "key", "kind"]
    fields = ["key", "name", "kind", "description"]
    readonly_fields = ["key", "kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
