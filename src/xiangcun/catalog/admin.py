"""Back-office screens for the catalogue. Status changes go through the services (actions), and
any edit saved here re-indexes the product, so the admin never leaves search out of date."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xiangcun.catalog import services
from xiangcun.catalog.models import (
    Brand,
    Category,
    Certification,
    Product,
    ProductPhoto,
    SearchSynonym,
    Variant,
)
from xiangcun.catalog.search.synonyms import means_words
from xiangcun.core.errors import XiangcunError


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("slug", "name", "name_en", "direction", "parent", "position")
    list_filter = ("direction",)
    list_select_related = ("parent",)
    search_fields = ("slug", "name", "name_en")


class CertificationInline(admin.TabularInline[Certification, Any]):
    model = Certification
    fields = ("kind", "certificate_number", "issuer", "valid_from", "valid_until", "status")
    readonly_fields = ("status",)
    extra = 0


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin[Brand]):
    list_display = ("slug", "name", "name_en", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("slug", "name", "name_en")
    inlines = (CertificationInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        ids = Product.objects.filter(brand=form.instance, status=Product.Status.LISTED)
        services.products_reindex(product_ids=ids.values_list("pk", flat=True))


class VariantInline(admin.TabularInline[Variant, Product]):
    model = Variant
    fields = ("sku", "name", "unit", "price", "net_weight_g", "gtin", "is_active", "position")
    extra = 0


class PhotoInline(admin.TabularInline[ProductPhoto, Product]):
    model = ProductPhoto
    fields = ("image", "alt", "position")
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("id", "name", "seller", "category", "brand", "status", "direction")
    list_filter = ("status", "direction", "category")
    list_select_related = ("seller", "category", "brand")
    search_fields = ("name", "name_en", "variants__sku")
    raw_id_fields = ("seller", "origin_village")
    readonly_fields = ("status", "submitted_at", "listed_at", "review_note")
    inlines = (VariantInline, PhotoInline, CertificationInline)
    actions = ("approve", "delist")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.products_reindex(product_ids=[form.instance.pk])

    def _each(self, request: HttpRequest, queryset: QuerySet[Product], action: Any) -> None:
        done = 0
        for product in queryset:
            try:
                action(product)
                done += 1
            except XiangcunError as error:
                self.message_user(request, f"{product}: {error.message}", messages.WARNING)
        if done:
            self.message_user(request, _("%(count)d products changed.") % {"count": done})

    @admin.action(description=_("List the selected products (after review)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._each(
            request,
            queryset,
            lambda p: services.product_review(reviewer=request.user, product_id=p.pk, approve=True),
        )

    @admin.action(description=_("Delist the selected products"))
    def delist(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        self._each(
            request,
            queryset,
            lambda p: services.product_delist(actor=request.user, product_id=p.pk),
        )


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin[Certification]):
    list_display = (
        "certificate_number",
        "kind",
        "status",
        "brand",
        "seller",
        "valid_from",
        "valid_until",
    )
    list_filter = ("kind", "status")
    list_select_related = ("brand", "seller")
    # Checking is done on the console's review page (certification_verify), which records who.
    readonly_fields = ("status", "verified_by", "verified_at", "review_note")
    raw_id_fields = ("brand", "product", "seller", "products")
    search_fields = ("certificate_number", "issuer")


class SearchSynonymForm(forms.ModelForm[SearchSynonym]):
    class Meta:
        model = SearchSynonym
        fields = ("word", "means", "category", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not means_words(data.get("means") or "") and data.get("category") is None:
            raise forms.ValidationError(_("Give the words it stands for, or a category."))
        return data


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin[SearchSynonym]):
    """Saved and deleted through the services, which check the word and re-index the products
    the synonym touches (before and after the change)."""

    form = SearchSynonymForm

    list_display = ("word", "means", "category", "is_active")
    list_filter = ("is_active", "category")
    list_select_related = ("category",)
    search_fields = ("word", "means")

    def save_model(self, request: HttpRequest, obj: SearchSynonym, form: Any, change: bool) -> None:
        saved = services.search_synonym_save(
            actor=request.user,
            synonym_id=obj.pk if change else None,
            word=obj.word,
            means=obj.means,
            category_id=obj.category_id,
            is_active=obj.is_active,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: SearchSynonym) -> None:
        services.search_synonym_delete(actor=request.user, synonym_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SearchSynonym]) -> None:
        for synonym in queryset:
            self.delete_model(request, synonym)
