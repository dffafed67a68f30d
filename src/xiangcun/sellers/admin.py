"""Back-office views of shops. Review goes through the services, so the rules stay in one place."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import XiangcunError
from xiangcun.sellers import services
from xiangcun.sellers.models import PoorHouseholdLink, Seller, ShopPhoto


class ShopPhotoInline(admin.TabularInline[ShopPhoto, Seller]):
    model = ShopPhoto
    extra = 0


class PoorHouseholdLinkInline(admin.TabularInline[PoorHouseholdLink, Seller]):
    model = PoorHouseholdLink
    extra = 0
    raw_id_fields = ("household",)


def _each(request: HttpRequest, queryset: QuerySet[Seller], action: Any, done: str) -> None:
    changed = 0
    for seller in queryset:
        try:
            action(seller)
            changed += 1
        except XiangcunError as error:
            messages.error(request, f"{seller}: {error.message}")
    if changed:
        messages.success(request, done % {"count": changed})


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin[Seller]):
    list_display = ("name", "kind", "status", "township", "village", "owner", "created_at")
    list_filter = ("status", "kind", "township")
    search_fields = ("name", "name_en", "owner__phone")
    raw_id_fields = ("owner", "village", "township")
    readonly_fields = ("status", "reviewed_by", "reviewed_at", "review_note")
    inlines = (ShopPhotoInline, PoorHouseholdLinkInline)
    actions = ("approve", "reject", "suspend", "reinstate")

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Seller]) -> None:
        _each(
            request,
            queryset,
            lambda s: services.seller_review(reviewer=request.user, seller_id=s.pk, approve=True),
            str(_("%(count)d shops approved.")),
        )

    @admin.action(description=_("Reject the selected applications"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Seller]) -> None:
        _each(
            request,
            queryset,
            lambda s: services.seller_review(reviewer=request.user, seller_id=s.pk, approve=False),
            str(_("%(count)d applications rejected.")),
        )

    @admin.action(description=_("Suspend the selected shops"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Seller]) -> None:
        _each(
            request,
            queryset,
            lambda s: services.seller_suspend(
                reviewer=request.user, seller_id=s.pk, note=str(_("Suspended by staff."))
            ),
            str(_("%(count)d shops suspended.")),
        )

    @admin.action(description=_("Reinstate the selected shops"))
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Seller]) -> None:
        _each(
            request,
            queryset,
            lambda s: services.seller_reinstate(reviewer=request.user, seller_id=s.pk),
            str(_("%(count)d shops reinstated.")),
        )
