"""Back-office views of locations, stock and its history. Stock counts are read-only here:
every change goes through the services, so it is locked and recorded as a movement."""

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.inventory.models import Location, Reservation, Stock, StockMovement


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    list_display = ("code", "name", "kind", "sells_over_counter", "is_active")
    list_filter = ("kind", "sells_over_counter", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("station", "seller")


class MovementInline(admin.TabularInline[StockMovement, Stock]):
    model = StockMovement
    extra = 0
    can_delete = False
    fields = ("created_at", "reason", "quantity", "on_hand_after", "reference", "note", "actor")
    readonly_fields = fields
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin[Stock]):
    list_display = ("variant", "location", "on_hand", "reserved", "low_stock_threshold")
    list_filter = ("location",)
    list_select_related = ("variant__product", "location")
    raw_id_fields = ("variant", "location")
    readonly_fields = ("variant", "location", "on_hand", "reserved")
    inlines = (MovementInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin[Reservation]):
    list_display = ("reference", "stock", "quantity", "status", "expires_at")
    list_filter = ("status",)
    search_fields = ("reference",)
    readonly_fields = ("stock", "quantity", "status", "expires_at", "reference")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
