"""Shipping's writes: staff change a zone's rate from the console (the admin edits the rest)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from xiangcun.accounts.types import AnyUser
from xiangcun.shipping.demo import shipping_demo_load
from xiangcun.shipping.errors import (
    InvalidRateError,
    RateNotFoundError,
    ShippingPermissionDeniedError,
)
from xiangcun.shipping.models import WEIGHT_MAX_G, Rate
from xiangcun.shipping.selectors.tables import shipping_console_allowed

__all__ = ["rate_update", "shipping_demo_load"]

FEE_MAX = Decimal("10000.00")
_WEIGHTS = ("first_weight_g", "step_g")
_FEES = ("first_fee", "step_fee", "cost_first_fee", "cost_step_fee")


def _weight(value: Any, field: str) -> int:
    try:
        grams = int(value)
    except (TypeError, ValueError):
        raise InvalidRateError(field=field) from None
    if not 100 <= grams <= WEIGHT_MAX_G:
        raise InvalidRateError(field=field)
    return grams


def _fee(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidRateError(field=field) from None
    if not amount.is_finite() or not Decimal("0") <= amount <= FEE_MAX:
        raise InvalidRateError(field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidRateError(field=field)
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def rate_update(*, actor: AnyUser, rate_id: int, **fields: Any) -> Rate:
    """Change a zone's rate: first weight and fee, step and fee, and the carrier's charges.

    Warehouse and programme managers only (`shipping.change_rate`). Fees 0 to ¥10,000 with
    two places; weights 100 g to 50 kg. A quote made after the commit uses the new figures;
    an order already placed keeps the fee it was quoted."""
    if not shipping_console_allowed(user=actor, change=True):
        raise ShippingPermissionDeniedError
    rate = Rate.objects.select_for_update().filter(pk=rate_id).first()
    if rate is None:
        raise RateNotFoundError
    unknown = set(fields) - set(_WEIGHTS) - set(_FEES)
    if unknown:
        raise InvalidRateError(field=sorted(unknown)[0])
    for name, value in fields.items():
        setattr(rate, name, _weight(value, name) if name in _WEIGHTS else _fee(value, name))
    rate.save()
    return rate
