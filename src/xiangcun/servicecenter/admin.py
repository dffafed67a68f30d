"""Back-office views of the service centre. Commission rules are data and edited here (the
database checks their shape); everything else is read-only, because it changes only through
the services (consent with its station, cash through the ledger, commission once per source)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xiangcun.servicecenter.models import (
    AssistedAction,
    AssistedOrder,
    CommissionLine,
    CommissionRule,
    Consent,
    Drawer,
    DrawerMovement,
)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CommissionRule)
class CommissionRuleAdmin(admin.ModelAdmin[CommissionRule]):
    list_display = ("kind", "category", "percent", "amount", "is_active", "updated_at")
    list_filter = ("kind", "is_active")
    fields = ("kind", "category", "percent", "amount", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Lines point at the rule they were reckoned by: retire a rule, never delete it.
        return False


@admin.register(CommissionLine)
class CommissionLineAdmin(_ReadOnly, admin.ModelAdmin[CommissionLine]):
    list_display = ("created_at", "agent", "kind", "source", "base", "amount", "ledger_entry_id")
    list_filter = ("kind",)
    search_fields = ("source",)
    list_select_related = ("agent",)


class DrawerMovementInline(_ReadOnly, admin.TabularInline[DrawerMovement, Drawer]):
    model = DrawerMovement
    fields = ("created_at", "kind", "amount", "reference", "ledger_entry_id", "actor")
    readonly_fields = fields
    extra = 0


@admin.register(Drawer)
class DrawerAdmin(_ReadOnly, admin.ModelAdmin[Drawer]):
    list_display = (
        "opened_at",
        "agent",
        "station",
        "status",
        "float_amount",
        "expected",
        "counted",
        "variance",
        "handed_to",
    )
    list_filter = ("status", "handed_to")
    list_select_related = ("agent", "station")
    inlines = (DrawerMovementInline,)


@admin.register(Consent)
class ConsentAdmin(_ReadOnly, admin.ModelAdmin[Consent]):
    list_display = ("resident", "station", "recorded_by", "given_at", "withdrawn_at")
    list_select_related = ("resident", "station", "recorded_by")


@admin.register(AssistedOrder)
class AssistedOrderAdmin(_ReadOnly, admin.ModelAdmin[AssistedOrder]):
    list_display = ("created_at", "order", "resident", "agent", "station", "payment")
    list_filter = ("payment",)
    list_select_related = ("order", "resident", "agent", "station")
    exclude = ("fingerprint",)


@admin.register(AssistedAction)
class AssistedActionAdmin(_ReadOnly, admin.ModelAdmin[AssistedAction]):
    list_display = ("at", "agent", "station", "resident", "code")
    list_filter = ("code",)
    list_select_related = ("agent", "station", "resident")
