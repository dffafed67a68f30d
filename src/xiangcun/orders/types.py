"""Plain values the orders app hands out: who may move an order, and what a cart line shows."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


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
class CartItem:
    """One cart line as the cart page shows it, with the price and stock of today."""

    line_id: int
    variant_id: int
    product_id: int
    product_name: str
    variant_name: str
    unit: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    available: int
    on_sale: bool


@dataclass(frozen=True)
class CartSummary:
    items: list[CartItem]
    goods_total: Decimal
    count: int


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
