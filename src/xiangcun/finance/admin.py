"""Back-office views of finance. Loans part: products (checked by the schedule engine like the
officer's page), credit rules and officer limits are edited here; loans, their assessments and
actions are read-only, because their steps go through the services (limits, four eyes, the
ledger)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from xiangcun.core.errors import XiangcunError
from xiangcun.finance.models import (
    CreditAssessment,
    CreditRule,
    Loan,
    LoanAction,
    LoanProduct,
    OfficerLimit,
)
from xiangcun.finance.services.products import product_terms_clean

# --- Loans: products, credit rules, officer limits, loans read-only (the loans work) ---------


class LoanProductForm(forms.ModelForm[LoanProduct]):
    class Meta:
        model = LoanProduct
        fields = "__all__"  # noqa: DJ007 - every term of the product is edited here

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            product_terms_clean(dict(data))
        except XiangcunError as error:
            field = error.field if error.field in self.fields else None
            message = str(error.message)
            raise ValidationError({field: message} if field else message) from None
        return data


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin[LoanProduct]):
    form = LoanProductForm
    list_display = (
        "code",
        "name",
        "min_amount",
        "max_amount",
        "frequency",
        "annual_rate",
        "is_active",
    )
    list_filter = ("is_active", "frequency")


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin[CreditRule]):
    list_display = ("factor", "comparison", "threshold", "points", "reason", "is_active")
    list_editable = ("threshold", "points", "is_active")
    list_filter = ("factor", "is_active")


@admin.register(OfficerLimit)
class OfficerLimitAdmin(admin.ModelAdmin[OfficerLimit]):
    list_display = ("user", "max_amount")
    raw_id_fields = ("user",)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LoanActionInline(_ReadOnly, admin.TabularInline[LoanAction, Loan]):
    model = LoanAction
    extra = 0
    fields = ("at", "code", "params", "actor")
    readonly_fields = fields


class CreditAssessmentInline(_ReadOnly, admin.TabularInline[CreditAssessment, Loan]):
    model = CreditAssessment
    extra = 0
    fields = ("computed_at", "score", "suggested_limit", "reasons")
    readonly_fields = fields


@admin.register(Loan)
class LoanAdmin(_ReadOnly, admin.ModelAdmin[Loan]):
    list_display = ("number", "seller", "product", "status", "requested_amount", "principal")
    list_filter = ("status", "product")
    search_fields = ("number",)
    inlines = (CreditAssessmentInline, LoanActionInline)
