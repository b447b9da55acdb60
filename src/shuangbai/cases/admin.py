from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
