"""Checkout: one order for goods of several sellers, prices copied, stock held, payment started,
nothing written when the stock is short."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.orders.conftest import home
from xiangcun.catalog.models import Variant
from xiangcun.core.errors import XiangcunError
from xiangcun.inventory.errors import InsufficientStockError
from xiangcun.inventory.models import Reservation, Stock
from xiangcun.orders.models import Order, OrderEvent, OrderLine
from xiangcun.payments.models import PaymentIntent
from xiangcun.regions.models import Address

pytestmark = pytest.mark.django_db


def test_order_groups_lines_by_seller_and_copies_name_and_price(
    stocked: Callable[..., Variant], place: Callable[..., Order]
) -> None:
    rice = stocked(on_hand=5, price="30.00")
    tea = stocked(on_hand=5, price="45.50")

    order = place([(tea.pk, 1), (rice.pk, 2)])

    lines = list(order.lines.all())
    assert [line.seller_id for line in lines] == sorted(
        [rice.product.seller_id, tea.product.seller_id]
    )
    by_variant = {line.variant_id: line for line in lines}
    assert by_variant[rice.pk].unit_price == Decimal("30.00")
    assert by_variant[rice.pk].line_total == Decimal("60.00")
    assert by_variant[tea.pk].product_name == tea.product.name
    assert order.goods_total == Decimal("105.50")
    assert order.delivery_fee == Decimal("0.00")  # pickup is free
    assert order.status == Order.Status.PENDING_PAYMENT
    rice.price = Decimal("99.00")
    rice.save()
    assert OrderLine.objects.get(order=order, variant=rice).unit_price == Decimal("30.00")


def test_home_delivery_costs_the_fee_below_the_free_delivery_amount(
    stocked: Callable[..., Variant], place: Callable[..., Order]
) -> None:
    variant = stocked(on_hand=20, price="10.00")

    small = place([(variant.pk, 2)], **home())
    large = place([(variant.pk, 10)], **home())

    assert (small.delivery_fee, small.total) == (Decimal("8.00"), Decimal("28.00"))
    assert (large.delivery_fee, large.total) == (Decimal("0.00"), Decimal("100.00"))
    assert small.address_text.startswith("贵州省")
    assert small.phone == "13800138000"
    assert Address.objects.count() == 2


def test_placing_holds_stock_and_starts_a_payment(
    variant: Variant, place: Callable[..., Order]
) -> None:
    order = place([(variant.pk, 3)])

    stock = Stock.objects.get(variant=variant)
    assert (stock.on_hand, stock.reserved) == (10, 3)
    assert Reservation.objects.get(reference=f"order:{order.number}").quantity == 3
    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert (intent.reference, intent.amount, intent.provider) == (
        f"order:{order.pk}",
        order.total,
        "sandbox",
    )
    assert list(OrderEvent.objects.filter(order=order).values_list("status", flat=True)) == [
        "pending_payment"
    ]


def test_cash_order_awaits_cash_and_is_held_longer(
    variant: Variant, place: Callable[..., Order]
) -> None:
    online = place([(variant.pk, 1)])
    cash = place([(variant.pk, 1)], payment_method="cash")

    assert cash.status == Order.Status.AWAITING_CASH
    assert (
        cash.expires_at - online.expires_at > (cash.expires_at - cash.created_at) / 2
    )  # 72 hours against 30 minutes
    assert PaymentIntent.objects.get(number=cash.payment_number).channel == "station"


def test_short_stock_refuses_the_order_and_writes_nothing(
    stocked: Callable[..., Variant], place: Callable[..., Order]
) -> None:
    plenty = stocked(on_hand=10)
    scarce = stocked(on_hand=1)

    with pytest.raises(InsufficientStockError) as raised:
        place([(plenty.pk, 2), (scarce.pk, 2)])

    assert raised.value.code == "insufficient_stock"
    assert Order.objects.count() == 0
    assert PaymentIntent.objects.count() == 0
    assert Reservation.objects.count() == 0
    assert Stock.objects.get(variant=plenty).reserved == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"lines": []}, "invalid_lines"),
        ({"lines": [(10**9, 1)]}, "variant_unavailable"),
        ({"lines": "QUANTITY0"}, "invalid_quantity"),
        ({"lines": "QUANTITY_HUGE"}, "invalid_quantity"),
        ({"station_id": None}, "station_required"),
        ({"station_id": 10**9}, "station_unavailable"),
        ({"payment_method": "alipay"}, "invalid_payment_method"),
        ({"delivery_method": "drone"}, "invalid_delivery_method"),
        (home(phone="12345"), "invalid_phone"),
        (home(province=""), "invalid_address"),
        ({"delivery_method": "home", "address": None}, "address_required"),
        ({"idempotency_key": "spaces are not allowed"}, "invalid_idempotency_key"),
    ],
)
def test_bad_checkout_input_is_refused_with_a_code(
    variant: Variant, place: Callable[..., Order], changes: dict, code: str
) -> None:
    if changes.get("lines") == "QUANTITY0":
        changes = {"lines": [(variant.pk, 0)]}
    elif changes.get("lines") == "QUANTITY_HUGE":
        changes = {"lines": [(variant.pk, 10000)]}
    arguments = {"lines": [(variant.pk, 1)], **changes}

    with pytest.raises(XiangcunError) as raised:
        place(**arguments)

    assert raised.value.code == code
    assert raised.value.status in (400, 422)
    assert Order.objects.count() == 0


def test_delisted_variant_cannot_be_ordered(variant: Variant, place: Callable[..., Order]) -> None:
    variant.is_active = False
    variant.save()

    with pytest.raises(XiangcunError) as raised:
        place([(variant.pk, 1)])

    assert raised.value.code == "variant_unavailable"


def test_placing_texts_the_buyer_after_commit(
    variant: Variant,
    place: Callable[..., Order],
    sms_outbox: list,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place([(variant.pk, 1)])
        assert sms_outbox == []
    for callback in callbacks:
        callback()

    assert [message.phone for message in sms_outbox] == [order.phone]
    assert order.number in sms_outbox[0].message
