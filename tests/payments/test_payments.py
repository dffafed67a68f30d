"""Opening payments, the sandbox decision, cash confirmed by staff, sync and cancel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.conftest import Clock
from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import account_balance, entries_for_reference, ledger_total
from xiangcun.payments.errors import (
    CashPermissionDeniedError,
    InvalidAmountError,
    InvalidChannelError,
    InvalidPaymentDataError,
    PaymentExpiredError,
    PaymentNotFoundError,
    PaymentNotPendingError,
    ProviderNotConfiguredError,
    ReferenceAlreadyPaidError,
    UnknownProviderError,
    WrongProviderError,
)
from xiangcun.payments.models import PaymentIntent
from xiangcun.payments.selectors import payment_get, payments_for_reference
from xiangcun.payments.services import (
    payment_cancel,
    payment_confirm_cash,
    payment_create,
    payment_succeeded_register,
    payment_sync,
    sandbox_decide,
)
from xiangcun.payments.types import PaymentResult
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

D = Decimal


def _sandbox(
    reference: str = "test:1", amount: str = "12.50", return_url: str = ""
) -> PaymentIntent:
    return payment_create(
        provider="sandbox",
        reference=reference,
        amount=D(amount),
        description="丹寨硒锌米 5斤",
        return_url=return_url,
    )


def _cash(reference: str = "test:1", amount: str = "58.00") -> PaymentIntent:
    return payment_create(
        provider="cash", reference=reference, amount=D(amount), description="蜡染围巾"
    )


def test_a_sandbox_payment_gets_an_approval_page_and_a_payment_window(clock: Clock) -> None:
    intent = _sandbox(return_url="/orders/7/")

    assert intent.status == "pending"
    assert intent.channel == ""
    assert intent.client_data == {
        "approve_url": f"/pay/sandbox/{intent.number}/",
        "return_url": "/orders/7/",
    }
    assert intent.expires_at == clock.now + timedelta(minutes=30)
    assert intent.number.startswith("P")
    assert 6 <= len(intent.number) <= 32
    assert intent.number.isalnum()
    assert payment_get(number=intent.number) == intent
    assert payments_for_reference(reference="test:1") == [intent]


@override_settings(PAYMENT_WINDOW_MINUTES=5)
def test_the_payment_window_comes_from_settings(clock: Clock) -> None:
    assert _sandbox().expires_at == clock.now + timedelta(minutes=5)


def test_cash_defaults_to_delivery_and_does_not_expire_by_itself() -> None:
    intent = _cash()
    assert (intent.channel, intent.expires_at, intent.client_data) == (
        "delivery",
        None,
        {"pay_at": "delivery"},
    )
    station_cash = payment_create(
        provider="cash", reference="test:2", amount=D("1"), description="x", channel="station"
    )
    assert station_cash.channel == "station"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"provider": "alipay"}, UnknownProviderError),
        ({"provider": "wechat"}, ProviderNotConfiguredError),
        ({"channel": "native"}, InvalidChannelError),
        ({"amount": D("0")}, InvalidAmountError),
        ({"amount": D("-1.00")}, InvalidAmountError),
        ({"amount": D("1.005")}, InvalidAmountError),
        ({"amount": 1.5}, InvalidAmountError),
        ({"amount": D("Infinity")}, InvalidAmountError),
        ({"description": "  "}, InvalidPaymentDataError),
        ({"description": "x" * 128}, InvalidPaymentDataError),
        ({"reference": ""}, InvalidPaymentDataError),
        ({"return_url": "https://evil.example/"}, InvalidPaymentDataError),
        ({"return_url": "//evil.example/"}, InvalidPaymentDataError),
        ({"expires_at": timezone.now().replace(tzinfo=None)}, InvalidPaymentDataError),
    ],
)
def test_bad_payment_data_is_refused_and_writes_nothing(changes: dict, error: type) -> None:
    arguments = {
        "provider": "sandbox",
        "reference": "test:1",
        "amount": D("10.00"),
        "description": "米",
        **changes,
    }
    with pytest.raises(error):
        payment_create(**arguments)
    assert PaymentIntent.objects.count() == 0


@override_settings(WECHATPAY_MCHID="1900000001")
def test_a_wechat_jsapi_payment_needs_the_payers_openid() -> None:
    with pytest.raises(InvalidPaymentDataError) as raised:
        payment_create(
            provider="wechat", reference="t:1", amount=D("1.00"), description="x", channel="jsapi"
        )
    assert raised.value.field == "payer_openid"


@override_settings(PAYMENTS_SANDBOX_ENABLED=False)
def test_the_sandbox_can_be_switched_off() -> None:
    with pytest.raises(ProviderNotConfiguredError):
        _sandbox()


def test_approving_posts_the_payment_once_and_tells_the_handlers_once(
    paid_results: list[PaymentResult],
) -> None:
    intent = _sandbox(amount="12.50")

    sandbox_decide(number=intent.number, approve=True)
    again = sandbox_decide(number=intent.number, approve=True)

    assert again.status == "succeeded"
    assert again.paid_at is not None
    assert again.provider_transaction_id == f"sandbox-{intent.number}"
    (entry,) = entries_for_reference(reference=f"payment:{intent.number}")
    assert entry.kind == "payment"
    assert sorted((p.account.code, p.amount) for p in entry.postings.all()) == [
        ("buyer_payments_clearing", D("-12.50")),
        ("provider_receivable:sandbox", D("12.50")),
    ]
    assert len(paid_results) == 1
    result = paid_results[0]
    assert (result.number, result.reference, result.amount, result.provider) == (
        intent.number,
        "test:1",
        D("12.50"),
        "sandbox",
    )
    assert ledger_total() == 0


def test_declining_fails_the_payment_and_posts_nothing(paid_results: list[PaymentResult]) -> None:
    intent = _sandbox()

    declined = sandbox_decide(number=intent.number, approve=False)
    assert sandbox_decide(number=intent.number, approve=False).status == "failed"

    assert declined.status == "failed"
    with pytest.raises(PaymentNotPendingError):
        sandbox_decide(number=intent.number, approve=True)
    assert entries_for_reference(reference=f"payment:{intent.number}") == []
    assert paid_results == []


def test_a_payment_past_its_window_cannot_be_approved(clock: Clock) -> None:
    intent = _sandbox()
    clock.advance(minutes=31)

    with pytest.raises(PaymentExpiredError):
        sandbox_decide(number=intent.number, approve=True)

    assert payment_get(number=intent.number).status == "pending"
    assert account_balance(code="provider_receivable:sandbox") == 0


def test_sandbox_decide_refuses_other_providers_and_unknown_numbers() -> None:
    with pytest.raises(WrongProviderError):
        sandbox_decide(number=_cash().number, approve=True)
    with pytest.raises(PaymentNotFoundError):
        sandbox_decide(number="P-none", approve=True)


def test_a_handler_that_fails_rolls_the_payment_back() -> None:
    def refuse(result: PaymentResult) -> None:
        raise RuntimeError("order could not be marked paid")

    payment_succeeded_register(refuse)
    intent = _sandbox()

    with pytest.raises(RuntimeError):
        sandbox_decide(number=intent.number, approve=True)

    assert payment_get(number=intent.number).status == "pending"
    assert entries_for_reference(reference=f"payment:{intent.number}") == []


def test_registering_a_handler_twice_calls_it_once(paid_results: list[PaymentResult]) -> None:
    payment_succeeded_register(paid_results.append)
    sandbox_decide(number=_sandbox().number, approve=True)
    assert len(paid_results) == 1


def test_a_reference_already_paid_cannot_get_another_payment() -> None:
    sandbox_decide(number=_sandbox(reference="order:9").number, approve=True)
    with pytest.raises(ReferenceAlreadyPaidError):
        _sandbox(reference="order:9")
    # A declined attempt does not block a new one.
    sandbox_decide(number=_sandbox(reference="order:10").number, approve=False)
    assert _sandbox(reference="order:10").status == "pending"


def test_staff_confirm_cash_at_a_station_once(
    courier: User, station: Station, paid_results: list[PaymentResult]
) -> None:
    intent = _cash(amount="58.00")

    confirmed = payment_confirm_cash(actor=courier, number=intent.number, station_id=station.pk)
    payment_confirm_cash(actor=courier, number=intent.number, station_id=station.pk)

    assert confirmed.status == "succeeded"
    assert (confirmed.confirmed_by_id, confirmed.station_id) == (courier.pk, station.pk)
    (entry,) = entries_for_reference(reference=f"payment:{intent.number}")
    assert entry.kind == "cash_collected"
    assert account_balance(code=f"cash:station:{station.pk}") == D("58.00")
    assert account_balance(code="buyer_payments_clearing") == D("-58.00")
    assert [(r.station_id, r.confirmed_by_id) for r in paid_results] == [(station.pk, courier.pk)]


def test_only_cash_staff_may_confirm_cash(buyer: User, station: Station) -> None:
    intent = _cash()
    with pytest.raises(CashPermissionDeniedError) as raised:
        payment_confirm_cash(actor=buyer, number=intent.number, station_id=station.pk)
    assert raised.value.status == 403
    assert payment_get(number=intent.number).status == "pending"


def test_cash_confirmation_checks_station_and_provider(courier: User, station: Station) -> None:
    with pytest.raises(StationNotFoundError):
        payment_confirm_cash(actor=courier, number=_cash().number, station_id=999_999)
    with pytest.raises(WrongProviderError):
        payment_confirm_cash(
            actor=courier, number=_sandbox(reference="t:2").number, station_id=station.pk
        )


def test_cancel_closes_a_pending_payment_and_is_idempotent() -> None:
    intent = _sandbox()

    cancelled = payment_cancel(number=intent.number)
    again = payment_cancel(number=intent.number)

    assert cancelled.status == again.status == "cancelled"
    with pytest.raises(PaymentNotPendingError):
        sandbox_decide(number=intent.number, approve=True)


def test_a_paid_payment_cannot_be_cancelled() -> None:
    intent = _sandbox()
    sandbox_decide(number=intent.number, approve=True)
    with pytest.raises(PaymentNotPendingError):
        payment_cancel(number=intent.number)


def test_sync_leaves_a_sandbox_payment_as_it_is() -> None:
    intent = _sandbox()
    assert payment_sync(number=intent.number).status == "pending"
    sandbox_decide(number=intent.number, approve=True)
    assert payment_sync(number=intent.number).status == "succeeded"
    assert len(entries_for_reference(reference=f"payment:{intent.number}")) == 1
