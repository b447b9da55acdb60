"""The admin is a read-only window for superusers. Every write goes through the services, which check the
permission table, keep the version, write the audit row and retire instead of deleting; the admin would do none
of that, so it writes nothing."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from .models import AuditEntry, User
from .scoping import ScopedQuerySet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if isinstance(queryset, ScopedQuerySet) else queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.visible_to(request.user) if isinstance(queryset, ScopedQuerySet) else queryset


admin.site.unregister(Group)  # roles are the permission table's, not Django's groups


@admin.register(User)
class ShuangbaiUserAdmin(ReadOnlyAdmin, UserAdmin):
    """Accounts are made by `shuangbai createuser` (user_create); passwords set by `shuangbai changepassword`."""

    list_display = ("username", "display_name", "role", "scope_region", "scope_station", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (
        ("角色与范围", {"fields": ("role", "scope_region", "scope_station", "staff")}),
    )
    raw_id_fields = ("scope_region", "scope_station", "staff")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    # append-only: nobody edits or deletes audit entries, not even a superuser in the admin
    list_display = ("at", "actor_name", "action", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id")
