"""Template helpers of the order pages: prices as ¥12.50, status names, names in the reader's
language."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from xiangcun.orders.models import Order

register = template.Library()

_CENT = Decimal("0.01")


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """¥12.50: two places always, rounded half up (amounts are stored with two places)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"¥{amount:,.2f}"


@register.filter
def status_label(value: str) -> str:
    """The buyer-facing name of an order status ("paid" -> "Paid" / 已付款)."""
    try:
        return str(Order.Status(value).label)
    except ValueError:
        return value


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """`obj.<field>_en` for English readers when there is one, else the Chinese `obj.<field>`."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, "") or "")


@register.filter
def lots_of(line_id: int, links: dict[int, list[Any]] | None) -> list[Any]:
    """The lots packed into an order line (`links` from traceability's
    `lot_links_for_order_lines`); [] when none is recorded or the page has no links."""
    return list((links or {}).get(line_id, []))
