"""Money that must come back: an order whose parcel returns undelivered is refunded through a
return of every unit; a payment that lands after its order was cancelled (or a second payment
of a paid order) goes straight back through its provider. Every case leaves the ledger whole."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from tests.accounts.factories import UserFactory
from tests.concurrency import run_together
from tests.orders.conftest import home
from tests.payments.wechat_fake import FakeWechatPay
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.ledger.models import JournalEntry, Posting
from xiangcun.ledger.selectors import (
    account_balance,
    entries_for_reference,
    ledger_total,
    seller_balance,
)
from xiangcun.orders import services
from xiangcun.orders.errors import (
    InvalidReturnReasonError,
    InvalidTransitionError,
    OrderNotFoundError,
    OrderPermissionDeniedError,
)
from xiangcun.orders.models import Order, ReturnRequest
from xiangcun.payments import services as payments
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers.sandbox import (
    sandbox_notification_body,
    sandbox_notification_headers,
)
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

NOTIFY_PATH = "/pay/wechat/notify/"


def _ship(order: Order, packer: User) -> Order:
    for status in ("packing", "shipped"):
        services.order_transition(actor=packer, order_id=order.pk, to_status=status)
    order.refresh_from_db()
    return order


def _ledger_whole() -> None:
    """Every entry balances, and so does the whole ledger."""
    entries = list(JournalEntry.objects.all())
    assert entries
    for entry in entries:
        assert sum(Posting.objects.filter(entry=entry).values_list("amount", flat=True)) == 0
    assert ledger_total() == 0


def _late_sandbox_payment(order: Order, *, notification_id: str) -> None:
    """The sandbox tells us the order's payment went through after all."""
    body = sandbox_notification_body(
        notification_id=notification_id, out_trade_no=order.payment_number, amount=order.total
    )
    payments.notification_receive(
        provider="sandbox", headers=sandbox_notification_headers(body), body=body
    )


def _expire(order: Order) -> Order:
    assert services.orders_expire(now=timezone.now() + timedelta(minutes=31)) == 1
    order.refresh_from_db()
    assert order.status == "cancelled"
    return order


# --- a parcel that comes back undelivered ---------------------------------------------------


@pytest.fixture
def shipped_home(
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    packer: User,
) -> Order:
    """Honey ¥40 and batik ¥25 from two shops, delivered home for ¥8, paid, on the van."""
    honey = stocked(on_hand=5, price="40.00")
    batik = stocked(on_hand=5, price="25.00")
    return _ship(pay(place([(honey.pk, 1), (batik.pk, 1)], **home())), packer)


def test_an_undelivered_paid_order_is_refunded_in_full_with_its_delivery_fee(
    shipped_home: Order, courier: User
) -> None:
    order = shipped_home
    assert order.total == Decimal("73.00")
    sellers = sorted(order.lines.values_list("seller_id", flat=True))

    order = services.order_refund_undelivered(actor=courier, order_id=order.pk)

    assert order.status == "refunded"
    (request,) = ReturnRequest.objects.filter(order=order)
    assert (request.reason, request.status, request.amount) == (
        "undelivered",
        "refunded",
        Decimal("73.00"),
    )
    assert sorted(request.lines.values_list("quantity", flat=True)) == [1, 1]
    assert all(line.returned_quantity == line.quantity for line in order.lines.all())
    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", Decimal("73.00"))
    # The allocation is reversed to the fen: sellers, commission and delivery owe nothing.
    for seller_id in sellers:
        assert seller_balance(seller_id=seller_id) == 0
    for code in (
        "commission_income",
        "delivery_income",
        "buyer_payments_clearing",
        "provider_receivable:sandbox",
    ):
        assert account_balance(code=code) == 0, code
    _ledger_whole()
    # The goods come back into stock when the warehouse receives the parcel, not before.
    assert sorted(Stock.objects.values_list("on_hand", flat=True)) == [4, 4]
    assert [event.status for event in order.events.all()][-3:] == [
        "return_requested",
        "return_requested",
        "refunded",
    ]


def test_turning_an_order_back_twice_refunds_once(shipped_home: Order, courier: User) -> None:
    services.order_refund_undelivered(actor=courier, order_id=shipped_home.pk)
    entries, refunds = JournalEntry.objects.count(), Refund.objects.count()

    again = services.order_refund_undelivered(actor=courier, order_id=shipped_home.pk)

    assert again.status == "refunded"
    assert (JournalEntry.objects.count(), Refund.objects.count()) == (entries, refunds)
    assert ReturnRequest.objects.filter(order=shipped_home).count() == 1


def test_an_undelivered_order_paid_in_cash_is_refunded_at_the_station(
    variant: Variant,
    place: Callable[..., Order],
    station: Station,
    packer: User,
    agent: User,
) -> None:
    order = _ship(place([(variant.pk, 2)], payment_method="cash"), packer)
    services.order_confirm_cash(actor=agent, order_id=order.pk, station_id=station.pk)

    order = services.order_refund_undelivered(actor=agent, order_id=order.pk)

    # Until the agent hands the cash back, the refund waits and the order shows it.
    assert order.status == "return_requested"
    request = ReturnRequest.objects.get(order=order)
    assert (request.status, request.amount) == ("approved", Decimal("25.00"))
    assert Refund.objects.get(number=request.refund_number).status == "pending"
    payments.refund_confirm_cash(
        actor=agent, refund_number=request.refund_number, station_id=station.pk
    )
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert account_balance(code=f"cash:station:{station.pk}") == 0
    assert account_balance(code="buyer_payments_clearing") == 0
    assert seller_balance(seller_id=variant.product.seller_id) == 0
    _ledger_whole()


def test_an_undelivered_cash_order_never_paid_is_cancelled(
    variant: Variant, place: Callable[..., Order], packer: User, courier: User
) -> None:
    order = _ship(place([(variant.pk, 2)], payment_method="cash"), packer)

    order = services.order_refund_undelivered(actor=courier, order_id=order.pk)

    assert order.status == "cancelled"
    assert order.cancelled_at is not None
    assert PaymentIntent.objects.get(number=order.payment_number).status == "cancelled"
    assert not Refund.objects.exists()
    assert not ReturnRequest.objects.exists()
    assert not JournalEntry.objects.exists()
    assert services.order_refund_undelivered(actor=courier, order_id=order.pk).status == (
        "cancelled"
    )


def test_only_road_station_and_warehouse_staff_turn_an_order_back(
    shipped_home: Order,
    buyer: User,
    packer: User,
    courier: User,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
) -> None:
    for who in (buyer, packer):
        with pytest.raises(OrderPermissionDeniedError):
            services.order_refund_undelivered(actor=who, order_id=shipped_home.pk)
    assert Order.objects.get(pk=shipped_home.pk).status == "shipped"
    paid_not_packed = pay(place([(stocked().pk, 1)]))
    with pytest.raises(InvalidTransitionError):
        services.order_refund_undelivered(actor=courier, order_id=paid_not_packed.pk)
    with pytest.raises(OrderNotFoundError):
        services.order_refund_undelivered(actor=courier, order_id=10**9)
    assert not Refund.objects.exists()


def test_a_buyer_cannot_ask_for_a_return_as_not_delivered(
    shipped_home: Order, buyer: User, courier: User
) -> None:
    services.order_transition(actor=courier, order_id=shipped_home.pk, to_status="delivered")
    line = shipped_home.lines.first()
    assert line is not None
    with pytest.raises(InvalidReturnReasonError):
        services.return_request(
            actor=buyer, order_id=shipped_home.pk, lines=[(line.pk, 1)], reason="undelivered"
        )


# --- a payment nobody needs -------------------------------------------------------------------


def test_a_payment_after_cancellation_with_the_stock_gone_is_refunded_once(
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    django_capture_on_commit_callbacks: Any,
    sms_outbox: Any,
) -> None:
    last = stocked(on_hand=1, price="30.00")
    late = _expire(place([(last.pk, 1)]))
    pay(place([(last.pk, 1)], buyer=UserFactory()))  # the last unit goes to someone else

    with django_capture_on_commit_callbacks(execute=True):
        _late_sandbox_payment(late, notification_id="N-late")
    _late_sandbox_payment(late, notification_id="N-late")  # delivered again
    _late_sandbox_payment(late, notification_id="N-late-2")  # and told again, another id

    late.refresh_from_db()
    assert late.status == "cancelled"
    assert late.paid_at is not None
    intent = PaymentIntent.objects.get(number=late.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", Decimal("30.00"))
    (refund,) = Refund.objects.filter(intent=intent)
    assert (refund.number, refund.status) == (f"{late.payment_number}R", "succeeded")
    assert refund.reason == gettext("Paid after cancellation")
    # Nothing was sold or allocated for the cancelled order.
    assert Stock.objects.get(variant=last).on_hand == 0
    assert entries_for_reference(reference=f"order:{late.number}") == []
    assert account_balance(code="buyer_payments_clearing") == 0
    assert account_balance(code="provider_receivable:sandbox") == Decimal("30.00")  # the sale
    _ledger_whole()
    assert any(
        message.phone == late.phone and late.number in message.message for message in sms_outbox
    )


def test_a_second_payment_of_a_paid_order_is_refunded(
    variant: Variant,
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    buyer: User,
) -> None:
    order = place([(variant.pk, 1)])
    first = order.payment_number
    payments.sandbox_decide(number=first, approve=False)
    order = pay(services.order_payment_renew(actor=buyer, order_id=order.pk))
    assert order.payment_number != first

    order.payment_number = first  # the declined attempt's money arrives after all
    _late_sandbox_payment(order, notification_id="N-first")

    order.refresh_from_db()
    assert order.status == "paid"
    assert order.payment_number != first
    assert PaymentIntent.objects.get(number=first).status == "refunded"
    assert Refund.objects.get().number == f"{first}R"
    assert len(entries_for_reference(reference=f"order:{order.number}")) == 1
    assert account_balance(code="buyer_payments_clearing") == 0
    assert account_balance(code="provider_receivable:sandbox") == order.total
    _ledger_whole()


# --- the same through WeChat Pay (a local fake that speaks its protocol) ----------------------


@pytest.fixture
def late_wechat(
    wechat: FakeWechatPay,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    django_capture_on_commit_callbacks: Any,
) -> Order:
    """A WeChat order that expired (closed at WeChat) and whose last unit was sold since;
    then the buyer's WeChat payment goes through all the same."""
    last = stocked(on_hand=1, price="30.00")
    placed = place([(last.pk, 1)], payment_method="wechat", wechat_channel="native")
    # WeChat is asked to close the payment once the expiry has committed.
    with django_capture_on_commit_callbacks(execute=True):
        late = _expire(placed)
    assert wechat.orders[late.payment_number].trade_state == "CLOSED"
    pay(place([(last.pk, 1)], buyer=UserFactory()))
    wechat.pay(late.payment_number)
    return late


def test_a_late_wechat_payment_is_refunded_through_wechat_and_settled_by_the_poll(
    late_wechat: Order,
    wechat: FakeWechatPay,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    wechat.refund_status = "PROCESSING"
    notification = wechat.transaction_notification(late_wechat.payment_number)

    # The refund is asked of WeChat once the notification's transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert notification.post_with(client, NOTIFY_PATH).status_code == 204
    assert notification.post_with(client, NOTIFY_PATH).status_code == 204  # WeChat retries

    refund = Refund.objects.get(intent__number=late_wechat.payment_number)
    assert refund.status == "pending"
    sent = wechat.refunds[refund.number]
    assert (sent["out_trade_no"], sent["amount"]["refund"]) == (late_wechat.payment_number, 3000)
    assert sent["reason"] == refund.reason
    assert len(wechat.refunds) == 1
    assert account_balance(code="provider_receivable:wechat") == Decimal("30.00")

    wechat.refund_settle(refund.number)
    assert payments.refunds_poll(now=timezone.now() + timedelta(minutes=11)) == 1

    intent = PaymentIntent.objects.get(number=late_wechat.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", Decimal("30.00"))
    assert account_balance(code="provider_receivable:wechat") == 0
    assert account_balance(code="buyer_payments_clearing") == 0
    assert Order.objects.get(pk=late_wechat.pk).status == "cancelled"
    _ledger_whole()


def test_a_late_payment_wechat_cannot_refund_at_once_is_refunded_on_the_retry(
    late_wechat: Order, wechat: FakeWechatPay, django_capture_on_commit_callbacks: Any
) -> None:
    wechat.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))
    notification = wechat.transaction_notification(late_wechat.payment_number)

    with django_capture_on_commit_callbacks(execute=True):
        payments.notification_receive(
            provider="wechat", headers=notification.headers, body=notification.body
        )

    # The money is booked and held in clearing, not lost with the failed refund. The refund
    # was recorded (pending) before WeChat was asked, so it is not started a second time: the
    # refund poll sends it again under the same out_refund_no.
    intent = PaymentIntent.objects.get(number=late_wechat.payment_number)
    assert intent.status == "succeeded"
    (refund,) = Refund.objects.filter(intent=intent)
    assert (refund.status, refund.provider_refund_id) == ("pending", "")
    assert wechat.refunds == {}
    assert account_balance(code="buyer_payments_clearing") == Decimal("-30.00")
    assert services.late_payments_refund() == 0

    later = timezone.now() + timedelta(minutes=11)
    assert payments.refunds_poll(now=later) == 1
    assert payments.refunds_poll(now=later) == 0  # once

    intent.refresh_from_db()
    assert (intent.status, intent.refunded_amount) == ("refunded", Decimal("30.00"))
    assert list(wechat.refunds) == [refund.number]
    assert account_balance(code="buyer_payments_clearing") == 0
    _ledger_whole()


# --- races (PostgreSQL row locks; SQLite ignores select_for_update) ---------------------------

RACERS = 8


def _race(work: Callable[[int], None]) -> list[str]:
    return run_together(RACERS, work)


@pytest.mark.postgres
def test_racing_staff_turning_one_order_back_refund_it_once(
    transactional_db: None,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
    packer: User,
    courier: User,
    agent: User,
) -> None:
    order = _ship(pay(place([(stocked().pk, 2)])), packer)

    outcomes = _race(
        lambda n: services.order_refund_undelivered(
            actor=courier if n % 2 else agent, order_id=order.pk
        )
    )

    assert outcomes == ["ok"] * RACERS
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert ReturnRequest.objects.filter(order=order).count() == 1
    (refund,) = Refund.objects.all()
    assert refund.amount == order.total
    assert PaymentIntent.objects.get(number=order.payment_number).refunded_amount == order.total
    _ledger_whole()


@pytest.mark.postgres
def test_racing_late_notifications_refund_the_payment_once(
    transactional_db: None,
    stocked: Callable[..., Variant],
    place: Callable[..., Order],
    pay: Callable[[Order], Order],
) -> None:
    last = stocked(on_hand=1, price="30.00")
    late = _expire(place([(last.pk, 1)]))
    pay(place([(last.pk, 1)], buyer=UserFactory()))

    # Pairs share a notification id (true duplicates); the rest are the same news again.
    outcomes = _race(lambda n: _late_sandbox_payment(late, notification_id=f"N-{n // 2}"))

    assert outcomes == ["ok"] * RACERS
    (refund,) = Refund.objects.filter(intent__number=late.payment_number)
    assert refund.status == "succeeded"
    intent = PaymentIntent.objects.get(number=late.payment_number)
    assert (intent.status, intent.refunded_amount) == ("refunded", Decimal("30.00"))
    assert entries_for_reference(reference=f"order:{late.number}") == []
    assert account_balance(code="buyer_payments_clearing") == 0
    _ledger_whole()
