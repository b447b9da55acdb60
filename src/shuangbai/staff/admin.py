from django.contrib import admin

from .models import Assignment, Staff


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ("station", "point")
    can_delete = False


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "station", "point", "position", "status")
    list_filter = ("kind", "status", "qualification")
    search_fields = ("name",)
    raw_id_fields = ("station", "point")
    inlines = [AssignmentInline]
