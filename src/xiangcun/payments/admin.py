"""Back-office views of payments, notifications and refunds, read-only: money moves only
through `payments.services`, which post to the ledger."""

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from xiangcun.payments.models import PaymentIntent, PaymentNotification, Refund

_Record = TypeVar("_Record", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_Record]):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnlyAdmin[PaymentIntent]):
    list_display = ("number", "provider", "channel", "reference", "amount", "status", "paid_at")
    list_filter = ("provider", "status", "channel")
    search_fields = ("number", "reference", "provider_transaction_id")
    date_hierarchy = "created_at"


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin[PaymentNotification]):
    list_display = (
        "received_at",
        "provider",
        "notification_id",
        "event_type",
        "verified",
        "processed",
        "error",
        "intent",
    )
    list_filter = ("provider", "verified", "processed", "event_type")
    search_fields = ("notification_id", "intent__number")
    list_select_related = ("intent",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin[Refund]):
    list_display = ("number", "intent", "amount", "status", "reason", "completed_at")
    list_filter = ("status",)
    search_fields = ("number", "intent__number", "provider_refund_id")
    list_select_related = ("intent",)
