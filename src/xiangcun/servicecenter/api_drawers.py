"""Service-centre API: the agent's cash drawer (/api/v1/servicecenter/drawers).

Open one per shift with a float, see what it should hold, take a loan repayment or pay a cash
refund through it, hand cash over, close it once with the count. Agents act for their own
drawer at their own station; the staff above them may see and close any drawer. Amounts are
strings in yuan with two decimals ("200.00"); an amount may be sent as a string or a number.

Errors answer `{"code", "message"}`: invalid_cash_amount, variance_reason_required,
invalid_handover, invalid_denominations 400; not_an_agent, not_your_station 403;
drawer_not_found 404; drawer_already_open, drawer_closed, no_open_drawer, station_required,
drawer_movement_conflict, refund_not_payable_here, cash_handover_exceeds_balance 409.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.servicecenter.errors import (
    DrawerClosedError,
    DrawerNotFoundError,
    InvalidCashAmountError,
)
from xiangcun.servicecenter.selectors.drawer import (
    DayReport,
    DrawerView,
    drawer_get,
    drawers_for,
    station_day_report,
)
from xiangcun.servicecenter.services.drawer import (
    drawer_loan_repayment,
    drawer_open,
    drawer_refund_pay,
)
from xiangcun.servicecenter.services.drawer_close import drawer_close, drawer_handover

router = Router(auth=ApiTokenAuth())

ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
Amount = int | float | Annotated[Text, Field(max_length=40)]


def _decimal(value: Amount | None, field: str) -> Decimal | None:
    """The amount as sent, as a Decimal (the service bounds it); a JSON number through its
    text, never through binary floating point arithmetic."""
    if value is None:
        return None
    try:
        return Decimal(str(value)[:40].strip())
    except ArithmeticError:
        raise InvalidCashAmountError(field=field) from None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class MovementOut(Schema):
    id: int
    kind: str = Field(
        description="float, order_cash, loan_repayment, refund, handover or variance."
    )
    kind_label: str
    amount: str = Field(description="Signed: positive into the drawer, negative out of it.")
    reference: str
    at: datetime.datetime


class DrawerOut(Schema):
    id: int
    status: str = Field(description="open or closed.")
    agent: int
    station: int
    float: str
    expected: str = Field(description="Float plus cash taken minus cash paid out.")
    cash_in: str
    cash_out: str
    counted: str | None
    variance: str | None = Field(description="Counted minus expected (negative: short).")
    reason: str
    handed_to: str
    handed_amount: str | None
    denominations: dict[str, int]
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    movements: list[MovementOut]


class DrawerListOut(Schema):
    items: list[DrawerOut]
    count: int


def _out(view: DrawerView) -> DrawerOut:
    return DrawerOut(
        id=view.id,
        status=view.status,
        agent=view.agent_id,
        station=view.station_id,
        float=f"{view.float_amount:.2f}",
        expected=f"{view.expected:.2f}",
        cash_in=f"{view.cash_in:.2f}",
        cash_out=f"{view.cash_out:.2f}",
        counted=_money(view.counted),
        variance=_money(view.variance),
        reason=view.reason,
        handed_to=view.handed_to,
        handed_amount=_money(view.handed_amount),
        denominations=view.denominations,
        opened_at=view.opened_at,
        closed_at=view.closed_at,
        movements=[
            MovementOut(
                id=m.id,
                kind=m.kind,
                kind_label=m.kind_label,
                amount=f"{m.amount:.2f}",
                reference=m.reference,
                at=m.at,
            )
            for m in view.movements
        ],
    )


class OpenIn(Schema):
    float: Amount = Field(description='The change the drawer starts with, e.g. "200.00".')
    station: Id | None = Field(None, description="Staff above the agents name the station.")


class CloseIn(Schema):
    counted: Amount = Field(description="The notes and coins counted (0 to 1,000,000).")
    reason: Annotated[Text, Field(max_length=200)] = Field(
        "", description="Why the count differs from what was expected (required then)."
    )
    denominations: dict[Annotated[str, Field(max_length=4)], Annotated[int, Field(ge=0)]] | None = (
        Field(None, description='The count by note and coin, e.g. {"100": 2, "0.5": 3}.')
    )
    handed_to: Annotated[Text, Field(max_length=10)] = Field(
        "", description='Who takes the cash now: "warehouse", "driver", "bank" or "" (kept).'
    )
    handed_amount: Amount | None = Field(
        None, description="How much of the count is handed over (all of it if not given)."
    )


class DrawerHandoverIn(Schema):
    handed_to: Annotated[Text, Field(max_length=10)]
    amount: Amount
    handover_number: Annotated[Text, Field(max_length=40)] = Field(
        description="The receipt's number; the same again records nothing twice."
    )


class RefundIn(Schema):
    refund_number: Annotated[Text, Field(max_length=64)]


class LoanRepaymentIn(Schema):
    loan: Id
    amount: Amount
    reference: Annotated[Text, Field(max_length=64)] = Field(
        description="The paper slip's number; the same again takes nothing twice."
    )


class ReportIn(Schema):
    station: Id | None = None
    day: datetime.date | None = None


class DayReportOut(Schema):
    station: int
    day: datetime.date
    floats: str
    order_cash: str
    loan_repayments: str
    refunds: str
    handed_over: str
    variance: str
    counted: str
    open_drawers: int
    station_cash: str = Field(description="The station's cash account in the ledger now.")
    drawers: list[DrawerOut]


def _own_open(request: HttpRequest, drawer_id: int) -> DrawerView:
    view = drawer_get(actor=api_user(request), drawer_id=drawer_id)
    if view.agent_id != api_user(request).pk:
        raise DrawerNotFoundError
    if view.status != "open":
        raise DrawerClosedError
    return view


@router.post(
    "/drawers",
    response={201: DrawerOut, **ERRORS},
    summary="Open your cash drawer for the shift with a float",
)
def drawer_create(request: HttpRequest, payload: OpenIn) -> Status[DrawerOut]:
    actor = api_user(request)
    drawer = drawer_open(
        actor=actor, float_amount=_decimal(payload.float, "float"), station_id=payload.station
    )
    return Status(201, _out(drawer_get(actor=actor, drawer_id=drawer.pk)))


@router.get("/drawers", response={200: DrawerListOut, **ERRORS}, summary="Your drawers")
def drawer_list(
    request: HttpRequest, limit: Annotated[int, Field(ge=1, le=100)] = 20
) -> DrawerListOut:
    views = drawers_for(actor=api_user(request), limit=limit)
    return DrawerListOut(items=[_out(view) for view in views], count=len(views))


@router.get(
    "/drawers/report",
    response={200: DayReportOut, **ERRORS},
    summary="A station's cash for one day",
)
def drawer_day_report(request: HttpRequest, query: Query[ReportIn]) -> DayReportOut:
    report: DayReport = station_day_report(
        actor=api_user(request), station_id=query.station, day=query.day or timezone.localdate()
    )
    return DayReportOut(
        station=report.station_id,
        day=report.day,
        floats=f"{report.floats:.2f}",
        order_cash=f"{report.order_cash:.2f}",
        loan_repayments=f"{report.loan_repayments:.2f}",
        refunds=f"{report.refunds:.2f}",
        handed_over=f"{report.handed_over:.2f}",
        variance=f"{report.variance:.2f}",
        counted=f"{report.counted:.2f}",
        open_drawers=report.open_drawers,
        station_cash=f"{report.station_cash:.2f}",
        drawers=[_out(view) for view in report.drawers],
    )


@router.get("/drawers/{drawer_id}", response={200: DrawerOut, **ERRORS}, summary="One drawer")
def drawer_detail(request: HttpRequest, drawer_id: Id) -> DrawerOut:
    return _out(drawer_get(actor=api_user(request), drawer_id=drawer_id))


@router.post(
    "/drawers/{drawer_id}/close",
    response={200: DrawerOut, **ERRORS},
    summary="Close the drawer with the cash counted",
)
def drawer_close_api(request: HttpRequest, drawer_id: Id, payload: CloseIn) -> DrawerOut:
    actor = api_user(request)
    drawer = drawer_close(
        actor=actor,
        drawer_id=drawer_id,
        counted=_decimal(payload.counted, "counted"),
        reason=payload.reason,
        denominations=payload.denominations,
        handed_to=payload.handed_to,
        handed_amount=_decimal(payload.handed_amount, "handed_amount"),
    )
    return _out(drawer_get(actor=actor, drawer_id=drawer.pk))


@router.post(
    "/drawers/{drawer_id}/handovers",
    response={200: DrawerOut, **ERRORS},
    summary="Hand cash from the open drawer to the driver, the warehouse or the bank",
)
def drawer_handover_api(
    request: HttpRequest, drawer_id: Id, payload: DrawerHandoverIn
) -> DrawerOut:
    view = _own_open(request, drawer_id)
    drawer_handover(
        actor=api_user(request),
        handed_to=payload.handed_to,
        amount=_decimal(payload.amount, "amount"),
        handover_number=payload.handover_number,
        station_id=view.station_id,
    )
    return _out(drawer_get(actor=api_user(request), drawer_id=drawer_id))


@router.post(
    "/drawers/{drawer_id}/refunds",
    response={200: DrawerOut, **ERRORS},
    summary="Pay a returned order's cash refund out of the drawer",
)
def drawer_refund_api(request: HttpRequest, drawer_id: Id, payload: RefundIn) -> DrawerOut:
    view = _own_open(request, drawer_id)
    drawer_refund_pay(
        actor=api_user(request), refund_number=payload.refund_number, station_id=view.station_id
    )
    return _out(drawer_get(actor=api_user(request), drawer_id=drawer_id))


@router.post(
    "/drawers/{drawer_id}/loan-repayments",
    response={200: DrawerOut, **ERRORS},
    summary="Take a loan repayment in cash into the drawer",
)
def drawer_loan_repayment_api(
    request: HttpRequest, drawer_id: Id, payload: LoanRepaymentIn
) -> DrawerOut:
    view = _own_open(request, drawer_id)
    drawer_loan_repayment(
        actor=api_user(request),
        loan_id=payload.loan,
        amount=_decimal(payload.amount, "amount"),
        reference=payload.reference,
        station_id=view.station_id,
    )
    return _out(drawer_get(actor=api_user(request), drawer_id=drawer_id))
