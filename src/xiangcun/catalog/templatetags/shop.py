"""Template helpers of the storefront: prices as ¥12.50, text in the reader's language, photo
sizes for width/height attributes, and what the product cards of a list show."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import get_language, gettext

from xiangcun.catalog.types import ProductCard

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


def _pick(chinese: str, english: str, *, in_english: bool) -> str:
    # As `local`: the English text for English readers when there is one.
    return english if in_english and english else chinese


@register.simple_tag
def cards_shown(cards: list[ProductCard]) -> list[dict[str, Any]]:
    """What each card of a list shows, in the reader's language, worked out once per card in
    Python so that the list template only places values (a card per template include cost
    several times more). Texts are the card's: "from ¥12.50", the brand, else the origin
    township and village, else the shop; the certified badge."""
    in_english = (get_language() or "").startswith("en")
    product_url = reverse("shop:product", kwargs={"product_id": 0})[: -len("0/")]
    shown = []
    for card in cards:
        if card.brand_name is not None:
            meta = _pick(card.brand_name, card.brand_name_en, in_english=in_english)
        elif card.village_name is not None:
            township = _pick(card.township_name, card.township_name_en, in_english=in_english)
            village = _pick(card.village_name, card.village_name_en, in_english=in_english)
            meta = f"{township} {village}"
        else:
            meta = _pick(card.seller_name, card.seller_name_en, in_english=in_english)
        size = _scaled(card.photo_width, card.photo_height, 240) if card.thumbnail_url else None
        shown.append(
            {
                "url": f"{product_url}{card.id}/",
                "name": _pick(card.name, card.name_en, in_english=in_english),
                "category": _pick(card.category_name, card.category_name_en, in_english=in_english),
                "thumbnail_url": card.thumbnail_url,
                "size": size,
                "alt": card.photo_alt,
                "price": None
                if card.price is None
                else gettext("from %(price)s") % {"price": yuan(card.price)},
                "meta": meta,
                "certified": card.certified,
            }
        )
    return shown
