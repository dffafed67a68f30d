"""Refunds through the original provider, cash refunds paid out at a station, and cash
handed over from a station to the county office."""

from decimal import Decimal

import pytest

from xiangcun.accounts.models import User
from xiangcun.ledger.selectors import account_balance, entries_for_reference, ledger_total
from xiangcun.payments.errors import (
    CashHandoverExceedsBalanceError,
    CashPermissionDeniedError,
    InvalidPaymentDataError,
    PaymentNotRefundableError,
    RefundExceedsPaymentError,
    RefundNumberConflictError,
    WrongProviderError,
)
from xiangcun.payments.models import PaymentIntent, Refund
from xiangcun.payments.providers.base import RefundResult
from xiangcun.payments.providers.sandbox import (
    SandboxProvider,
    sandbox_notification_body,
    sandbox_notification_headers,
)
from xiangcun.payments.selectors import payment_get, refund_get, refunds_for_payment
from xiangcun.payments.services import (
    cash_handover_record,
    notification_receive,
    payment_confirm_cash,
    payment_create,
    refund_confirm_cash,
    refund_create,
    sandbox_decide,
)
from xiangcun.payments.types import RefundCompleted
from xiangcun.regions.models import Station

pytestmark = pytest.mark.django_db

D = Decimal


def _paid_sandbox(amount: str = "100.00") -> PaymentIntent:
    intent = payment_create(
        provider="sandbox", reference="test:1", amount=D(amount), description="茶叶"
    )
    return sandbox_decide(number=intent.number, approve=True)


def _paid_cash(courier: User, station: Station, amount: str = "60.00") -> PaymentIntent:
    intent = payment_create(
        provider="cash", reference="test:2", amount=D(amount), description="鸡蛋"
    )
    return payment_confirm_cash(actor=courier, number=intent.number, station_id=station.pk)


def test_a_partial_then_full_refund_goes_back_through_the_sandbox(
    refund_results: list[RefundCompleted],
) -> None:
    intent = _paid_sandbox("100.00")

    first = refund_create(
        number=intent.number, amount=D("30.00"), reason="坏了", refund_number="R1"
    )
    assert payment_get(number=intent.number).status == "partially_refunded"
    second = refund_create(number=intent.number, amount=D("70.00"), reason="", refund_number="R2")

    assert first.status == second.status == "succeeded"
    assert first.provider_refund_id == "sandbox-refund-R1"
    intent.refresh_from_db()
    assert (intent.status, intent.refunded_amount) == ("refunded", D("100.00"))
    (entry,) = entries_for_reference(reference="refund:R1", kind="refund")
    assert sorted((p.account.code, p.amount) for p in entry.postings.all()) == [
        ("buyer_payments_clearing", D("30.00")),
        ("provider_receivable:sandbox", D("-30.00")),
    ]
    assert account_balance(code="provider_receivable:sandbox") == 0
    assert account_balance(code="buyer_payments_clearing") == 0
    assert [(r.refund_number, r.amount, r.payment_status) for r in refund_results] == [
        ("R1", D("30.00"), "partially_refunded"),
        ("R2", D("70.00"), "refunded"),
    ]
    assert [r.number for r in refunds_for_payment(number=intent.number)] == ["R1", "R2"]
    assert refund_get(refund_number="R1").intent_id == intent.pk
    assert ledger_total() == 0


def test_a_refund_cannot_exceed_what_is_left(refund_results: list[RefundCompleted]) -> None:
    intent = _paid_sandbox("10.00")
    refund_create(number=intent.number, amount=D("6.00"), reason="", refund_number="R1")

    with pytest.raises(RefundExceedsPaymentError) as raised:
        refund_create(number=intent.number, amount=D("4.01"), reason="", refund_number="R2")

    assert raised.value.details == {"refundable": "4.00"}
    assert Refund.objects.count() == 1
    assert len(refund_results) == 1


def test_a_refund_number_is_an_idempotency_key() -> None:
    intent = _paid_sandbox("10.00")
    first = refund_create(number=intent.number, amount=D("5.00"), reason="", refund_number="R1")

    again = refund_create(number=intent.number, amount=D("5.00"), reason="", refund_number="R1")
    with pytest.raises(RefundNumberConflictError):
        refund_create(number=intent.number, amount=D("4.00"), reason="", refund_number="R1")

    assert again.pk == first.pk
    assert len(entries_for_reference(reference="refund:R1")) == 1
    assert payment_get(number=intent.number).refunded_amount == D("5.00")


def test_an_unpaid_payment_cannot_be_refunded() -> None:
    intent = payment_create(provider="sandbox", reference="t:1", amount=D("5"), description="x")
    with pytest.raises(PaymentNotRefundableError):
        refund_create(number=intent.number, amount=D("5.00"), reason="", refund_number="R1")
    with pytest.raises(InvalidPaymentDataError):
        refund_create(number=intent.number, amount=D("5.00"), reason="", refund_number="R 1")


def test_a_pending_refund_is_settled_by_the_providers_notification(
    monkeypatch: pytest.MonkeyPatch, refund_results: list[RefundCompleted]
) -> None:
    monkeypatch.setattr(
        SandboxProvider, "refund", lambda self, refund: RefundResult(succeeded=False, pending=True)
    )
    intent = _paid_sandbox("20.00")
    refund = refund_create(number=intent.number, amount=D("20.00"), reason="", refund_number="R9")
    assert refund.status == "pending"
    # A pending refund holds its amount: nothing more can be refunded meanwhile.
    with pytest.raises(RefundExceedsPaymentError):
        refund_create(number=intent.number, amount=D("0.01"), reason="", refund_number="R10")

    body = sandbox_notification_body(
        notification_id="N-R9", event_type="REFUND.SUCCESS", out_refund_no="R9"
    )
    headers = sandbox_notification_headers(body)
    notification_receive(provider="sandbox", headers=headers, body=body)
    notification_receive(provider="sandbox", headers=headers, body=body)

    refund.refresh_from_db()
    assert refund.status == "succeeded"
    assert payment_get(number=intent.number).status == "refunded"
    assert len(entries_for_reference(reference="refund:R9")) == 1
    assert len(refund_results) == 1


def test_a_cash_refund_waits_for_staff_at_a_station(
    courier: User, buyer: User, station: Station, refund_results: list[RefundCompleted]
) -> None:
    intent = _paid_cash(courier, station, "60.00")
    refund = refund_create(
        number=intent.number, amount=D("20.00"), reason="少了", refund_number="C1"
    )
    assert refund.status == "pending"
    assert refund_results == []

    with pytest.raises(CashPermissionDeniedError):
        refund_confirm_cash(actor=buyer, refund_number="C1", station_id=station.pk)
    paid_out = refund_confirm_cash(actor=courier, refund_number="C1", station_id=station.pk)
    refund_confirm_cash(actor=courier, refund_number="C1", station_id=station.pk)

    assert paid_out.status == "succeeded"
    assert (paid_out.station_id, paid_out.confirmed_by_id) == (station.pk, courier.pk)
    assert account_balance(code=f"cash:station:{station.pk}") == D("40.00")
    assert len(entries_for_reference(reference="refund:C1")) == 1
    assert len(refund_results) == 1
    assert ledger_total() == 0


def test_only_cash_refunds_are_confirmed_as_cash(courier: User, station: Station) -> None:
    intent = _paid_sandbox("10.00")
    refund_create(number=intent.number, amount=D("1.00"), reason="", refund_number="S1")
    with pytest.raises(WrongProviderError):
        refund_confirm_cash(actor=courier, refund_number="S1", station_id=station.pk)


def test_cash_handed_over_moves_to_the_county_office_within_what_the_station_holds(
    courier: User, station: Station
) -> None:
    _paid_cash(courier, station, "60.00")

    with pytest.raises(CashHandoverExceedsBalanceError):
        cash_handover_record(
            actor=courier, station_id=station.pk, amount=D("60.01"), handover_number="H1"
        )
    cash_handover_record(
        actor=courier, station_id=station.pk, amount=D("50.00"), handover_number="H1"
    )
    cash_handover_record(
        actor=courier, station_id=station.pk, amount=D("50.00"), handover_number="H1"
    )

    assert account_balance(code=f"cash:station:{station.pk}") == D("10.00")
    assert account_balance(code="cash:county") == D("50.00")
    assert ledger_total() == 0
