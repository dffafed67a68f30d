"""Loan products, managed by loan officers (a page) and staff (the admin): every product's
terms must give a schedule at both ends of its ranges, checked by the schedule engine."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.finance.errors import InvalidLoanTermsError, LoanProductNotFoundError
from xiangcun.finance.models import LoanProduct
from xiangcun.finance.models.loans import Amortization, Frequency, InterestMethod
from xiangcun.finance.services._loan_common import (
    money,
    product_terms,
    require_officer,
    schedule_of,
)

RATE_MAX = Decimal(36)  # the product table's check: at most 36 % a year
_CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _whole(value: object, *, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidLoanTermsError(field=field)
    return value


def _percent(value: object, *, field: str, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise InvalidLoanTermsError(field=field) from None
    if (
        not number.is_finite()
        or not 0 <= number <= high
        or number != number.quantize(Decimal("0.001"))
    ):
        raise InvalidLoanTermsError(field=field)
    return number


def _choice(value: object, choices: list[str], field: str) -> str:
    if value not in choices:
        raise InvalidLoanTermsError(field=field)
    return str(value)


def product_terms_clean(data: dict[str, Any]) -> dict[str, Any]:
    """The product's fields checked: ranges in order, choices known, and a schedule at the
    smallest and largest amount and term (the schedule engine's bounds)."""
    code = text_field(data.get("code"), field="code", max_length=32, error=InvalidLoanTermsError)
    if not set(code) <= _CODE_CHARS:
        raise InvalidLoanTermsError(_("Use small letters, digits and dashes."), field="code")
    clean: dict[str, Any] = {
        "code": code,
        "name": text_field(
            data.get("name"), field="name", max_length=64, error=InvalidLoanTermsError
        ),
        "name_en": text_field(
            data.get("name_en", ""), field="name_en", max_length=64, required=False
        ),
        "min_amount": money(data.get("min_amount"), field="min_amount"),
        "max_amount": money(data.get("max_amount"), field="max_amount"),
        "min_periods": _whole(data.get("min_periods"), field="min_periods", low=1, high=360),
        "max_periods": _whole(data.get("max_periods"), field="max_periods", low=1, high=360),
        "frequency": _choice(data.get("frequency"), Frequency.values, "frequency"),
        "annual_rate": _percent(data.get("annual_rate"), field="annual_rate", high=RATE_MAX),
        "interest_method": _choice(
            data.get("interest_method"), InterestMethod.values, "interest_method"
        ),
        "amortization": _choice(data.get("amortization"), Amortization.values, "amortization"),
        "grace_principal": _whole(
            data.get("grace_principal", 0), field="grace_principal", low=0, high=359
        ),
        "multiple": _whole(data.get("multiple", 0), field="multiple", low=0, high=1000),
        "fee_flat": _percent(data.get("fee_flat", 0), field="fee_flat", high=Decimal(10**6)),
        "fee_percent": _percent(data.get("fee_percent", 0), field="fee_percent", high=Decimal(20)),
        "is_active": bool(data.get("is_active", True)),
    }
    if clean["max_amount"] < clean["min_amount"]:
        raise InvalidLoanTermsError(field="max_amount")
    if clean["max_periods"] < clean["min_periods"]:
        raise InvalidLoanTermsError(field="max_periods")
    if clean["grace_principal"] >= clean["min_periods"]:
        raise InvalidLoanTermsError(
            _("Grace on principal must be shorter than the fewest repayments."),
            field="grace_principal",
        )
    probe = LoanProduct(**clean)
    for principal in (clean["min_amount"], clean["max_amount"]):
        for periods in (clean["min_periods"], clean["max_periods"]):
            schedule_of(product_terms(probe, principal=principal, periods=periods))
    return clean


@transaction.atomic
def loan_product_save(
    *, actor: AnyUser, data: dict[str, Any], product_id: int | None = None
) -> LoanProduct:
    """Create a product, or change one (`product_id`): loans already approved keep the terms
    they copied."""
    require_officer(actor)
    clean = product_terms_clean(data)
    if product_id is None:
        if LoanProduct.objects.filter(code=clean["code"]).exists():
            raise InvalidLoanTermsError(_("A product has this code already."), field="code")
        return LoanProduct.objects.create(**clean)
    product = LoanProduct.objects.select_for_update().filter(pk=product_id).first()
    if product is None:
        raise LoanProductNotFoundError
    if LoanProduct.objects.filter(code=clean["code"]).exclude(pk=product_id).exists():
        raise InvalidLoanTermsError(_("A product has this code already."), field="code")
    for name, value in clean.items():
        setattr(product, name, value)
    product.save()
    return product
