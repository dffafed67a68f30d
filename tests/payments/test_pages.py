"""The sandbox approval page and the WeChat Pay notification URL."""

from decimal import Decimal

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.payments import views
from xiangcun.payments.errors import InvalidNotificationError, PaymentNotPendingError
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.selectors import payment_get
from xiangcun.payments.services import payment_create

pytestmark = pytest.mark.django_db


def _intent(provider: str = "sandbox", return_url: str = "/orders/5/") -> PaymentIntent:
    return payment_create(
        provider=provider,
        reference="test:1",
        amount=Decimal("12.50"),
        description="丹寨硒锌米 5斤",
        return_url=return_url if provider == "sandbox" else "",
    )


def test_the_page_shows_the_amount_what_it_pays_for_and_two_big_buttons() -> None:
    intent = _intent()

    response = Client().get(intent.client_data["approve_url"])

    assert response.status_code == 200
    html = response.content.decode()
    assert "¥12.50" in html
    assert "丹寨硒锌米 5斤" in html
    assert 'name="decision" value="approve"' in html
    assert 'name="decision" value="decline"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" not in html.split("</header>")[-1]


def test_approving_without_javascript_pays_and_returns_to_the_shop() -> None:
    client = Client(enforce_csrf_checks=True)
    intent = _intent(return_url="/orders/5/")
    url = reverse("payments:sandbox", kwargs={"number": intent.number})
    token = client.get(url).context["csrf_token"]

    response = client.post(url, {"decision": "approve", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == "/orders/5/"
    assert payment_get(number=intent.number).status == "succeeded"
    assert len(entries_for_reference(reference=f"payment:{intent.number}")) == 1


def test_next_wins_over_the_return_url_but_only_on_this_site() -> None:
    client = Client()
    intent = _intent()
    url = reverse("payments:sandbox", kwargs={"number": intent.number})

    response = client.post(f"{url}?next=https://evil.example/steal", {"decision": "decline"})
    assert response["Location"] == "/orders/5/"
    assert payment_get(number=intent.number).status == "failed"

    other = _intent()
    other_url = reverse("payments:sandbox", kwargs={"number": other.number})
    response = client.post(other_url, {"decision": "approve", "next": "/orders/6/?paid=1"})
    assert response["Location"] == "/orders/6/?paid=1"


def test_a_post_without_the_csrf_token_is_refused() -> None:
    intent = _intent()
    url = reverse("payments:sandbox", kwargs={"number": intent.number})

    response = Client(enforce_csrf_checks=True).post(url, {"decision": "approve"})

    assert response.status_code == 403
    assert payment_get(number=intent.number).status == "pending"


def test_a_decided_payment_shows_its_status_and_explains_a_late_click() -> None:
    client = Client()
    intent = _intent(return_url="")
    url = reverse("payments:sandbox", kwargs={"number": intent.number})
    assert client.post(url, {"decision": "decline"})["Location"] == url

    response = client.post(url, {"decision": "approve"})

    assert response.status_code == 409
    assert str(response.context["error_message"]) == str(PaymentNotPendingError.default_message)
    assert 'value="approve"' not in response.content.decode()


def test_a_missing_decision_is_explained() -> None:
    intent = _intent()
    url = reverse("payments:sandbox", kwargs={"number": intent.number})
    response = Client().post(url, {})
    assert response.status_code == 400
    assert response.context["error_message"]
    assert payment_get(number=intent.number).status == "pending"


def test_unknown_and_non_sandbox_payments_have_no_page() -> None:
    client = Client()
    assert client.get(reverse("payments:sandbox", kwargs={"number": "P-none"})).status_code == 404
    cash = _intent(provider="cash")
    assert (
        client.get(reverse("payments:sandbox", kwargs={"number": cash.number})).status_code == 404
    )


def test_the_wechat_notify_url_answers_fail_when_wechat_pay_is_off() -> None:
    response = Client(enforce_csrf_checks=True).post(
        reverse("payments:wechat_notify"), data="{}", content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "FAIL"


@override_settings(WECHATPAY_MCHID="1900000001")
def test_the_wechat_notify_url_passes_the_signed_headers_and_body_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict] = []

    def receive(**kwargs: object) -> None:
        calls.append(kwargs)

    monkeypatch.setattr(views, "notification_receive", receive)
    response = Client(enforce_csrf_checks=True).post(
        reverse("payments:wechat_notify"),
        data='{"id": "EV-1"}',
        content_type="application/json",
        HTTP_WECHATPAY_SIGNATURE="c2ln",
        HTTP_WECHATPAY_TIMESTAMP="1700000000",
        HTTP_WECHATPAY_NONCE="abc",
        HTTP_WECHATPAY_SERIAL="PUB_KEY_ID_1",
        HTTP_COOKIE_SECRET="not passed on",
    )

    assert response.status_code == 204
    (call,) = calls
    assert call["provider"] == "wechat"
    assert call["body"] == '{"id": "EV-1"}'
    headers = {key.lower(): value for key, value in call["headers"].items()}
    assert headers["wechatpay-signature"] == "c2ln"
    assert headers["wechatpay-serial"] == "PUB_KEY_ID_1"
    assert "cookie-secret" not in headers


@override_settings(WECHATPAY_MCHID="1900000001")
def test_the_wechat_notify_url_answers_fail_for_a_forged_notification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def receive(**kwargs: object) -> None:
        raise InvalidNotificationError(reason="bad_signature")

    monkeypatch.setattr(views, "notification_receive", receive)
    response = Client().post(
        reverse("payments:wechat_notify"), data="{}", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"code": "FAIL", "message": "invalid_notification"}


def test_the_wechat_notify_url_takes_only_post() -> None:
    assert Client().get(reverse("payments:wechat_notify")).status_code == 405
