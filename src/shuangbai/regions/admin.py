from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "fictional")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
