"""Back-office views of jobs: read and correct postings and fairs; applications and hires are
read-only here, because their steps go through the services (history, texts, roles)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.jobs.models import Application, ApplicationEvent, Employment, Fair, Posting


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin[Posting]):
    list_display = ("title", "role", "township", "station", "wage_min", "wage_max", "status")
    list_filter = ("status", "role", "township")
    search_fields = ("title",)
    raw_id_fields = ("station", "township", "created_by")


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin[Fair]):
    list_display = ("name", "day", "township", "place")
    raw_id_fields = ("township", "created_by")
    filter_horizontal = ("postings",)


class ApplicationEventInline(admin.TabularInline[ApplicationEvent, Application]):
    model = ApplicationEvent
    extra = 0
    fields = ("at", "code", "params", "reason", "actor")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(_ReadOnly, admin.ModelAdmin[Application]):
    list_display = ("name", "posting", "status", "source", "township", "registered_poor")
    list_filter = ("status", "source", "registered_poor")
    search_fields = ("name", "phone")
    # The ID card's keyed hash and the idempotency key are never shown.
    exclude = ("id_number_hash", "idempotency_key")
    inlines = (ApplicationEventInline,)


@admin.register(Employment)
class EmploymentAdmin(_ReadOnly, admin.ModelAdmin[Employment]):
    list_display = ("user", "posting", "start_date", "station", "monthly_wage")
