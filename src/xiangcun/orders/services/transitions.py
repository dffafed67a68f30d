"""The order's state machine: who may move an order where (the one table), the move itself
(`_set_status`), and `order_transition` for the steps that need nothing but the move."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.validators import text_check
from xiangcun.inventory.services import reservation_consume
from xiangcun.orders.errors import (
    CashNotCollectedError,
    InvalidTransitionError,
    OrderPermissionDeniedError,
)
from xiangcun.orders.models import Order, OrderLine
from xiangcun.orders.services._common import (
    _event,
    _is_buyer,
    _is_seller_of,
    _order_locked,
    _own_seller_ids,
    _roles,
    _sms,
    _stock_reference,
)
from xiangcun.orders.types import EventCode, Move, OrderStatus

# Who may move an order where: the one table, and the staff it names.
_PACKING_STAFF = frozenset({Role.WAREHOUSE, Role.PACKER, Role.ADMIN})
_SHIPPING_STAFF = frozenset({Role.WAREHOUSE, Role.PACKER, Role.DRIVER, Role.COURIER, Role.ADMIN})
_DELIVERY_STAFF = frozenset({Role.DRIVER, Role.COURIER, Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_CANCEL_STAFF = frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_RETURN_STAFF = frozenset({Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
# Who turns a parcel back undelivered: the road staff after the third failed delivery, the
# station agent when nobody collected it, the warehouse.
_UNDELIVERED_STAFF = frozenset({Role.DRIVER, Role.COURIER, Role.AGENT, Role.WAREHOUSE, Role.ADMIN})
_UNDELIVERED = Move(staff=_UNDELIVERED_STAFF, system=True, via="order_refund_undelivered")
# Staff who may open any order (to pack, carry, hand over or help a buyer).
ORDER_VIEW_STAFF = _PACKING_STAFF | _SHIPPING_STAFF | _DELIVERY_STAFF | {Role.PROGRAMME_MANAGER}

TRANSITIONS: dict[tuple[str, str], Move] = {
    (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID): Move(system=True, via="order_mark_paid"),
    (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED): Move(
        buyer=True, staff=_CANCEL_STAFF, system=True, via="order_cancel"
    ),
    (OrderStatus.AWAITING_CASH, OrderStatus.PAID): Move(system=True, via="order_mark_paid"),
    (OrderStatus.AWAITING_CASH, OrderStatus.CANCELLED): Move(
        buyer=True, staff=_CANCEL_STAFF, system=True, via="order_cancel"
    ),
    # Cash on delivery: packed and sent before the cash, which is taken at the hand-over.
    (OrderStatus.AWAITING_CASH, OrderStatus.PACKING): Move(seller=True, staff=_PACKING_STAFF),
    (OrderStatus.PAID, OrderStatus.PACKING): Move(seller=True, staff=_PACKING_STAFF),
    (OrderStatus.PACKING, OrderStatus.SHIPPED): Move(seller=True, staff=_SHIPPING_STAFF),
    # A national carrier's "delivered" push moves it too (the system, on the carrier's word).
    (OrderStatus.SHIPPED, OrderStatus.DELIVERED): Move(staff=_DELIVERY_STAFF, system=True),
    (OrderStatus.DELIVERED, OrderStatus.COMPLETED): Move(
        buyer=True, staff=frozenset({Role.ADMIN}), system=True
    ),
    (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    (OrderStatus.COMPLETED, OrderStatus.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    # A partial refund leaves units that may still be returned.
    (OrderStatus.REFUNDED, OrderStatus.RETURN_REQUESTED): Move(buyer=True, via="return_request"),
    (OrderStatus.RETURN_REQUESTED, OrderStatus.REFUNDED): Move(system=True, via="return_decide"),
    # A rejected return puts the order back where it was.
    (OrderStatus.RETURN_REQUESTED, OrderStatus.DELIVERED): Move(
        staff=_RETURN_STAFF, via="return_decide"
    ),
    (OrderStatus.RETURN_REQUESTED, OrderStatus.COMPLETED): Move(
        staff=_RETURN_STAFF, via="return_decide"
    ),
    # A payment that lands after the order expired revives it if the stock is still there.
    (OrderStatus.CANCELLED, OrderStatus.PAID): Move(system=True, via="order_mark_paid"),
    # The parcel comes back without ever being handed over (three failed deliveries, or never
    # collected from its station); logistics asks, as the staff member who turned it back.
    # Paid: every unit goes back through a return approved at once, whose refund then moves
    # the order to refunded (return_requested -> refunded above). Cash never taken: the order
    # is cancelled. Packing too, for a parcel turned back before its order was marked shipped.
    (OrderStatus.PACKING, OrderStatus.RETURN_REQUESTED): _UNDELIVERED,
    (OrderStatus.SHIPPED, OrderStatus.RETURN_REQUESTED): _UNDELIVERED,
    (OrderStatus.PACKING, OrderStatus.CANCELLED): _UNDELIVERED,
    (OrderStatus.SHIPPED, OrderStatus.CANCELLED): _UNDELIVERED,
}

# A seller moves their own lines, never the whole order: each step a line may take (to: from),
# and the steps of the order while its sellers may move lines. The order becomes packing when
# its first line does and shipped when its last line is shipped (`order_transition`).
Fulfilment = OrderLine.Fulfilment
_LINE_STEPS: dict[str, str] = {
    Fulfilment.PACKING: Fulfilment.OPEN,
    Fulfilment.SHIPPED: Fulfilment.PACKING,
}
_SELLER_STAGES = frozenset({OrderStatus.PAID, OrderStatus.AWAITING_CASH, OrderStatus.PACKING})

# The steps the buyer is texted about.
_SMS_STATUSES = {
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.REFUNDED,
    OrderStatus.CANCELLED,
}


def _may_move(actor: AnyUser | None, order: Order, move: Move) -> bool:
    """Whether `actor` may move the order along `move`: as the platform, staff, buyer or one of its
    sellers."""
    if _may_move_whole(actor, order, move):
        return True
    return actor is not None and move.seller and _is_seller_of(actor, order)


def _may_move_whole(actor: AnyUser | None, order: Order, move: Move) -> bool:
    """The platform, staff or the buyer: whoever may move the whole order along `move` (a
    seller moves only their own lines; see `order_transition`)."""
    if actor is None:
        return move.system
    if move.staff and _roles(actor) & move.staff:
        return True
    return move.buyer and _is_buyer(actor, order)


def _status_sms(order: Order) -> None:
    """Text the buyer the order's new status, for the steps they are told about."""
    if order.status not in _SMS_STATUSES:
        return
    with translation.override(None):
        label = str(OrderStatus(order.status).label)  # its msgid, translated when the text is sent
    _sms(
        order,
        gettext_noop("Xiangcun order %(number)s: %(status)s."),
        number=order.number,
        status=label,
        translate=["status"],
    )


def _set_status(
    order: Order,
    *,
    to_status: str,
    actor: AnyUser | None,
    note: str | EventCode = "",
    via: str = "",
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Move a locked order along the table, record the step and text the buyer."""
    move = TRANSITIONS.get((order.status, to_status))
    if move is None or move.via != via:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    if not _may_move(actor, order, move):
        raise OrderPermissionDeniedError
    order.status = to_status
    order.save(update_fields=["status", "updated_at", *extra_fields])
    _event(order, actor=actor, note=note)
    _status_sms(order)


@transaction.atomic
def order_transition(
    *, actor: AnyUser | None, order_id: int, to_status: str, note: str = ""
) -> Order:
    """Move an order one step along the table (packing, shipped, delivered, completed), if
    `actor` may. Payment, cancellation and returns have their own services.

    Staff move the whole order, and its lines with it. A seller moves only the lines of their
    own shop (packing, then shipped), never another seller's goods nor the order as such: the
    order becomes packing when its first line does, and shipped when its last line is shipped.
    """
    text_check(note=note)
    if to_status not in OrderStatus.values:
        raise InvalidTransitionError(to_status=to_status)
    order = _order_locked(order_id)
    move = TRANSITIONS.get((order.status, to_status))
    if move is not None and move.via:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status, use=move.via)
    if move is None or not _may_move_whole(actor, order, move):
        seller_ids = _own_seller_ids(actor, order) if to_status in _LINE_STEPS else []
        if seller_ids:
            return _seller_lines_move(
                order, actor=actor, seller_ids=seller_ids, to_status=to_status, note=note
            )
        if move is None:
            raise InvalidTransitionError(from_status=order.status, to_status=to_status)
        raise OrderPermissionDeniedError
    if (
        to_status == OrderStatus.DELIVERED
        and order.payment_method == Order.PaymentMethod.CASH
        and order.paid_at is None
    ):
        raise CashNotCollectedError
    if to_status in _LINE_STEPS:
        # The whole order, so every line that has not got this far yet.
        OrderLine.objects.filter(order=order).exclude(
            fulfilment__in=(to_status, Fulfilment.SHIPPED)
        ).update(fulfilment=to_status)
    _order_step(order, to_status=to_status, actor=actor, note=note)
    return order


def _order_step(
    order: Order, *, to_status: str, actor: AnyUser | None, note: str | EventCode
) -> None:
    """Move a locked order one step of `order_transition`, with what that step records."""
    extra: tuple[str, ...] = ()
    if to_status == OrderStatus.PACKING and order.status == OrderStatus.AWAITING_CASH:
        # Cash on delivery: the goods leave stock now; the hold must not lapse on the road.
        reservation_consume(reference=_stock_reference(order))
        order.expires_at = None
        extra = ("expires_at",)
    if to_status == OrderStatus.COMPLETED:
        order.completed_at = timezone.now()
        extra = ("completed_at",)
    _set_status(order, to_status=to_status, actor=actor, note=note, extra_fields=extra)


def _seller_lines_move(
    order: Order, *, actor: AnyUser | None, seller_ids: list[int], to_status: str, note: str
) -> Order:
    """A seller's own lines of a locked order take one step; the order follows its lines."""
    if order.status not in _SELLER_STAGES:
        raise InvalidTransitionError(from_status=order.status, to_status=to_status)
    lines = list(
        OrderLine.objects.filter(order=order, seller_id__in=seller_ids)
        .select_related("seller")
        .order_by("pk")
    )
    for line in lines:
        if line.fulfilment != _LINE_STEPS[to_status]:
            raise InvalidTransitionError(
                from_status=line.fulfilment, to_status=to_status, order_line_id=line.pk
            )
    OrderLine.objects.filter(pk__in=[line.pk for line in lines]).update(fulfilment=to_status)
    shops = "、".join(sorted({str(line.seller) for line in lines}))
    code = "shop_packing" if to_status == Fulfilment.PACKING else "shop_sent"
    step: str | EventCode = (note or "").strip() or EventCode(code, {"shop": shops})
    if order.status in (OrderStatus.PAID, OrderStatus.AWAITING_CASH):
        _order_step(order, to_status=OrderStatus.PACKING, actor=actor, note=step)
    elif to_status == Fulfilment.SHIPPED and not (
        OrderLine.objects.filter(order=order).exclude(fulfilment=Fulfilment.SHIPPED).exists()
    ):
        _order_step(order, to_status=OrderStatus.SHIPPED, actor=actor, note=step)
    else:
        # The order stays where it is; the buyer's timeline still shows the shop's step.
        _event(order, actor=actor, note=step)
    return order
