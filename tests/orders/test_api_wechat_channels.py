"""WeChat Pay channels through the orders API, against the local fake WeChat Pay server: a
JSAPI order carries the payer's openid and answers the parameters of WeChat's payment sheet,
and paying again can move an order to another channel (H5 on a phone, JSAPI inside WeChat)."""

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client

from tests.payments.wechat_fake import FakeWechatPay, WechatKeys
from xiangcun.accounts.models import User
from xiangcun.catalog.models import Variant
from xiangcun.inventory.models import Stock
from xiangcun.orders import services
from xiangcun.orders.models import Order
from xiangcun.orders.selectors import order_payment
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.selectors import payment_get
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def _post(client: Client, url: str, body: Any = None) -> Any:
    """POST `body` as JSON; None sends no body at all (as pay-again allowed from the start)."""
    data = b"" if body is None else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def _order_body(variant: Variant, station: Station, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lines": [{"variant": variant.pk, "quantity": 2}],
        "delivery": {"method": "station_pickup", "station": station.pk},
        "payment_method": "wechat",
    }
    body.update(changes)
    return body


def _reserved(variant: Variant) -> int:
    return sum(Stock.objects.filter(variant=variant).values_list("reserved", flat=True))


def _signature_holds(params: dict[str, str], keys: WechatKeys) -> None:
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    keys.merchant_key.public_key().verify(
        base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_a_jsapi_order_through_the_api_pays_as_the_openid_and_answers_the_jsapi_params(
    api: Client,
    variant: Variant,
    station: Station,
    wechat: FakeWechatPay,
    wechat_keys: WechatKeys,
) -> None:
    response = _post(
        api, URL, _order_body(variant, station, wechat_channel="jsapi", payer_openid=OPENID)
    )

    assert response.status_code == 201, response.content
    payment = response.json()["payment"]
    placed = wechat.orders[payment["number"]]
    assert placed.trade_type == "JSAPI"
    assert placed.request["payer"] == {"openid": OPENID}
    params = payment["client_data"]["jsapi_params"]
    assert params["appId"] == wechat_keys.appid
    assert params["package"] == f"prepay_id={placed.prepay_id}"
    assert params["signType"] == "RSA"
    _signature_holds(params, wechat_keys)


def test_a_jsapi_order_without_an_openid_is_refused_with_a_code_and_writes_nothing(
    api: Client, variant: Variant, station: Station, wechat: FakeWechatPay
) -> None:
    response = _post(api, URL, _order_body(variant, station, wechat_channel="jsapi"))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_payment"
    assert body["field"] == "payer_openid"
    assert "openid" in body["message"]
    assert not Order.objects.exists()
    assert not PaymentIntent.objects.exists()
    assert not wechat.orders
    assert _reserved(variant) == 0


def _native_order(api: Client, variant: Variant, station: Station) -> dict[str, Any]:
    """An order placed on a computer: WeChat Pay's Native QR code (the default channel)."""
    response = _post(api, URL, _order_body(variant, station))
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()
    assert data["payment"]["client_data"]["code_url"].startswith("weixin://")
    return data


def test_paying_again_on_a_phone_through_the_api_answers_an_h5_url(
    api: Client,
    variant: Variant,
    station: Station,
    wechat: FakeWechatPay,
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = _native_order(api, variant, station)
    first = order["payment"]["number"]

    # The first payment is closed at WeChat once the renewal has committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api, f"{URL}/{order['id']}/pay", {"wechat_channel": "h5"})

    assert response.status_code == 200, response.content
    payment = response.json()
    assert payment["number"] != first
    assert payment["client_data"]["h5_url"].startswith(
        "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb"
    )
    placed = wechat.orders[payment["number"]]
    assert placed.trade_type == "MWEB"
    assert placed.request["scene_info"]["payer_client_ip"] == "127.0.0.1"
    assert wechat.orders[first].trade_state == "CLOSED"
    assert payment_get(number=first).status == PaymentIntent.Status.CANCELLED
    assert Order.objects.get(pk=order["id"]).payment_number == payment["number"]


def test_paying_again_inside_wechat_through_the_api_answers_jsapi_params(
    api: Client,
    variant: Variant,
    station: Station,
    wechat: FakeWechatPay,
    wechat_keys: WechatKeys,
) -> None:
    order = _native_order(api, variant, station)

    response = _post(
        api, f"{URL}/{order['id']}/pay", {"wechat_channel": "jsapi", "payer_openid": OPENID}
    )

    assert response.status_code == 200, response.content
    payment = response.json()
    placed = wechat.orders[payment["number"]]
    assert placed.trade_type == "JSAPI"
    assert placed.request["payer"] == {"openid": OPENID}
    _signature_holds(payment["client_data"]["jsapi_params"], wechat_keys)


def test_paying_again_with_jsapi_but_no_openid_keeps_the_pending_payment_open(
    api: Client, variant: Variant, station: Station, wechat: FakeWechatPay
) -> None:
    order = _native_order(api, variant, station)
    first = order["payment"]["number"]

    response = _post(api, f"{URL}/{order['id']}/pay", {"wechat_channel": "jsapi"})

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "invalid_payment",
        "payer_openid",
    )
    # The QR code on the computer still works: nothing was closed at WeChat.
    assert wechat.orders[first].trade_state == "NOTPAY"
    assert payment_get(number=first).status == PaymentIntent.Status.PENDING
    assert Order.objects.get(pk=order["id"]).payment_number == first
    assert len(wechat.orders) == 1


@pytest.mark.parametrize("body", [None, {}, {"wechat_channel": "native"}])
def test_paying_again_without_a_channel_or_on_the_same_one_keeps_the_qr_code(
    api: Client, variant: Variant, station: Station, wechat: FakeWechatPay, body: Any
) -> None:
    order = _native_order(api, variant, station)

    response = _post(api, f"{URL}/{order['id']}/pay", body)

    assert response.status_code == 200, response.content
    assert response.json()["number"] == order["payment"]["number"]
    assert response.json()["client_data"]["code_url"].startswith("weixin://")
    assert len(wechat.orders) == 1


def test_an_unknown_channel_is_refused_with_a_code(
    api: Client, variant: Variant, station: Station, wechat: FakeWechatPay
) -> None:
    order = _native_order(api, variant, station)

    response = _post(api, f"{URL}/{order['id']}/pay", {"wechat_channel": "bluetooth"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_payment_method"
    assert response.json()["field"] == "wechat_channel"
    assert wechat.orders[order["payment"]["number"]].trade_state == "NOTPAY"


def test_only_the_buyer_is_answered_the_signed_jsapi_params(
    api: Client,
    client_for: Any,
    agent: User,
    warehouse_manager: User,
    variant: Variant,
    station: Station,
    wechat: FakeWechatPay,
) -> None:
    placed = _post(
        api, URL, _order_body(variant, station, wechat_channel="jsapi", payer_openid=OPENID)
    ).json()
    prepay_id = wechat.orders[placed["payment"]["number"]].prepay_id
    assert placed["payment"]["client_data"]["jsapi_params"]

    for staff in (agent, warehouse_manager):
        response = client_for(staff).get(f"{URL}/{placed['id']}")
        assert response.status_code == 200, response.content
        payment = response.json()["payment"]
        # Staff see whether the order is paid, never what pays it.
        assert payment["status"] == "pending"
        assert payment["client_data"] == {}
        assert prepay_id not in response.content.decode()

    mine = api.get(f"{URL}/{placed['id']}").json()["payment"]
    assert mine["client_data"]["jsapi_params"]["package"] == f"prepay_id={prepay_id}"


def test_whoever_placed_an_order_for_the_buyer_does_not_get_its_signed_params(
    buyer: User, agent: User, variant: Variant, station: Station, wechat: FakeWechatPay
) -> None:
    order = services.order_place(
        buyer=buyer,
        placed_by=agent,
        lines=[(variant.pk, 1)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="wechat",
        idempotency_key=None,
        wechat_channel="jsapi",
        payer_openid=OPENID,
    )
    prepay_id = wechat.orders[order.payment_number].prepay_id

    for_agent = order_payment(order=order, for_user=agent)
    for_buyer = order_payment(order=order, for_user=buyer)
    assert for_agent is not None
    assert for_buyer is not None
    assert for_agent.status == for_buyer.status == "pending"
    assert for_agent.client_data == {}
    assert for_buyer.client_data["jsapi_params"]["package"] == f"prepay_id={prepay_id}"

    page = Client()
    page.force_login(agent)
    response = page.get(f"/orders/{order.pk}/pay/wechat/")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert prepay_id not in response.content.decode()
    buyer_page = Client()
    buyer_page.force_login(buyer)
    assert prepay_id in buyer_page.get(f"/orders/{order.pk}/pay/wechat/").content.decode()
