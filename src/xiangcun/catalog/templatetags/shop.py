"""Template helpers of the storefront: prices as ¥12.50, text in the reader's language, photo
sizes for width/height attributes, and what a product card shows."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from xiangcun.catalog.selectors import (
    product_certifications,
    product_display_price,
    product_first_photo,
)

register = template.Library()

_CENT = Decimal("0.01")


@register.filter
def yuan(value: Decimal | int | str | None) -> str:
    """¥12.50: two places always, rounded half up (prices are stored with two places already)."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"¥{amount:,.2f}"


@register.filter
def local(obj: Any, field: str = "name") -> str:
    """`obj.<field>_en` for English readers when there is one, else the Chinese `obj.<field>`."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, field, "") or "")


def _scaled(width: int | None, height: int | None, side: int) -> tuple[int, int]:
    # The copies are made with Pillow's thumbnail(): the long side becomes `side`, never larger.
    if not width or not height:
        return side, side
    scale = min(side / width, side / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


@register.simple_tag
def photo_dimensions(photo: Any, side: int) -> dict[str, int]:
    """{"width", "height"} of a photo's copy with `side` pixels on its long side."""
    width, height = _scaled(photo.width, photo.height, side)
    return {"width": width, "height": height}


@register.inclusion_tag("catalog/_card.html", takes_context=True)
def product_card(context: template.Context, product: Any) -> dict[str, Any]:
    """One product in a list: photo, name, "from" price, brand or origin, certified badge."""
    photo = product_first_photo(product)
    return {
        "product": product,
        "photo": photo,
        "size": _scaled(photo.width, photo.height, 240) if photo else None,
        "price": product_display_price(product),
        "certified": bool(product_certifications(product)),
        "request": context.get("request"),
    }
