from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin

from .models import Point, Station


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ("name", "region_code", "status", "opened_on", "retired_on")
    list_filter = ("status",)
    search_fields = ("name", "region_code")
    raw_id_fields = ("town",)


@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ("name", "station", "region_code", "status", "retired_on")
    list_filter = ("status",)
    search_fields = ("name", "region_code")
    raw_id_fields = ("station", "village")
