"""The repayments API under /api/v1/finance/: a loan's repayments (record one: cash at a
station, or start WeChat Pay as the borrower), the officer's arrears list and portfolio
figures, and writing a loan off.

Errors answer `{"code", "message"}`: loan_not_found 404; permission_denied, not_your_station
403; loan_not_repayable, repayment_reference_conflict, nothing_to_write_off 409;
invalid_repayment_amount, invalid_repayment 400 (with the `field`). Amounts are strings in
yuan ("1030.00"); an amount may be sent as a string or a number.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import InvalidRepaymentAmountError, InvalidRepaymentError
from xiangcun.finance.models import Repayment

router = Router(auth=ApiTokenAuth())
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
Amount = int | float | Text


def _decimal(value: Amount) -> Decimal:
    try:
        return Decimal(str(value)[:40])
    except ArithmeticError:
        raise InvalidRepaymentAmountError(field="amount") from None


class RepaymentIn(Schema):
    amount: Amount
    channel: Text = Field(max_length=10)
    # The idempotency key of a cash repayment (the paper slip's number, say); the same one
    # again answers the first repayment.
    reference: Text = Field("", max_length=64)
    station: Id | None = None
    # WeChat Pay: how the phone pays (native, h5, jsapi) and, inside WeChat, who pays.
    pay_channel: Text = Field("", max_length=10)
    payer_openid: Text = Field("", max_length=128)


class AllocationOut(Schema):
    instalment: int
    penalty: str
    fee: str
    interest: str
    principal: str


class RepaymentOut(Schema):
    id: int
    loan: int
    reference: str
    channel: str
    status: str
    amount: str
    on: datetime.date
    station: int | None
    penalty: str
    fee: str
    interest: str
    principal: str
    credit: str
    allocations: list[AllocationOut]
    payment_number: str = ""
    pay: dict[str, Any] | None = None


class LoanBalanceOut(Schema):
    status: str
    principal_outstanding: str
    owing: str
    overdue: str
    due_now: str
    days_past_due: int
    next_due_date: datetime.date | None
    next_due_amount: str


class RepaymentListOut(Schema):
    balance: LoanBalanceOut
    items: list[RepaymentOut]


class WriteOffIn(Schema):
    reason: Text = Field(max_length=300)


class WriteOffOut(Schema):
    id: int
    number: str
    status: str


class ArrearsFilterIn(Schema):
    bucket: Text = Field("", max_length=10)


class ArrearsOut(Schema):
    loan: int
    number: str
    seller: str
    phone: str
    days_past_due: int
    bucket: str
    overdue: str
    principal_outstanding: str
    last_reminder_at: datetime.datetime | None
    last_reminder_kind: str


class PortfolioOut(Schema):
    on: datetime.date
    active_loans: int
    outstanding_principal: str
    par30_amount: str
    par30_percent: str
    written_off_this_year: str
    loans_in_arrears: int
    by_bucket: dict[str, int]


def _repayment_out(row: Repayment, **extra: Any) -> RepaymentOut:
    return RepaymentOut(
        id=row.pk,
        loan=row.loan_id,
        reference=row.reference,
        channel=row.channel,
        status=row.status,
        amount=f"{row.amount:.2f}",
        on=row.on,
        station=row.station_id,
        penalty=f"{row.penalty:.2f}",
        fee=f"{row.fee:.2f}",
        interest=f"{row.interest:.2f}",
        principal=f"{row.principal:.2f}",
        credit=f"{row.credit:.2f}",
        allocations=[
            AllocationOut(
                instalment=a.instalment.number,
                penalty=f"{a.penalty:.2f}",
                fee=f"{a.fee:.2f}",
                interest=f"{a.interest:.2f}",
                principal=f"{a.principal:.2f}",
            )
            for a in row.allocations.select_related("instalment").order_by("instalment__number")
        ],
        payment_number=row.payment_number,
        **extra,
    )


@router.post(
    "/loans/{loan_id}/repayments",
    response={200: RepaymentOut, 201: RepaymentOut, **ERRORS},
    summary="Record a repayment: cash at a station (agents of it, loan officers), or start "
    "paying by WeChat Pay (the borrower)",
)
def repayment_create(
    request: HttpRequest, loan_id: Id, payload: RepaymentIn
) -> Status[RepaymentOut]:
    user = api_user(request)
    amount = _decimal(payload.amount)
    if payload.channel == Repayment.Channel.WECHAT:
        repayment, client_data, _number = services.repayment_online_start(
            actor=user,
            loan_id=loan_id,
            amount=amount,
            channel=payload.pay_channel,
            payer_openid=payload.payer_openid,
            client_ip=request.META.get("REMOTE_ADDR", "")[:45],
        )
        return Status(201, _repayment_out(repayment, pay=client_data))
    if payload.channel != Repayment.Channel.CASH:
        raise InvalidRepaymentError(field="channel")
    seen = (
        bool(payload.reference)
        and Repayment.objects.filter(reference=payload.reference.strip()).exists()
    )
    repayment = services.loan_repay(
        actor=user,
        loan_id=loan_id,
        amount=amount,
        channel=payload.channel,
        reference=payload.reference,
        station_id=payload.station,
    )
    return Status(200 if seen else 201, _repayment_out(repayment))


@router.get(
    "/loans/{loan_id}/repayments",
    response={200: RepaymentListOut, **ERRORS},
    summary="A loan's balance and its repayments with their allocation (the borrower, staff)",
)
def repayment_list(request: HttpRequest, loan_id: Id) -> RepaymentListOut:
    user = api_user(request)
    rows = selectors.loan_repayments(user=user, loan_id=loan_id)
    loan = selectors.loan_for_repayment(user=user, loan_id=loan_id)
    balance = selectors.loan_balance(loan=loan)
    return RepaymentListOut(
        balance=LoanBalanceOut(
            status=loan.status,
            principal_outstanding=f"{balance.principal_outstanding:.2f}",
            owing=f"{balance.owing:.2f}",
            overdue=f"{balance.overdue:.2f}",
            due_now=f"{balance.due_now:.2f}",
            days_past_due=balance.days_past_due,
            next_due_date=balance.next_due_date,
            next_due_amount=f"{balance.next_due_amount:.2f}",
        ),
        items=[_repayment_out(row) for row in rows],
    )


@router.post(
    "/loans/{loan_id}/write-off",
    response={200: WriteOffOut, **ERRORS},
    summary="Write a loan off, with a reason (loan officers)",
)
def loan_write_off(request: HttpRequest, loan_id: Id, payload: WriteOffIn) -> WriteOffOut:
    loan = services.loan_write_off(actor=api_user(request), loan_id=loan_id, reason=payload.reason)
    return WriteOffOut(id=loan.pk, number=loan.number, status=loan.status)


@router.get(
    "/arrears",
    response={200: list[ArrearsOut], **ERRORS},
    summary="Loans in arrears, most days late first (loan officers)",
)
def arrears(request: HttpRequest, filters: Query[ArrearsFilterIn]) -> list[ArrearsOut]:
    if filters.bucket and filters.bucket not in selectors.BUCKET_LABELS:
        raise InvalidRepaymentError(field="bucket")
    rows = selectors.arrears_list(user=api_user(request), bucket=filters.bucket)
    return [
        ArrearsOut(
            loan=row.loan_id,
            number=row.number,
            seller=row.seller,
            phone=row.phone,
            days_past_due=row.days,
            bucket=row.bucket,
            overdue=f"{row.overdue:.2f}",
            principal_outstanding=f"{row.principal_outstanding:.2f}",
            last_reminder_at=row.last_reminder_at,
            last_reminder_kind=row.last_reminder_kind,
        )
        for row in rows[:500]
    ]


@router.get(
    "/portfolio",
    response={200: PortfolioOut, **ERRORS},
    summary="Portfolio figures: outstanding, at risk over 30 days, written off (loan officers)",
)
def portfolio(request: HttpRequest) -> PortfolioOut:
    figures = selectors.portfolio_figures(user=api_user(request))
    return PortfolioOut(
        on=figures.on,
        active_loans=figures.active_loans,
        outstanding_principal=f"{figures.outstanding_principal:.2f}",
        par30_amount=f"{figures.par30_amount:.2f}",
        par30_percent=f"{figures.par30_percent:.2f}",
        written_off_this_year=f"{figures.written_off_this_year:.2f}",
        loans_in_arrears=figures.loans_in_arrears,
        by_bucket=figures.by_bucket,
    )
