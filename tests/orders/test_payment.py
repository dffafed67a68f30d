"""Payment makes an order paid in the same transaction: stock sold, money allocated in the
ledger to sellers, commission and delivery, every entry balanced."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.orders.conftest import home
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Reservation, Stock
from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.selectors import account_balance, ledger_total, seller_balance
from xiangcun.orders import services
from xiangcun.orders.errors import CashNotCollectedError
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db


def _entries_balance() -> bool:
    return all(
        sum(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == 0
        for entry in JournalEntry.objects.all()
    )


def test_sandbox_payment_makes_the_order_paid_and_sells_the_stock(
    variant: Variant, place: Callable[..., Order], pay: Callable[[Order], Order]
) -> None:
    order = place([(variant.pk, 3)])

    order = pay(order)

    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (7, 0)
    assert Reservation.objects.get(reference=f"order:{order.number}").status == "consumed"
    assert [e.status for e in order.events.order_by("id")] == ["pending_payment", "paid"]


def test_allocation_splits_the_payment_between_sellers_commission_and_delivery(
    stocked: Callable[..., Variant], place: Callable[..., Order], pay: Callable[[Order], Order]
) -> None:
    honey = stocked(on_hand=5, price="33.33")
    batik = stocked(on_hand=5, price="10.10")
    order = pay(place([(honey.pk, 1), (batik.pk, 3)], **home()))

    # 33.33 * 5% = 1.6665 -> 1.67 and 30.30 * 5% = 1.515 -> 1.52 (ROUND_HALF_UP per seller).
    assert seller_balance(seller_id=honey.product.seller_id) == Decimal("31.66")
    assert seller_balance(seller_id=batik.product.seller_id) == Decimal("28.78")
    assert account_balance(code="commission_income") == Decimal("-3.19")
    assert account_balance(code="delivery_income") == Decimal("-8.00")
    payables = Decimal("31.66") + Decimal("28.78")
    assert payables + Decimal("3.19") + Decimal("8.00") == order.total == Decimal("71.63")
    assert account_balance(code="buyer_payments_clearing") == 0
    assert _entries_balance()
    assert ledger_total() == 0


def test_a_second_success_callback_changes_nothing(
    variant: Variant, place: Callable[..., Order], pay: Callable[[Order], Order]
) -> None:
    order = pay(place([(variant.pk, 2)]))
    entries = JournalEntry.objects.count()

    services.order_mark_paid(
        reference=f"order:{order.pk}", payment_number=order.payment_number, amount=order.total
    )

    assert JournalEntry.objects.count() == entries
    assert Stock.objects.get(variant=variant).on_hand == 8
    assert order.events.filter(status="paid").count() == 1


def test_cash_confirmed_at_the_station_makes_the_order_paid(
    variant: Variant, place: Callable[..., Order], station: Station, agent: User
) -> None:
    order = place([(variant.pk, 2)], payment_method="cash")

    services.order_confirm_cash(actor=agent, order_id=order.pk, station_id=station.pk)

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert account_balance(code=f"cash:station:{station.pk}") == order.total
    assert seller_balance(seller_id=variant.product.seller_id) == Decimal("23.75")
    assert _entries_balance()


def test_cash_on_delivery_is_packed_and_shipped_before_the_cash(
    variant: Variant,
    place: Callable[..., Order],
    station: Station,
    packer: User,
    courier: User,
) -> None:
    order = place([(variant.pk, 1)], payment_method="cash", **home())
    services.order_transition(actor=packer, order_id=order.pk, to_status="packing")
    services.order_transition(actor=packer, order_id=order.pk, to_status="shipped")
    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (9, 0)  # left the shelf when packed

    with pytest.raises(CashNotCollectedError):
        services.order_transition(actor=courier, order_id=order.pk, to_status="delivered")
    payments.payment_confirm_cash(actor=courier, number=order.payment_number, station_id=station.pk)
    services.order_transition(actor=courier, order_id=order.pk, to_status="delivered")

    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.paid_at is not None
    assert seller_balance(seller_id=variant.product.seller_id) > 0
    assert _entries_balance()
