from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEntry, User


@admin.register(User)
class ShuangbaiUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "scope_region", "scope_station", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        ("角色与范围", {"fields": ("role", "scope_region", "scope_station", "staff")}),
    )
    raw_id_fields = ("scope_region", "scope_station", "staff")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id")

    # Append-only: nobody edits or deletes audit entries, not even a superuser in the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
