from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin

from .models import AssistanceType


@admin.register(AssistanceType)
class AssistanceTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "unit", "is_application", "sort_order", "active"]
    list_filter = ["active", "is_application"]
