from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Assignment, Staff


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    raw_id_fields = ("station", "point")


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "station", "point", "position", "status")
    list_filter = ("kind", "status", "qualification")
    search_fields = ("name",)
    raw_id_fields = ("station", "point")
    inlines = [AssignmentInline]
