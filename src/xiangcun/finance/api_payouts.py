"""The money API under /api/v1/finance/: a seller's balance, monthly statement and payouts,
and finance staff starting a payout run.

A seller sees only their own shops' money (`?seller=<id>` picks one of them; without it, the
first); finance staff (finance.run_payouts) see any shop's. Errors answer `{"code",
"message"}`: seller_not_found 404 (also for a shop that is not yours), permission_denied 403,
payout_run_exists 409, invalid_month 400. Amounts are strings in yuan ("95.00").
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from xiangcun.accounts.auth import ApiTokenAuth, api_user
from xiangcun.accounts.types import AnyUser
from xiangcun.core.api import ErrorOut, Id, Text
from xiangcun.finance import selectors, services
from xiangcun.finance.errors import SellerMoneyNotFoundError

router = Router(auth=ApiTokenAuth())
ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)


class SellerIn(Schema):
    seller: Id | None = None


class StatementIn(SellerIn):
    month: Text = Field(max_length=7)


class MoneyBalanceOut(Schema):
    seller: int
    available: str
    pending: str
    balance: str
    next_payout_on: datetime.date
    next_payout_amount: str
    method: str


class StatementTotalOut(Schema):
    code: str
    label: str
    amount: str


class StatementLineOut(Schema):
    date: datetime.datetime
    code: str
    label: str
    reference: str
    amount: str
    balance: str


class StatementOut(Schema):
    seller: int
    month: str
    opening: str
    closing: str
    totals: list[StatementTotalOut]
    lines: list[StatementLineOut]


class PayoutOut(Schema):
    id: int
    on: datetime.date
    amount: str
    loan_deducted: str
    provider: str
    status: str
    paid_at: datetime.datetime | None


class PayoutRunOut(Schema):
    id: int
    on: datetime.date
    status: str
    payouts: list[PayoutOut]


def _seller(user: AnyUser, seller: int | None) -> int:
    if seller is not None:
        return seller
    shops = selectors.money_sellers(user=user)
    if not shops:
        raise SellerMoneyNotFoundError
    return shops[0].id


def _payout(payout: Any) -> dict[str, Any]:
    return {
        "id": payout.pk,
        "on": payout.run.on,
        "amount": f"{payout.amount:.2f}",
        "loan_deducted": f"{payout.loan_deducted:.2f}",
        "provider": payout.provider,
        "status": payout.status,
        "paid_at": payout.paid_at,
    }


@router.get("/balance", response={200: MoneyBalanceOut, **ERRORS})
def balance(request: HttpRequest, filters: Query[SellerIn]) -> dict[str, Any]:
    user = api_user(request)
    summary = selectors.money_summary(user=user, seller_id=_seller(user, filters.seller))
    return {
        "seller": summary.seller_id,
        "available": f"{summary.available:.2f}",
        "pending": f"{summary.pending:.2f}",
        "balance": f"{summary.balance:.2f}",
        "next_payout_on": summary.next_payout_on,
        "next_payout_amount": f"{summary.next_payout_amount:.2f}",
        "method": summary.method,
    }


@router.get("/statements", response={200: StatementOut, **ERRORS})
def statement(request: HttpRequest, filters: Query[StatementIn]) -> dict[str, Any]:
    user = api_user(request)
    seller = selectors.money_seller_check(user=user, seller_id=_seller(user, filters.seller))
    month = selectors.month_parse(filters.month)
    result = selectors.month_statement(user=user, seller_id=seller.id, month=month)
    return {
        "seller": result.seller_id,
        "month": f"{result.month:%Y-%m}",
        "opening": f"{result.opening:.2f}",
        "closing": f"{result.closing:.2f}",
        "totals": [
            {"code": t.code, "label": str(t.label), "amount": f"{t.amount:.2f}"}
            for t in result.totals
        ],
        "lines": [
            {
                "date": row.date,
                "code": row.code,
                "label": str(row.label),
                "reference": row.reference_shown,
                "amount": f"{row.amount:.2f}",
                "balance": f"{row.balance:.2f}",
            }
            for row in result.rows
        ],
    }


@router.get("/payouts", response={200: list[PayoutOut], **ERRORS})
def payouts(request: HttpRequest, filters: Query[SellerIn]) -> list[dict[str, Any]]:
    user = api_user(request)
    rows = selectors.payouts_for_seller(user=user, seller_id=_seller(user, filters.seller))
    return [_payout(payout) for payout in rows]


@router.post("/payout-runs", response={201: PayoutRunOut, **ERRORS})
def payout_run_start(request: HttpRequest) -> Status[dict[str, Any]]:
    """Finance staff: run today's payouts (one run a day)."""
    user = api_user(request)
    run = services.payout_run(actor=user)
    return Status(
        201,
        {
            "id": run.pk,
            "on": run.on,
            "status": run.status,
            "payouts": [_payout(p) for p in run.payouts.select_related("run").order_by("id")],
        },
    )
