"""Back-office views of orders and returns. Read-only: every change goes through the services,
so it is checked against the state machine, locked, and recorded on the timeline."""

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from xiangcun.orders.models import Order, OrderEvent, OrderLine, ReturnLine, ReturnRequest

_Line = TypeVar("_Line", bound=Model)
_Parent = TypeVar("_Parent", bound=Model)


class _ReadOnlyInline(admin.TabularInline[_Line, _Parent]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(_ReadOnlyInline[OrderLine, Order]):
    model = OrderLine
    fields = (
        "seller",
        "product_name",
        "variant_name",
        "unit_price",
        "quantity",
        "line_total",
        "returned_quantity",
    )
    readonly_fields = fields


class EventInline(_ReadOnlyInline[OrderEvent, Order]):
    model = OrderEvent
    fields = ("created_at", "status", "note", "actor")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ("number", "status", "payment_method", "delivery_method", "total", "created_at")
    list_filter = ("status", "payment_method", "delivery_method")
    search_fields = ("number", "phone", "recipient", "payment_number")
    date_hierarchy = "created_at"
    inlines = (LineInline, EventInline)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReturnLineInline(_ReadOnlyInline[ReturnLine, ReturnRequest]):
    model = ReturnLine
    fields = ("order_line", "quantity")
    readonly_fields = fields


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin[ReturnRequest]):
    list_display = ("id", "order", "reason", "status", "amount", "created_at")
    list_filter = ("status", "reason")
    search_fields = ("order__number", "refund_number")
    inlines = (ReturnLineInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in ReturnRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
