"""WeChat Pay API v3 provider against a local fake WeChat Pay that speaks the real protocol."""

import base64
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tests.payments.wechat_fake import (
    FakeWechatPay,
    WechatKeys,
    new_rsa_key,
    private_pem,
    public_pem,
)
from xiangcun.ledger.selectors import account_balance
from xiangcun.ledger.types import provider_receivable_account
from xiangcun.payments.errors import (
    InvalidAmountError,
    InvalidNotificationError,
    InvalidPaymentDataError,
    ProviderError,
    ProviderNotConfiguredError,
)
from xiangcun.payments.models import PaymentIntent, PaymentNotification, Refund
from xiangcun.payments.providers.wechat import (
    WechatPayProvider,
    amount_to_fen,
    fen_to_amount,
    rfc3339_china,
)
from xiangcun.payments.selectors import notifications_for_payment, payment_get, refund_get
from xiangcun.payments.services import (
    payment_cancel,
    payment_create,
    payment_prepare,
    payment_sync,
    payments_close_due,
    refund_create,
    refund_sync,
    refunds_poll,
)

NOTIFY_URL = "https://xiangcun.example/pay/wechat/notify/"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


@pytest.fixture(scope="session")
def wechat_keys() -> WechatKeys:
    return WechatKeys.generate()


@pytest.fixture(scope="session")
def stranger_key() -> rsa.RSAPrivateKey:
    """A key that is neither the merchant's nor WeChat's."""
    return new_rsa_key()


@pytest.fixture
def wechat_fake(wechat_keys: WechatKeys) -> Iterator[FakeWechatPay]:
    fake = FakeWechatPay(wechat_keys).start()
    yield fake
    fake.stop()


@pytest.fixture
def wechat_settings(settings: Any, wechat_fake: FakeWechatPay, wechat_keys: WechatKeys) -> Any:
    """Settings for WeChat Pay in platform-public-key mode, pointed at the fake."""
    settings.WECHATPAY_MCHID = wechat_keys.mchid
    settings.WECHATPAY_APPID = wechat_keys.appid
    settings.WECHATPAY_PRIVATE_KEY = private_pem(wechat_keys.merchant_key)
    settings.WECHATPAY_CERT_SERIAL_NO = wechat_keys.merchant_serial
    settings.WECHATPAY_APIV3_KEY = wechat_keys.apiv3_key
    settings.WECHATPAY_PUBLIC_KEY = public_pem(wechat_keys.platform_key)
    settings.WECHATPAY_PUBLIC_KEY_ID = wechat_keys.platform_public_key_id
    settings.WECHATPAY_CERT_DIR = ""
    settings.WECHATPAY_NOTIFY_URL = NOTIFY_URL
    settings.WECHATPAY_GATEWAY = wechat_fake.url
    settings.WECHATPAY_TIMEOUT = 5
    return settings


@pytest.fixture
def provider(wechat_settings: Any) -> WechatPayProvider:
    return WechatPayProvider()


def make_intent(
    channel: str = "native", amount: str = "12.34", number: str | None = None
) -> PaymentIntent:
    # Providers never save: an unsaved intent is all they need.
    return PaymentIntent(
        number=number or "P" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f"),
        provider="wechat",
        channel=channel,
        reference="order:1",
        amount=Decimal(amount),
        description="乡村-土鸡蛋 30枚",
        expires_at=datetime(2026, 3, 1, 4, 30, tzinfo=UTC),
    )


def last_body(fake: FakeWechatPay) -> Any:
    return fake.received[-1].json


def assert_signed_by(key: rsa.RSAPrivateKey, message: str, signature: str) -> None:
    key.public_key().verify(
        base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


# -- order creation ----------------------------------------------------------------------------


def test_native_prepare_creates_the_order_and_returns_the_code_url(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, wechat_keys: WechatKeys
) -> None:
    intent = make_intent("native")

    prepared = provider.prepare(intent)

    assert prepared.client_data["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    sent = last_body(wechat_fake)
    assert wechat_fake.received[-1].path == "/v3/pay/transactions/native"
    assert sent["out_trade_no"] == intent.number
    assert sent["amount"] == {"total": 1234, "currency": "CNY"}
    assert sent["mchid"] == wechat_keys.mchid
    assert sent["appid"] == wechat_keys.appid
    assert sent["notify_url"] == NOTIFY_URL
    assert sent["description"] == "乡村-土鸡蛋 30枚"
    assert sent["time_expire"] == "2026-03-01T12:30:00+08:00"
    assert wechat_fake.orders[intent.number].trade_state == "NOTPAY"


def test_jsapi_prepare_returns_prepay_id_and_bridge_parameters_signed_by_the_merchant(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, wechat_keys: WechatKeys
) -> None:
    intent = make_intent("jsapi")

    data = provider.prepare(intent, payer_openid=OPENID).client_data

    assert last_body(wechat_fake)["payer"] == {"openid": OPENID}
    prepay_id = wechat_fake.orders[intent.number].prepay_id
    assert data["prepay_id"] == prepay_id
    params = data["jsapi_params"]
    assert params["appId"] == wechat_keys.appid
    assert params["package"] == f"prepay_id={prepay_id}"
    assert params["signType"] == "RSA"
    assert abs(int(params["timeStamp"]) - time.time()) < 60
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    assert_signed_by(wechat_keys.merchant_key, message, params["paySign"])


def test_h5_prepare_sends_the_payer_ip_and_returns_the_h5_url(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent("h5")

    data = provider.prepare(intent, client_ip="36.112.8.21").client_data

    assert data["h5_url"].startswith("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?")
    assert last_body(wechat_fake)["scene_info"] == {
        "payer_client_ip": "36.112.8.21",
        "h5_info": {"type": "Wap"},
    }
    assert wechat_fake.orders[intent.number].trade_type == "MWEB"


def test_jsapi_needs_the_payer_openid_and_h5_the_payer_ip(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    with pytest.raises(InvalidPaymentDataError):
        provider.prepare(make_intent("jsapi"))
    with pytest.raises(InvalidPaymentDataError):
        provider.prepare(make_intent("h5"))
    assert wechat_fake.received == []


def test_preparing_the_same_order_twice_returns_the_same_prepay_id(
    provider: WechatPayProvider,
) -> None:
    intent = make_intent("jsapi")

    first = provider.prepare(intent, payer_openid=OPENID).client_data
    again = provider.prepare(intent, payer_openid=OPENID).client_data

    assert first["prepay_id"] == again["prepay_id"]


def test_a_request_signed_with_the_wrong_merchant_key_is_refused(
    provider: WechatPayProvider,
    wechat_settings: Any,
    wechat_fake: FakeWechatPay,
    stranger_key: rsa.RSAPrivateKey,
) -> None:
    wechat_settings.WECHATPAY_PRIVATE_KEY = private_pem(stranger_key)

    with pytest.raises(ProviderError) as caught:
        provider.prepare(make_intent())

    assert caught.value.message == "签名错误"
    assert caught.value.details["http_status"] == 401
    assert caught.value.details["wechat_code"] == "SIGN_ERROR"
    assert wechat_fake.orders == {}


def test_an_answer_not_signed_by_wechat_is_not_trusted(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, stranger_key: rsa.RSAPrivateKey
) -> None:
    wechat_fake.answer_key = stranger_key

    with pytest.raises(ProviderError):
        provider.prepare(make_intent())


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [(500, "SYSTEM_ERROR", "系统错误"), (429, "FREQUENCY_LIMITED", "频率超限")],
)
def test_wechat_refusals_become_provider_errors_with_wechat_message(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, status: int, code: str, message: str
) -> None:
    wechat_fake.failures.append((status, code, message))

    with pytest.raises(ProviderError) as caught:
        provider.prepare(make_intent())

    assert caught.value.code == ProviderError.code
    assert caught.value.message == message
    assert caught.value.details == {"http_status": status, "wechat_code": code}


def test_an_unreachable_gateway_is_a_provider_error(
    provider: WechatPayProvider, wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    gateway = wechat_fake.url
    wechat_fake.stop()
    wechat_settings.WECHATPAY_GATEWAY = gateway

    with pytest.raises(ProviderError):
        provider.prepare(make_intent())


def test_the_merchant_key_may_be_given_as_a_path(
    provider: WechatPayProvider, wechat_settings: Any, wechat_keys: WechatKeys, tmp_path: Path
) -> None:
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(private_pem(wechat_keys.merchant_key))
    public_key_file = tmp_path / "pub_key.pem"
    public_key_file.write_text(public_pem(wechat_keys.platform_key))
    wechat_settings.WECHATPAY_PRIVATE_KEY = str(key_file)
    wechat_settings.WECHATPAY_PUBLIC_KEY = str(public_key_file)

    assert provider.prepare(make_intent()).client_data["code_url"]


def test_wechat_pay_is_off_without_a_merchant_id(
    provider: WechatPayProvider, wechat_settings: Any
) -> None:
    wechat_settings.WECHATPAY_MCHID = ""

    with pytest.raises(ProviderNotConfiguredError):
        provider.prepare(make_intent())


def test_the_sdk_client_is_built_once_per_settings(
    provider: WechatPayProvider, wechat_settings: Any
) -> None:
    first = provider._client()
    assert provider._client() is first

    wechat_settings.WECHATPAY_TIMEOUT = 7

    assert provider._client() is not first


# -- query, close, refund ----------------------------------------------------------------------


def test_query_reports_unpaid_then_paid_with_the_transaction_id(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent()
    provider.prepare(intent)

    before = provider.query(intent)
    order = wechat_fake.pay(intent.number)
    after = provider.query(intent)

    assert (before.paid, before.closed, before.raw_state) == (False, False, "NOTPAY")
    assert after.paid
    assert after.transaction_id == order.transaction_id
    assert after.amount == Decimal("12.34")
    assert wechat_fake.received[-1].path == f"/v3/pay/transactions/out-trade-no/{intent.number}" + (
        "?mchid=1900000109"
    )


def test_close_closes_the_order_at_wechat(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent()
    provider.prepare(intent)

    provider.close(intent)

    assert wechat_fake.orders[intent.number].trade_state == "CLOSED"
    status = provider.query(intent)
    assert (status.paid, status.closed) == (False, True)


def test_a_paid_order_cannot_be_closed(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent()
    provider.prepare(intent)
    wechat_fake.pay(intent.number)

    with pytest.raises(ProviderError) as caught:
        provider.close(intent)

    assert caught.value.details["wechat_code"] == "ORDERPAID"


def test_query_of_an_order_wechat_does_not_know_is_a_provider_error(
    provider: WechatPayProvider,
) -> None:
    with pytest.raises(ProviderError) as caught:
        provider.query(make_intent())

    assert caught.value.details["wechat_code"] == "ORDER_NOT_EXIST"


def test_refund_sends_refund_and_total_in_fen(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent(amount="12.34")
    provider.prepare(intent)
    wechat_fake.pay(intent.number)
    refund = Refund(
        intent=intent, number="R" + intent.number, amount=Decimal("5.00"), reason="坏蛋"
    )

    result = provider.refund(refund)

    assert result.succeeded
    assert not result.pending
    assert result.provider_refund_id == wechat_fake.refunds[refund.number]["refund_id"]
    sent = last_body(wechat_fake)
    assert wechat_fake.received[-1].path == "/v3/refund/domestic/refunds"
    assert sent["out_refund_no"] == refund.number
    assert sent["out_trade_no"] == intent.number
    assert sent["amount"] == {"refund": 500, "total": 1234, "currency": "CNY"}
    assert sent["reason"] == "坏蛋"
    assert sent["notify_url"] == NOTIFY_URL


def test_a_refund_wechat_is_still_processing_is_pending(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    wechat_fake.refund_status = "PROCESSING"
    intent = make_intent()
    provider.prepare(intent)
    wechat_fake.pay(intent.number)

    result = provider.refund(Refund(intent=intent, number="R1" + intent.number, amount=Decimal(1)))

    assert (result.succeeded, result.pending) == (False, True)


def test_refunding_more_than_was_paid_is_refused_by_wechat(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    intent = make_intent(amount="1.00")
    provider.prepare(intent)
    wechat_fake.pay(intent.number)

    with pytest.raises(ProviderError) as caught:
        provider.refund(Refund(intent=intent, number="R2" + intent.number, amount=Decimal("2")))

    assert caught.value.message == "申请退款金额超过订单可退金额"


# -- notifications -----------------------------------------------------------------------------


def paid_order(provider: WechatPayProvider, fake: FakeWechatPay, amount: str = "12.34") -> str:
    intent = make_intent(amount=amount)
    provider.prepare(intent)
    fake.pay(intent.number)
    return intent.number


def test_a_genuine_payment_notification_is_verified_and_decrypted(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, wechat_keys: WechatKeys
) -> None:
    number = paid_order(provider, wechat_fake)
    notification = wechat_fake.transaction_notification(number)

    verified = provider.verify_notification(notification.headers, notification.body)

    assert verified.notification_id == notification.id
    assert verified.event_type == "TRANSACTION.SUCCESS"
    assert verified.out_trade_no == number
    assert verified.transaction_id == wechat_fake.orders[number].transaction_id
    assert verified.paid
    assert verified.amount == Decimal("12.34")
    assert verified.resource["mchid"] == wechat_keys.mchid


def test_notification_headers_may_come_as_django_meta_keys(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    notification = wechat_fake.transaction_notification(paid_order(provider, wechat_fake))
    meta = {
        "HTTP_" + name.upper().replace("-", "_"): value
        for name, value in notification.headers.items()
    }

    assert provider.verify_notification(meta, notification.body).paid


def test_a_refund_notification_reports_the_refund(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    wechat_fake.refund_status = "PROCESSING"
    number = paid_order(provider, wechat_fake)
    intent = make_intent(number=number)
    refund = Refund(intent=intent, number="RF" + number, amount=Decimal("2.50"))
    provider.refund(refund)

    notification = wechat_fake.refund_notification(refund.number)
    verified = provider.verify_notification(notification.headers, notification.body)

    assert verified.event_type == "REFUND.SUCCESS"
    assert verified.refund_succeeded
    assert not verified.paid
    assert verified.out_refund_no == refund.number
    assert verified.amount == Decimal("2.50")


@pytest.mark.parametrize(
    "kind", ["forged", "tampered", "stale", "from_the_future", "unknown_serial", "bad_ciphertext"]
)
def test_bad_notifications_are_rejected(
    provider: WechatPayProvider,
    wechat_fake: FakeWechatPay,
    stranger_key: rsa.RSAPrivateKey,
    kind: str,
) -> None:
    number = paid_order(provider, wechat_fake)
    cases: dict[str, dict[str, Any]] = {
        "forged": {"sign_key": stranger_key},
        "tampered": {"tamper": True},
        "stale": {"timestamp": int(time.time()) - 301},
        "from_the_future": {"timestamp": int(time.time()) + 400},
        "unknown_serial": {"serial": "PUB_KEY_ID_0000000000000000000000"},
        "bad_ciphertext": {"apiv3_key": "0" * 32},
    }
    options = cases[kind]
    notification = wechat_fake.transaction_notification(number, **options)

    with pytest.raises(InvalidNotificationError) as caught:
        provider.verify_notification(notification.headers, notification.body)

    assert caught.value.code == "invalid_notification"


def test_a_notification_without_signature_headers_is_rejected(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    notification = wechat_fake.transaction_notification(paid_order(provider, wechat_fake))

    with pytest.raises(InvalidNotificationError):
        provider.verify_notification({}, notification.body)


def test_a_notification_signed_a_minute_ago_is_still_accepted(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay
) -> None:
    number = paid_order(provider, wechat_fake)
    notification = wechat_fake.transaction_notification(number, timestamp=int(time.time()) - 60)

    assert provider.verify_notification(notification.headers, notification.body).paid


def test_platform_certificate_mode_downloads_and_uses_wechat_certificates(
    wechat_settings: Any, wechat_fake: FakeWechatPay, tmp_path: Path
) -> None:
    wechat_fake.mode = "certificate"
    wechat_settings.WECHATPAY_PUBLIC_KEY = ""
    wechat_settings.WECHATPAY_PUBLIC_KEY_ID = ""
    wechat_settings.WECHATPAY_CERT_DIR = str(tmp_path / "certs")
    provider = WechatPayProvider()

    number = paid_order(provider, wechat_fake)
    notification = wechat_fake.transaction_notification(number)

    assert wechat_fake.received[0].path == "/v3/certificates"
    assert (tmp_path / "certs" / f"{wechat_fake.keys.certificate_serial}.pem").exists()
    assert provider.verify_notification(notification.headers, notification.body).paid
    stranger = wechat_fake.transaction_notification(number, serial="ABCDEF0123")
    with pytest.raises(InvalidNotificationError):
        provider.verify_notification(stranger.headers, stranger.body)


# -- amounts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fen"),
    [("12.34", 1234), ("0.01", 1), ("1", 100), ("99.90", 9990), ("12.340", 1234)],
)
def test_yuan_become_whole_fen(amount: str, fen: int) -> None:
    assert amount_to_fen(Decimal(amount)) == fen


@pytest.mark.parametrize("amount", ["12.345", "0.001", "0", "-1.00", "NaN", "Infinity"])
def test_fractions_of_a_fen_and_non_positive_amounts_are_refused(amount: str) -> None:
    with pytest.raises(InvalidAmountError):
        amount_to_fen(Decimal(amount))


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(InvalidAmountError):
        amount_to_fen(12.34)  # type: ignore[arg-type]  # a float on purpose


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"), places=2))
def test_fen_and_yuan_convert_back_and_forth_exactly(amount: Decimal) -> None:
    fen = amount_to_fen(amount)

    assert fen == int(amount * 100)
    assert fen_to_amount(fen) == amount
    assert fen_to_amount(fen).as_tuple().exponent == -2


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=9),
)
def test_any_amount_with_a_third_decimal_is_refused(fen: int, thousandth: int) -> None:
    with pytest.raises(InvalidAmountError):
        amount_to_fen(Decimal(fen).scaleb(-2) + Decimal(thousandth).scaleb(-3))


def test_expiry_is_sent_in_beijing_time() -> None:
    moment = datetime(2026, 1, 1, 2, 0, 5, 123456, tzinfo=UTC)

    assert rfc3339_china(moment) == "2026-01-01T10:00:05+08:00"
    assert rfc3339_china(moment + timedelta(hours=14)) == "2026-01-02T00:00:05+08:00"


# -- end to end through payments.services and /pay/wechat/notify/ ------------------------------

NOTIFY_PATH = "/pay/wechat/notify/"


def wechat_payment(amount: str = "23.50", channel: str = "native") -> PaymentIntent:
    # A reference orders does not claim, so only payments and the ledger take part.
    return payment_create(
        provider="wechat",
        reference=f"test:{time.time_ns()}",
        amount=Decimal(amount),
        description="乡村-小米 5斤",
        channel=channel,
        client_ip="36.112.8.21",
    )


@pytest.mark.django_db
def test_a_wechat_payment_succeeds_once_when_wechat_notifies_twice(
    wechat_settings: Any, wechat_fake: FakeWechatPay, client: Client
) -> None:
    receivable_before = account_balance(code=provider_receivable_account("wechat"))
    intent = wechat_payment()
    assert intent.client_data["code_url"] == (
        "weixin://wxpay/bizpayurl?pr=" + wechat_fake.orders[intent.number].prepay_id[2:12]
    )
    order = wechat_fake.pay(intent.number)
    notification = wechat_fake.transaction_notification(intent.number)

    first = notification.post_with(client, NOTIFY_PATH)
    again = notification.post_with(client, NOTIFY_PATH)

    assert first.status_code in (200, 204)
    assert again.status_code in (200, 204)
    paid = payment_get(number=intent.number)
    assert paid.status == PaymentIntent.Status.SUCCEEDED
    assert paid.provider_transaction_id == order.transaction_id
    assert paid.paid_at is not None
    receivable = account_balance(code=provider_receivable_account("wechat"))
    assert receivable - receivable_before == Decimal("23.50")
    verified = [n for n in notifications_for_payment(number=intent.number) if n.verified]
    assert len(verified) == 1
    assert verified[0].notification_id == notification.id


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["forged", "replayed", "tampered"])
def test_a_bad_notification_is_refused_and_stored_unverified(
    wechat_settings: Any,
    wechat_fake: FakeWechatPay,
    client: Client,
    stranger_key: rsa.RSAPrivateKey,
    kind: str,
) -> None:
    intent = wechat_payment()
    wechat_fake.pay(intent.number)
    cases: dict[str, dict[str, Any]] = {
        "forged": {"sign_key": stranger_key},
        "replayed": {"timestamp": int(time.time()) - 600},
        "tampered": {"tamper": True},
    }
    options = cases[kind]
    notification = wechat_fake.transaction_notification(intent.number, **options)

    response = notification.post_with(client, NOTIFY_PATH)

    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "FAIL"
    assert payment_get(number=intent.number).status == PaymentIntent.Status.PENDING
    stored = PaymentNotification.objects.get(provider="wechat", notification_id=notification.id)
    assert not stored.verified
    assert not stored.processed
    assert stored.error


@pytest.mark.django_db
def test_a_notification_for_less_than_was_due_does_not_mark_the_payment_paid(
    wechat_settings: Any, wechat_fake: FakeWechatPay, client: Client
) -> None:
    intent = wechat_payment("23.50")
    wechat_fake.pay(intent.number)
    notification = wechat_fake.transaction_notification(intent.number, amount_total=1)

    notification.post_with(client, NOTIFY_PATH)

    assert payment_get(number=intent.number).status == PaymentIntent.Status.PENDING


def test_notifications_travel_over_real_http(
    provider: WechatPayProvider, wechat_fake: FakeWechatPay, stranger_key: rsa.RSAPrivateKey
) -> None:
    # A bare HTTP receiver, not Django's live_server: a transactional test cannot flush the
    # append-only ledger tables afterwards. What matters here is the bytes on the wire.
    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            try:
                provider.verify_notification(dict(self.headers.items()), body)
            except InvalidNotificationError:
                self.send_response(400)
            else:
                self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/pay/wechat/notify/"
    number = paid_order(provider, wechat_fake)
    try:
        good, _ = wechat_fake.transaction_notification(number).post(url)
        forged, _ = wechat_fake.transaction_notification(number, sign_key=stranger_key).post(url)
    finally:
        server.shutdown()
        server.server_close()

    assert (good, forged) == (204, 400)


@pytest.mark.django_db
def test_payment_sync_asks_wechat_and_records_the_payment(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    intent = wechat_payment()

    assert payment_sync(number=intent.number).status == PaymentIntent.Status.PENDING
    wechat_fake.pay(intent.number)
    synced = payment_sync(number=intent.number)

    assert synced.status == PaymentIntent.Status.SUCCEEDED
    assert synced.provider_transaction_id == wechat_fake.orders[intent.number].transaction_id


# transaction=True: WeChat is asked once the payment's transaction has committed.
@pytest.mark.django_db(transaction=True)
def test_payment_cancel_closes_the_order_at_wechat(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    intent = wechat_payment()

    cancelled = payment_cancel(number=intent.number)

    assert cancelled.status == PaymentIntent.Status.CANCELLED
    assert wechat_fake.orders[intent.number].trade_state == "CLOSED"


# transaction=True: WeChat is asked once the payment's transaction has committed.
@pytest.mark.django_db(transaction=True)
def test_a_wechat_refund_completes_when_wechat_notifies_it(
    wechat_settings: Any, wechat_fake: FakeWechatPay, client: Client
) -> None:
    wechat_fake.refund_status = "PROCESSING"
    intent = wechat_payment("23.50")
    wechat_fake.pay(intent.number)
    wechat_fake.transaction_notification(intent.number).post_with(client, NOTIFY_PATH)

    refund = refund_create(
        number=intent.number, amount=Decimal("3.50"), reason="少了一斤", refund_number="RF1"
    )
    assert refund.status == Refund.Status.PENDING
    response = wechat_fake.refund_notification("RF1").post_with(client, NOTIFY_PATH)

    assert response.status_code in (200, 204)
    assert refund_get(refund_number="RF1").status == Refund.Status.SUCCEEDED
    refunded = payment_get(number=intent.number)
    assert refunded.status == PaymentIntent.Status.PARTIALLY_REFUNDED
    assert refunded.refunded_amount == Decimal("3.50")


@pytest.mark.django_db
def test_payment_create_leaves_a_payment_to_prepare_again_when_wechat_refuses(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    wechat_fake.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))

    with pytest.raises(ProviderError):
        wechat_payment()

    intent = PaymentIntent.objects.get(provider="wechat")
    assert (intent.status, intent.prepared_at, intent.client_data) == ("pending", None, {})
    prepared = payment_prepare(number=intent.number, client_ip="36.112.8.21")
    again = payment_prepare(number=intent.number, client_ip="36.112.8.21")
    assert prepared.prepared_at is not None
    assert prepared.client_data["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    assert again.client_data == prepared.client_data
    assert list(wechat_fake.orders) == [intent.number]


@pytest.mark.django_db(transaction=True)
def test_wechat_is_called_with_no_transaction_open(
    wechat_settings: Any, wechat_fake: FakeWechatPay, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    prepare = WechatPayProvider.prepare

    def watched(self: WechatPayProvider, intent: PaymentIntent, **kwargs: Any) -> Any:
        seen.append(transaction.get_connection().in_atomic_block)
        return prepare(self, intent, **kwargs)

    monkeypatch.setattr(WechatPayProvider, "prepare", watched)

    intent = wechat_payment()

    assert seen == [False]
    assert intent.client_data["code_url"]


# transaction=True: WeChat is asked once the payment's transaction has committed.
@pytest.mark.django_db(transaction=True)
def test_a_payment_wechat_never_took_is_cancelled_without_asking_it_to_close(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    wechat_fake.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))
    with pytest.raises(ProviderError):
        wechat_payment()
    intent = PaymentIntent.objects.get(provider="wechat")

    cancelled = payment_cancel(number=intent.number)

    assert cancelled.status == "cancelled"
    assert not [request for request in wechat_fake.received if request.path.endswith("/close")]


# --- close, query and refund: asked with no transaction open, answers recorded after ---------


@pytest.fixture
def wechat_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Each call to WeChat's query, close, refund and refund query, and whether a transaction
    was open at that moment."""
    seen: list[tuple[str, bool]] = []
    for name in ("query", "close", "refund", "refund_query"):
        original = getattr(WechatPayProvider, name)

        def watched(self: Any, *args: Any, _name: str = name, _call: Any = original) -> Any:
            seen.append((_name, transaction.get_connection().in_atomic_block))
            return _call(self, *args)

        monkeypatch.setattr(WechatPayProvider, name, watched)
    return seen


def refund_requests(fake: FakeWechatPay) -> list[str]:
    return [
        request.json["out_refund_no"]
        for request in fake.received
        if request.method == "POST" and request.path == "/v3/refund/domestic/refunds"
    ]


@pytest.mark.django_db(transaction=True)
def test_close_query_and_refund_are_asked_of_wechat_with_no_transaction_open(
    wechat_settings: Any, wechat_fake: FakeWechatPay, wechat_calls: list[tuple[str, bool]]
) -> None:
    wechat_fake.refund_status = "PROCESSING"
    unwanted = wechat_payment()
    assert payment_cancel(number=unwanted.number).status == PaymentIntent.Status.CANCELLED
    intent = wechat_payment()
    wechat_fake.pay(intent.number)
    assert payment_sync(number=intent.number).status == PaymentIntent.Status.SUCCEEDED

    refund = refund_create(
        number=intent.number, amount=Decimal("3.50"), reason="少了一斤", refund_number="RF-OUT-1"
    )
    assert refund.status == Refund.Status.PENDING
    assert refund.provider_refund_id == wechat_fake.refunds["RF-OUT-1"]["refund_id"]
    wechat_fake.refund_settle("RF-OUT-1")
    assert refund_sync(refund_number="RF-OUT-1").status == Refund.Status.SUCCEEDED

    assert wechat_calls == [
        ("query", False),
        ("close", False),
        ("query", False),
        ("refund", False),
        ("refund_query", False),
    ]
    assert wechat_fake.orders[unwanted.number].trade_state == "CLOSED"


@pytest.mark.django_db(transaction=True)
def test_a_refund_whose_answer_was_lost_is_sent_again_under_the_same_number_and_made_once(
    wechat_settings: Any, wechat_fake: FakeWechatPay, monkeypatch: pytest.MonkeyPatch
) -> None:
    intent = wechat_payment("23.50")
    wechat_fake.pay(intent.number)
    payment_sync(number=intent.number)
    send = WechatPayProvider.refund

    def answer_lost(self: WechatPayProvider, refund: Refund) -> Any:
        send(self, refund)  # WeChat makes the refund; its answer never reaches us
        raise ProviderError()

    monkeypatch.setattr(WechatPayProvider, "refund", answer_lost)
    refund = refund_create(
        number=intent.number, amount=Decimal("23.50"), reason="", refund_number="RF-LOST-1"
    )
    monkeypatch.setattr(WechatPayProvider, "refund", send)

    # Recorded, pending, not answered: nothing booked yet, nothing refunded twice later.
    assert (refund.status, refund.provider_refund_id) == (Refund.Status.PENDING, "")
    assert payment_get(number=intent.number).refunded_amount == Decimal("0.00")
    assert refunds_poll() == 0  # not due yet
    assert refunds_poll(now=timezone.now() + timedelta(minutes=11)) == 1
    assert refunds_poll(now=timezone.now() + timedelta(minutes=30)) == 0

    assert refund_requests(wechat_fake) == ["RF-LOST-1", "RF-LOST-1"]
    assert wechat_fake.orders[intent.number].refunded == 2350  # once
    assert refund_get(refund_number="RF-LOST-1").status == Refund.Status.SUCCEEDED
    refunded = payment_get(number=intent.number)
    assert (refunded.status, refunded.refunded_amount) == ("refunded", Decimal("23.50"))
    assert account_balance(code=provider_receivable_account("wechat")) == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_a_refund_wechat_cannot_take_stays_pending_and_the_poll_sends_it(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    intent = wechat_payment("23.50")
    wechat_fake.pay(intent.number)
    payment_sync(number=intent.number)
    wechat_fake.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))

    refund = refund_create(
        number=intent.number, amount=Decimal("5.00"), reason="", refund_number="RF-DOWN-1"
    )

    assert (refund.status, refund.provider_refund_id) == (Refund.Status.PENDING, "")
    assert wechat_fake.refunds == {}
    assert refunds_poll(now=timezone.now() + timedelta(minutes=11)) == 1
    assert refund_get(refund_number="RF-DOWN-1").status == Refund.Status.SUCCEEDED
    # Asked again with the same number: the refund that is there comes back, nothing is sent.
    again = refund_create(
        number=intent.number, amount=Decimal("5.00"), reason="", refund_number="RF-DOWN-1"
    )
    assert (again.pk, again.status) == (refund.pk, Refund.Status.SUCCEEDED)
    assert refund_requests(wechat_fake)[-1:] == ["RF-DOWN-1"]
    assert len(refund_requests(wechat_fake)) <= 2
    assert wechat_fake.orders[intent.number].refunded == 500
    assert payment_get(number=intent.number).refunded_amount == Decimal("5.00")


@pytest.mark.django_db(transaction=True)
def test_a_close_wechat_cannot_answer_leaves_the_payment_closing_for_the_poll(
    wechat_settings: Any, wechat_fake: FakeWechatPay
) -> None:
    intent = wechat_payment()
    wechat_fake.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))

    assert payment_cancel(number=intent.number).status == PaymentIntent.Status.CLOSING
    assert wechat_fake.orders[intent.number].trade_state == "NOTPAY"
    # Cancelled here already: a question about it changes nothing.
    assert payment_sync(number=intent.number).status == PaymentIntent.Status.CLOSING

    assert payments_close_due(now=timezone.now() + timedelta(minutes=11)) == 1
    assert payment_get(number=intent.number).status == PaymentIntent.Status.CANCELLED
    assert wechat_fake.orders[intent.number].trade_state == "CLOSED"


@pytest.mark.django_db(transaction=True)
def test_a_payment_notified_while_closing_is_recorded_paid_and_not_closed(
    wechat_settings: Any, wechat_fake: FakeWechatPay, client: Client
) -> None:
    intent = wechat_payment()
    wechat_fake.failures.append((500, "SYSTEM_ERROR", "系统繁忙，请稍后重试"))
    payment_cancel(number=intent.number)
    wechat_fake.pay(intent.number)

    response = wechat_fake.transaction_notification(intent.number).post_with(client, NOTIFY_PATH)
    assert response.status_code in (200, 204)
    assert payments_close_due(now=timezone.now() + timedelta(minutes=11)) == 0  # none closing

    paid = payment_get(number=intent.number)
    assert paid.status == PaymentIntent.Status.SUCCEEDED
    assert not [request for request in wechat_fake.received if request.path.endswith("/close")]
    assert account_balance(code=provider_receivable_account("wechat")) == Decimal("23.50")
