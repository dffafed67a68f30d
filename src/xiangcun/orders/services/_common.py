"""Helpers every orders service shares: argument checks, who the actor is, the locked order,
its timeline and the buyer's SMS."""

from decimal import Decimal
from typing import Any, TypeGuard

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.services import sms_queue
from xiangcun.accounts.types import SMS_TEXT, AnyUser, SmsParam
from xiangcun.orders.errors import (
    InvalidQuantityError,
    OrderNotFoundError,
    QuantityOverLimitError,
    QuantityOverStockError,
)
from xiangcun.orders.models import Order, OrderEvent, OrderLine
from xiangcun.orders.types import EventCode
from xiangcun.sellers.selectors import seller_can_manage

CENT = Decimal("0.01")
MAX_LINES = 50
# The most units of one product option one order (and a cart line) may take: with the stock
# left, the rule `_quantity_allowed` judges for the cart, the product page and the API.
MAX_QUANTITY = 99
# Any whole number up to this parses as a quantity; the limit and the stock are judged after,
# so the answer names how many are left rather than a bare range.
_MAX_PARSED = 10**9
# Ids beyond a 64-bit integer would make the database raise instead of finding nothing.
MAX_ID = 2**62


def _is_id(value: object) -> TypeGuard[int]:
    """An id the database can look up: a positive int (not a bool) below MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _units(value: object, *, field: str = "quantity") -> int:
    """A whole number of units, 1 or more (the limit is `_quantity_allowed`'s to judge)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_PARSED:
        raise InvalidQuantityError(field=field)
    return value


def _quantity_allowed(
    *, variant_id: int, quantity: int, available: int, field: str = "quantity"
) -> int:
    """The stock rule the cart, the product page and checkout share: at most the smaller of
    what is left and MAX_QUANTITY. Over the per-order limit is QuantityOverLimitError
    (invalid_quantity), over what is left QuantityOverStockError (insufficient_stock); both
    carry `available` and `maximum` and say the same sentence."""
    available = max(available, 0)
    maximum = min(available, MAX_QUANTITY)
    if quantity <= maximum:
        return quantity
    error = QuantityOverLimitError if quantity > MAX_QUANTITY else QuantityOverStockError
    raise error(
        variant_id=variant_id,
        requested=quantity,
        available=available,
        maximum=maximum,
        field=field,
    )


def _roles(actor: AnyUser | None) -> set[str]:
    """The roles of an active, signed-in actor (none for anyone else)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return set()
    return {str(role) for role in user_roles(user=actor)}


def _actor_id(actor: AnyUser | None) -> int | None:
    """The signed-in actor's id, as recorded on the order's timeline (None for the platform)."""
    return actor.pk if actor is not None and actor.is_authenticated else None


def _is_buyer(actor: AnyUser | None, order: Order) -> bool:
    """Whether `actor` bought the order or placed it for the buyer."""
    actor_id = _actor_id(actor)
    return actor_id is not None and actor_id in (order.buyer_id, order.placed_by_id)


def _is_seller_of(actor: AnyUser | None, order: Order) -> bool:
    """Whether `actor` manages a shop with lines in the order."""
    if actor is None or not actor.is_authenticated:
        return False
    seller_ids = set(OrderLine.objects.filter(order=order).values_list("seller_id", flat=True))
    return any(seller_can_manage(user=actor, seller_id=seller_id) for seller_id in seller_ids)


def _own_seller_ids(actor: AnyUser | None, order: Order) -> list[int]:
    """The shops with lines in this order that `actor` manages (decided by sellers, on each
    shop's owner)."""
    if actor is None or not actor.is_authenticated:
        return []
    seller_ids = set(OrderLine.objects.filter(order=order).values_list("seller_id", flat=True))
    return [
        seller_id
        for seller_id in sorted(seller_ids)
        if seller_can_manage(user=actor, seller_id=seller_id)
    ]


def _order_locked(order_id: int) -> Order:
    """The order, locked for this transaction (`select_for_update`); OrderNotFoundError if none."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFoundError
    return order


def _event(order: Order, *, actor: AnyUser | None, note: str | EventCode = "") -> None:
    """Add the order's present status to its timeline, with who moved it and why: the system's
    words as an EventCode (put into words when read), a person's note as typed."""
    OrderEvent.objects.create(
        order=order, status=order.status, actor_id=_actor_id(actor), **_note_fields(note)
    )


def _note_fields(note: str | EventCode) -> dict[str, Any]:
    if isinstance(note, EventCode):
        return {"code": note.code, "params": note.params, "note": ""}
    return {"note": note[:200]}


def _sms(order: Order, text: str, **values: SmsParam) -> None:
    """Text the buyer. `text` is a msgid (gettext_noop): the SMS task translates it into the
    buyer's language when it sends it, and puts in `values`, which hold nothing secret."""
    if order.phone:
        sms_queue(phone=order.phone, kind=SMS_TEXT, params={"text": text, **values})


def _stock_reference(order: Order) -> str:
    """The reference the order's stock is held under in inventory."""
    return f"order:{order.number}"


def _order_id_from_reference(reference: str) -> int | None:
    """The order id of a payment's reference `order:<id>`; None for payments of anything else."""
    prefix, _sep, rest = (reference or "").partition(":")
    if prefix != "order" or not rest.isdigit():
        return None
    return int(rest)
