"""Back-office views of the ledger, read-only: the ledger is changed only by its services, and
only by adding entries."""

from typing import TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from xiangcun.ledger.models import Account, JournalEntry, Posting

_Record = TypeVar("_Record", bound=Model)


class ReadOnlyAdmin(admin.ModelAdmin[_Record]):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin[Account]):
    list_display = ("code", "name", "kind", "owner_type", "owner_id", "created_at")
    list_filter = ("kind", "owner_type")
    search_fields = ("code", "name")


class PostingInline(admin.TabularInline[Posting, JournalEntry]):
    model = Posting
    extra = 0
    fields = ("account", "amount")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin[JournalEntry]):
    list_display = ("id", "created_at", "kind", "reference", "memo", "reverses")
    list_filter = ("kind",)
    search_fields = ("reference", "memo")
    date_hierarchy = "created_at"
    inlines = (PostingInline,)


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin[Posting]):
    list_display = ("id", "entry", "account", "amount")
    list_select_related = ("entry", "account")
    search_fields = ("account__code", "entry__reference")
    list_filter = ("account__kind",)
