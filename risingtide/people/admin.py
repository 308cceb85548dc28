from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from risingtide.people.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"  # the person holding the role (a carer's ``child`` is a user too)
    extra = 0
    raw_id_fields = [
        "teaching_group",
        "school",
        "cluster",
        "local_authority",
        "nation",
        "provider",
        "child",
    ]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "teaching_group", "school", "cluster", "local_authority"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = [
        "user",
        "teaching_group",
        "school",
        "cluster",
        "local_authority",
        "nation",
        "provider",
    ]
