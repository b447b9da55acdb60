from django.contrib import admin

from shuangbai.core.admin import ReadOnlyAdmin

from .models import CheckItem, Inspection, Recommendation


@admin.register(CheckItem)
class CheckItemAdmin(ReadOnlyAdmin):
    list_display = ("name", "sort_order", "active")
    list_filter = ("active",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("visited_on", "kind", "station", "team", "region_code")
    list_filter = ("kind",)
    search_fields = ("team", "region_code")
    raw_id_fields = ("station", "lead", "recorded_by")


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ("text", "station", "deadline", "done_on")
    search_fields = ("text", "region_code")
    raw_id_fields = ("inspection", "station", "done_by")
