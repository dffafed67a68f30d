"""Returns: the buyer asks, staff decide, the money goes back the way it came (sandbox at
once, cash at a station) and the ledger reverses the refunded goods."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.selectors import account_balance, ledger_total, seller_balance
from xiangcun.orders import services
from xiangcun.orders.errors import (
    InvalidReturnLinesError,
    OrderPermissionDeniedError,
    ReturnNotAllowedError,
)
from xiangcun.orders.models import Order, ReturnRequest
from xiangcun.payments import services as payments
from xiangcun.payments.models import PaymentIntent
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db


def _deliver(order: Order, packer: User, courier: User) -> Order:
    for actor, status in ((packer, "packing"), (packer, "shipped"), (courier, "delivered")):
        services.order_transition(actor=actor, order_id=order.pk, to_status=status)
    order.refresh_from_db()
    return order


@pytest.fixture
def delivered(
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    packer: User,
    courier: User,
) -> Order:
    honey = stocked(on_hand=5, price="40.00")
    batik = stocked(on_hand=5, price="25.00")
    return _deliver(pay(place([(honey.pk, 2), (batik.pk, 1)])), packer, courier)


def test_sandbox_return_is_refunded_at_once_and_reversed_in_the_ledger(
    delivered: Order, buyer: User, agent: User
) -> None:
    honey_line = delivered.lines.get(unit_price=Decimal("40.00"))
    before = seller_balance(seller_id=honey_line.seller_id)

    request = services.return_request(
        actor=buyer, order_id=delivered.pk, lines=[(honey_line.pk, 1)], reason="damaged"
    )
    assert Order.objects.get(pk=delivered.pk).status == "return_requested"
    services.return_decide(actor=agent, return_id=request.pk, approve=True)

    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    assert request.amount == Decimal("40.00")
    assert Order.objects.get(pk=delivered.pk).status == "refunded"
    intent = PaymentIntent.objects.get(number=delivered.payment_number)
    assert (intent.status, intent.refunded_amount) == ("partially_refunded", Decimal("40.00"))
    # 40.00 back from the seller (38.00) and the platform's commission (2.00).
    assert seller_balance(seller_id=honey_line.seller_id) == before - Decimal("38.00")
    assert account_balance(code="commission_income") == Decimal("-5.25") + Decimal("2.00")
    assert account_balance(code="buyer_payments_clearing") == 0
    assert account_balance(code="provider_receivable:sandbox") == Decimal("65.00")
    entries = list(JournalEntry.objects.all())
    assert entries
    for entry in entries:
        assert sum(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == 0
    assert ledger_total() == 0
    assert honey_line.__class__.objects.get(pk=honey_line.pk).returned_quantity == 1


def test_cash_return_is_paid_out_at_a_station(
    variant: Variant,
    place: Callable[..., Order],
    station: Station,
    buyer: User,
    agent: User,
    packer: User,
    courier: User,
) -> None:
    order = place([(variant.pk, 2)], payment_method="cash")
    services.order_confirm_cash(actor=agent, order_id=order.pk, station_id=station.pk)
    order = _deliver(order, packer, courier)
    line = order.lines.get()

    request = services.return_request(
        actor=buyer, order_id=order.pk, lines=[(line.pk, 2)], reason="spoiled"
    )
    request = services.return_decide(actor=agent, return_id=request.pk, approve=True)
    assert request.status == ReturnRequest.Status.APPROVED  # waits for the cash pay-out
    payments.refund_confirm_cash(
        actor=agent, refund_number=request.refund_number, station_id=station.pk
    )

    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert account_balance(code=f"cash:station:{station.pk}") == 0
    assert seller_balance(seller_id=variant.product.seller_id) == 0
    assert account_balance(code="commission_income") == 0
    assert ledger_total() == 0


def test_rejected_return_puts_the_order_back(delivered: Order, buyer: User, agent: User) -> None:
    line = delivered.lines.first()
    request = services.return_request(
        actor=buyer, order_id=delivered.pk, lines=[(line.pk, 1)], reason="changed_mind"
    )

    services.return_decide(actor=agent, return_id=request.pk, approve=False, note="opened")

    assert Order.objects.get(pk=delivered.pk).status == "delivered"
    assert ReturnRequest.objects.get(pk=request.pk).status == "rejected"


def test_returns_are_checked(
    delivered: Order,
    buyer: User,
    courier: User,
    variant: Variant,
    place: Callable[..., Order],
) -> None:
    line = delivered.lines.first()
    with pytest.raises(InvalidReturnLinesError):
        services.return_request(
            actor=buyer, order_id=delivered.pk, lines=[(line.pk, 99)], reason="damaged"
        )
    with pytest.raises(OrderPermissionDeniedError):
        services.return_request(
            actor=courier, order_id=delivered.pk, lines=[(line.pk, 1)], reason="damaged"
        )
    unpaid = place([(variant.pk, 1)])
    with pytest.raises(ReturnNotAllowedError):
        services.return_request(
            actor=buyer, order_id=unpaid.pk, lines=[(unpaid.lines.get().pk, 1)], reason="other"
        )
    request = services.return_request(
        actor=buyer, order_id=delivered.pk, lines=[(line.pk, 1)], reason="damaged"
    )
    with pytest.raises(OrderPermissionDeniedError):
        services.return_decide(actor=buyer, return_id=request.pk, approve=True)
