"""Checkout calls WeChat Pay only after the order is committed: no transaction is open (no
stock row, no order locked) while WeChat answers, and a WeChat that fails leaves a placed order
whose payment the buyer can start again, under the same payment number, never twice."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tests.payments.wechat_fake import FakeWechatPay, WechatKeys, wechat_settings_apply
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.orders import services
from xiangcun.orders.models import Order
from xiangcun.payments.errors import ProviderError
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.providers.wechat import WechatPayProvider

# Committed for real: inside a test transaction every call would look "inside a transaction".
pytestmark = pytest.mark.django_db(transaction=True)

WECHAT_BUSY = (500, "SYSTEM_ERROR", "系统繁忙，请稍后重试")


@pytest.fixture(scope="module")
def wechat_keys() -> WechatKeys:
    return WechatKeys.generate()


@pytest.fixture
def wechat(settings: Any, wechat_keys: WechatKeys) -> Iterator[FakeWechatPay]:
    fake = FakeWechatPay(wechat_keys).start()
    wechat_settings_apply(settings, fake, wechat_keys)
    yield fake
    fake.stop()


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
