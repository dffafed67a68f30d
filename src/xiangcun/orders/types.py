"""Plain values the orders app hands out: who may move an order, one order as one person may
see it, and what a cart line shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Only for the annotations: orders.models reads OrderStatus from here.
    from xiangcun.orders.models import Order, OrderLine


class OrderStatus(models.TextChoices):
    """Where an order stands (`Order.Status` is this). Other apps compare and move orders by these
    members, never by bare strings."""

    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    AWAITING_CASH = "awaiting_cash", _("Awaiting cash")
    PAID = "paid", _("Paid")
    PACKING = "packing", _("Packing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    REFUNDED = "refunded", _("Refunded")


@dataclass(frozen=True)
class Move:
    """Who may move an order along one edge of the state machine.

    `staff` names the roles (accounts.types.Role values) allowed; `system` is the platform
    itself (a payment callback, the expiry task). `via` names the service that makes the move
    when it needs more than a status change (a payment, a return), so `order_transition`
    refuses it.
    """

    buyer: bool = False
    seller: bool = False
    staff: frozenset[str] = field(default_factory=frozenset)
    system: bool = False
    via: str = ""


@dataclass(frozen=True)
class OrderView:
    """One order as one person may see it (`selectors.order_get`): the order, with its lines
    and timeline prefetched; how the person relates to it, `viewer` ("buyer", "staff", or
    "seller", who sees their own lines only); and `lines`, the lines they may see."""

    order: Order
    viewer: str
    lines: list[OrderLine]

    @property
    def is_buyer(self) -> bool:
        """The buyer, or whoever placed the order for them."""
        return self.viewer == "buyer"

    @property
    def whole(self) -> bool:
        """Whether the person sees every line (a seller sees only their own)."""
        return self.viewer != "seller"


@dataclass(frozen=True)
class CartItem:
    """One cart line as the cart page shows it, with the price and stock of today. Names come
    in Chinese and English (`_en`, may be empty) for the page to pick."""

    line_id: int
    variant_id: int
    product_id: int
    product_name: str
    product_name_en: str
    variant_name: str
    variant_name_en: str
    unit: str
    unit_label: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    available: int
    on_sale: bool


@dataclass(frozen=True)
class CartShop:
    """The cart's lines from one shop, and what those still on sale cost."""

    seller_id: int
    name: str
    name_en: str
    items: list[CartItem]
    subtotal: Decimal


@dataclass(frozen=True)
class CartSummary:
    """The cart by shop (`selectors.cart_summary`): the goods total counts only what is still
    on sale; `count` is the units in the cart."""

    shops: list[CartShop]
    goods_total: Decimal
    count: int

    @property
    def items(self) -> list[CartItem]:
        return [item for shop in self.shops for item in shop.items]


@dataclass(frozen=True)
class OrderPayment:
    """An order's payment as one viewer may see it (`selectors.order_payment`): `client_data`
    (what a device needs to pay: WeChat's signed JSAPI parameters, its H5 or QR link, the
    sandbox page) is empty for everyone but the buyer."""

    number: str
    provider: str
    channel: str
    status: str
    client_data: dict[str, Any]


# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class ImpactLine:
    """One line of an order as the impact facts count it: its goods less what was refunded of
    them (`amount`, may be 0 when every unit went back)."""

    line_id: int
    seller_id: int
    product_id: int
    amount: Decimal


@dataclass(frozen=True)
class ImpactOrder:
    """An order paid (or completed) on a day, shaped for the impact facts. `county_code` is the
    home-delivery destination's county (blank for pickups and the county's own delivery);
    `township_id`/`village_id` are the destination's (the order's, or its pickup station's).
    `fully_refunded`: every goods line refunded, refunds reaching what was paid, or status
    refunded with no refunded return on record."""

    order_id: int
    buyer_id: int | None
    delivery_method: str
    county_code: str
    township_id: int | None
    village_id: int | None
    fully_refunded: bool
    lines: tuple[ImpactLine, ...]


# --- the order timeline's steps, stored as a code and its values ------------------------------
# A step the system writes is kept as one of these codes with its values (amounts, names), and
# put into words when someone reads it, in their language. A note a person typed is kept as
# typed (it has one language only).
ORDER_EVENT_TEXTS: dict[str, Any] = {
    "placed": _("Order placed"),
    "payment_received": _("Payment received"),
    "cash_received": _("Cash received"),
    "cancelled": _("Order cancelled"),
    "not_paid_in_time": _("Not paid in time"),
    "paid_after_cancellation": _("Paid after cancellation"),
    "return_refused": _("Return refused"),
    "return_accepted": _("Return accepted: refund started"),
    "undelivered_cancelled": _("Not delivered and not paid: order cancelled"),
    "undelivered_returning": _("Not delivered: the parcel is coming back"),
    "refund_started": _("Refund of ¥%(amount)s started"),
    "refunded": _("Refunded ¥%(amount)s"),
    "shop_packing": _("%(shop)s is packing its goods."),
    "shop_sent": _("%(shop)s has sent its goods."),
}


@dataclass(frozen=True)
class EventCode:
    """A timeline step in no language yet: a code of ORDER_EVENT_TEXTS and its values."""

    code: str
    params: dict[str, str] = field(default_factory=dict)


def order_event_text(*, code: str, params: dict[str, Any], note: str) -> str:
    """A timeline step in the reader's language: the code's words, else the typed note."""
    text = ORDER_EVENT_TEXTS.get(code)
    if text is None:
        return note
    return str(text) % params if params else str(text)
