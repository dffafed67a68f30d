from django.contrib import admin

from xiangcun.impact.models import BuiltDay, Report


@admin.register(BuiltDay)
class BuiltDayAdmin(admin.ModelAdmin[BuiltDay]):
    list_display = ("day", "built_at", "seconds", "rows")
    ordering = ("-day",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("month", "township_id", "status", "progress", "finished_at")
