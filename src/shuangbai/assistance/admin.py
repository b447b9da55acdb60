from django.contrib import admin

from .models import AssistanceType


@admin.register(AssistanceType)
class AssistanceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "is_application", "sort_order", "active"]
    list_filter = ["active", "is_application"]
