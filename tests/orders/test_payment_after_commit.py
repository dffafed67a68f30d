"""Checkout calls WeChat Pay only after the order is committed: no transaction is open (no
stock row, no order locked) while WeChat answers, and a WeChat that fails leaves a placed order
whose payment the buyer can start again, under the same payment number, never twice."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.payments.wechat_fake import FakeWechatPay
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.orders import services
from xiangcun.orders.errors import OrderNotCancellableError
from xiangcun.orders.models import Order
from xiangcun.payments import services as payments
from xiangcun.payments.errors import ProviderError
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.providers.wechat import WechatPayProvider

# Committed for real: inside a test transaction every call would look "inside a transaction".
pytestmark = pytest.mark.django_db(transaction=True)

WECHAT_BUSY = (500, "SYSTEM_ERROR", "系统繁忙，请稍后重试")


@pytest.fixture
def in_transaction_at_wechat(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each call to WeChat Pay's order creation: was a transaction open at that moment?"""
    seen: list[bool] = []
    prepare = WechatPayProvider.prepare

    def watched(self: WechatPayProvider, intent: PaymentIntent, **kwargs: Any) -> Any:
        seen.append(transaction.get_connection().in_atomic_block)
        return prepare(self, intent, **kwargs)

    monkeypatch.setattr(WechatPayProvider, "prepare", watched)
    return seen


def _reserved(variant: Variant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("reserved", flat=True))


def test_checkout_calls_wechat_with_no_transaction_open(
    place: Callable[..., Order],
    variant: Variant,
    wechat: FakeWechatPay,
    in_transaction_at_wechat: list[bool],
) -> None:
    order = place([(variant.pk, 2)], payment_method="wechat", wechat_channel="native")

    assert in_transaction_at_wechat == [False]
    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert intent.prepared_at is not None
    assert intent.client_data["code_url"].startswith("weixin://")
    assert list(wechat.orders) == [order.payment_number]


def test_paying_again_calls_wechat_with_no_transaction_open(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
    in_transaction_at_wechat: list[bool],
) -> None:
    order = place([(variant.pk, 1)], payment_method="wechat", wechat_channel="native")

    services.order_payment_renew(
        actor=buyer, order_id=order.pk, wechat_channel="h5", client_ip="36.112.8.21"
    )

    assert in_transaction_at_wechat == [False, False]


def test_wechat_failing_at_checkout_leaves_a_placed_order_the_buyer_pays_again(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
) -> None:
    wechat.failures.append(WECHAT_BUSY)

    order = place([(variant.pk, 2)], payment_method="wechat", wechat_channel="native")

    placed = Order.objects.get(pk=order.pk)
    intent = PaymentIntent.objects.get(number=placed.payment_number)
    assert placed.status == "pending_payment"
    assert _reserved(variant) == 2
    assert (intent.status, intent.prepared_at, intent.client_data) == ("pending", None, {})
    assert wechat.orders == {}

    again = services.order_payment_renew(actor=buyer, order_id=order.pk)
    twice = services.order_payment_renew(actor=buyer, order_id=order.pk)

    assert again.payment_number == twice.payment_number == placed.payment_number
    assert PaymentIntent.objects.filter(reference=f"order:{order.pk}").count() == 1
    intent.refresh_from_db()
    assert intent.prepared_at is not None
    assert intent.client_data["code_url"].startswith("weixin://")
    assert list(wechat.orders) == [placed.payment_number]


def test_wechat_failing_again_when_paying_again_says_so_and_changes_nothing(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
) -> None:
    wechat.failures.extend([WECHAT_BUSY, WECHAT_BUSY])
    order = place([(variant.pk, 1)], payment_method="wechat", wechat_channel="native")

    with pytest.raises(ProviderError):
        services.order_payment_renew(actor=buyer, order_id=order.pk)

    placed = Order.objects.get(pk=order.pk)
    assert placed.status == "pending_payment"
    assert placed.payment_number == order.payment_number
    assert PaymentIntent.objects.get(number=order.payment_number).status == "pending"


def test_an_order_whose_payment_never_reached_wechat_can_be_cancelled(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
) -> None:
    wechat.failures.append(WECHAT_BUSY)
    order = place([(variant.pk, 3)], payment_method="wechat", wechat_channel="native")

    services.order_cancel(actor=buyer, order_id=order.pk, reason="")

    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert PaymentIntent.objects.get(number=order.payment_number).status == "cancelled"
    assert _reserved(variant) == 0


def test_the_api_answers_the_placed_order_and_pay_gets_the_code(
    api: Client, variant: Variant, station: Any, wechat: FakeWechatPay
) -> None:
    wechat.failures.append(WECHAT_BUSY)
    body = {
        "lines": [{"variant": variant.pk, "quantity": 1}],
        "delivery": {"method": "station_pickup", "station": station.pk},
        "payment_method": "wechat",
    }

    placed = api.post("/api/v1/orders", data=json.dumps(body), content_type="application/json")
    paid = api.post(
        f"/api/v1/orders/{placed.json()['id']}/pay", data="", content_type="application/json"
    )

    assert placed.status_code == 201
    assert placed.json()["status"] == "pending_payment"
    assert placed.json()["payment"]["client_data"] == {}
    assert paid.status_code == 200
    assert paid.json()["number"] == placed.json()["payment"]["number"]
    assert paid.json()["client_data"]["code_url"].startswith("weixin://")


# --- cancelling: the order is cancelled in its transaction, WeChat is asked after ------------


@pytest.fixture
def wechat_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each call to WeChat Pay's query, close, refund and refund query, and whether a
    transaction was open at that moment."""
    seen: list[tuple[str, bool]] = []
    for name in ("query", "close", "refund", "refund_query"):
        original = getattr(WechatPayProvider, name)

        def watched(self: Any, *args: Any, _name: str = name, _call: Any = original) -> Any:
            seen.append((_name, transaction.get_connection().in_atomic_block))
            return _call(self, *args)

        monkeypatch.setattr(WechatPayProvider, name, watched)
    return seen


def test_cancelling_an_order_closes_its_payment_at_wechat_with_no_transaction_open(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
    wechat_calls: list[tuple[str, bool]],
) -> None:
    order = place([(variant.pk, 2)], payment_method="wechat", wechat_channel="native")

    services.order_cancel(actor=buyer, order_id=order.pk, reason="")

    assert wechat_calls == [("query", False), ("query", False), ("close", False)]
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert PaymentIntent.objects.get(number=order.payment_number).status == "cancelled"
    assert wechat.orders[order.payment_number].trade_state == "CLOSED"
    assert _reserved(variant) == 0


def test_an_order_cancelled_while_wechat_is_down_stays_cancelled_and_the_poll_closes_it(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
) -> None:
    order = place([(variant.pk, 2)], payment_method="wechat", wechat_channel="native")
    wechat.failures.extend([WECHAT_BUSY, WECHAT_BUSY])  # the question first, then the close

    services.order_cancel(actor=buyer, order_id=order.pk, reason="")

    # The order is cancelled and its stock free; the payment waits to be closed at WeChat.
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert _reserved(variant) == 0
    assert PaymentIntent.objects.get(number=order.payment_number).status == "closing"
    assert wechat.orders[order.payment_number].trade_state == "NOTPAY"
    assert payments.payments_close_due() == 0  # not due yet

    assert payments.payments_close_due(now=timezone.now() + timedelta(minutes=11)) == 1

    assert PaymentIntent.objects.get(number=order.payment_number).status == "cancelled"
    assert wechat.orders[order.payment_number].trade_state == "CLOSED"
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_an_order_paid_at_wechat_before_the_cancel_is_paid_not_cancelled(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
) -> None:
    order = place([(variant.pk, 1)], payment_method="wechat", wechat_channel="native")
    wechat.pay(order.payment_number)  # its notification has not come yet

    with pytest.raises(OrderNotCancellableError):
        services.order_cancel(actor=buyer, order_id=order.pk, reason="")

    assert Order.objects.get(pk=order.pk).status == "paid"
    assert PaymentIntent.objects.get(number=order.payment_number).status == "succeeded"
    assert not [request for request in wechat.received if request.path.endswith("/close")]


def test_a_payment_made_between_the_cancel_and_the_close_is_recorded_once(
    place: Callable[..., Order],
    variant: Variant,
    buyer: User,
    wechat: FakeWechatPay,
    client: Client,
) -> None:
    order = place([(variant.pk, 1)], payment_method="wechat", wechat_channel="native")
    wechat.failures.extend([WECHAT_BUSY, WECHAT_BUSY])
    services.order_cancel(actor=buyer, order_id=order.pk, reason="")
    assert PaymentIntent.objects.get(number=order.payment_number).status == "closing"

    # The buyer pays on the phone all the same, and WeChat's notification comes first.
    wechat.pay(order.payment_number)
    response = wechat.transaction_notification(order.payment_number).post_with(
        client, "/pay/wechat/notify/"
    )
    assert response.status_code == 204
    assert payments.payments_close_due(now=timezone.now() + timedelta(minutes=11)) == 0

    intent = PaymentIntent.objects.get(number=order.payment_number)
    assert intent.status == "succeeded"
    # The unit was still there: the cancelled order is sold after all, paid once.
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert not [request for request in wechat.received if request.path.endswith("/close")]
    assert entries_for_reference(reference=f"payment:{order.payment_number}")
