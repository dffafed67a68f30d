"""A seller's monthly statement: opening balance, the month's money by kind (sales,
commission, refunds, fees, loans, payouts), closing balance.

Built from the ledger alone (payable and available together, so a settlement, which only
moves money between the two, does not show); the orders tell the goods behind each sale and
return, to show the commission apart. Lines carry codes; pages render them in the reader's
language. The closing balance is the ledger's balance at the month's end, by construction.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import localized
from xiangcun.finance.errors import InvalidStatementMonthError
from xiangcun.finance.selectors.payouts import money_seller_check
from xiangcun.ledger.selectors import seller_balance_at, seller_statement
from xiangcun.ledger.types import EntryKind, StatementLine
from xiangcun.orders.selectors import goods_by_seller

LINE_CODES: dict[str, Promise] = {
    "sales": _("Sales"),
    "commission": _("Commission"),
    "refunds": _("Refunds to buyers"),
    "fees": _("Fees"),
    "loan_disbursed": _("Loan paid to you"),
    "loan_deductions": _("Loan instalments deducted"),
    "payouts": _("Paid out to you"),
    "payouts_returned": _("Payouts returned to your balance"),
    "adjustments": _("Adjustments"),
}
_MONTH = re.compile(r"(?P<year>20[0-9]{2})-(?P<month>0[1-9]|1[0-2])")


@dataclass(frozen=True)
class StatementRow:
    date: datetime.datetime
    code: str
    reference: str
    amount: Decimal
    balance: Decimal

    @property
    def label(self) -> Promise:
        return LINE_CODES[self.code]

    @property
    def reference_shown(self) -> str:
        """The order number, return or payout number alone (the prefix is a code)."""
        return self.reference.split(":", 1)[-1]


@dataclass(frozen=True)
class MonthTotal:
    code: str
    amount: Decimal

    @property
    def label(self) -> Promise:
        return LINE_CODES[self.code]


@dataclass(frozen=True)
class MonthStatement:
    seller_id: int
    seller_name: str
    month: datetime.date
    opening: Decimal
    closing: Decimal
    totals: list[MonthTotal]
    rows: list[StatementRow] = field(default_factory=list)


def month_parse(value: object) -> datetime.date:
    """ "2026-11" → 1 Nov 2026; a month not begun yet, or anything else, is refused."""
    if not isinstance(value, str) or not (match := _MONTH.fullmatch(value.strip())):
        raise InvalidStatementMonthError(field="month")
    month = datetime.date(int(match["year"]), int(match["month"]), 1)
    if month > timezone.localdate().replace(day=1):
        raise InvalidStatementMonthError(field="month")
    return month


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The month's first moment and the next month's, in Asia/Shanghai."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(month, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))
    return start, end


def statement_months(*, since: datetime.date, limit: int = 24) -> list[datetime.date]:
    """First days of the months from `since` to this month, newest first (at most `limit`)."""
    month = timezone.localdate().replace(day=1)
    first = since.replace(day=1)
    months: list[datetime.date] = []
    while month >= first and len(months) < limit:
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months


def _code(line: StatementLine) -> str:
    kinds: dict[str, str] = {
        EntryKind.PAYOUT: "payouts",
        EntryKind.REPAYMENT: "loan_deductions",
        EntryKind.DISBURSEMENT: "loan_disbursed",
        EntryKind.LOAN_CHARGE: "fees",
        EntryKind.CARRIER_CHARGE: "fees",
    }
    if line.kind in kinds:
        return kinds[line.kind]
    if line.kind == EntryKind.CORRECTION and line.reference.startswith("payout-return:"):
        return "payouts_returned"
    if line.reference.startswith("order:") and line.kind != EntryKind.REFUND:
        return "sales"
    if line.reference.startswith("return:"):
        return "refunds"
    return "adjustments"


def _rows(lines: list[StatementLine], *, seller_id: int, opening: Decimal) -> list[StatementRow]:
    """Ledger lines as statement rows; a sale or a refund splits into goods and commission."""
    numbers = [line.reference[6:] for line in lines if _code(line) == "sales"]
    return_ids = [
        int(line.reference[7:])
        for line in lines
        if _code(line) == "refunds" and line.reference[7:].isdigit()
    ]
    sold, refunded = goods_by_seller(
        order_numbers=numbers, return_ids=return_ids, seller_id=seller_id
    )
    rows: list[StatementRow] = []
    balance = opening
    for line in lines:
        code = _code(line)
        goods: Decimal | None = None
        if code == "sales":
            goods = sold.get(line.reference[6:])
        elif code == "refunds" and line.reference[7:].isdigit():
            refund = refunded.get(int(line.reference[7:]))
            goods = -refund if refund is not None else None
        if goods is not None and goods != line.amount:
            # The goods first, then the commission on them (or given back with a refund).
            balance += goods
            rows.append(StatementRow(line.date, code, line.reference, goods, balance))
            code, amount = "commission", line.amount - goods
        else:
            amount = line.amount
        balance += amount
        rows.append(StatementRow(line.date, code, line.reference, amount, balance))
    return rows


def month_statement(*, user: AnyUser, seller_id: int, month: datetime.date) -> MonthStatement:
    """The shop's statement for the month (owner check first). A few queries."""
    seller = money_seller_check(user=user, seller_id=seller_id)
    start, end = month_bounds(month)
    opening = seller_balance_at(seller_id=seller.id, before=start)
    lines = seller_statement(seller_id=seller.id, start=start, end=end)
    rows = _rows(lines, seller_id=seller.id, opening=opening)
    sums = dict.fromkeys(LINE_CODES, Decimal("0.00"))
    for row in rows:
        sums[row.code] += row.amount
    closing = opening + sum((row.amount for row in rows), Decimal("0.00"))
    return MonthStatement(
        seller_id=seller.id,
        seller_name=localized(seller),
        month=month,
        opening=opening,
        closing=closing,
        totals=[MonthTotal(code=code, amount=amount) for code, amount in sums.items()],
        rows=rows,
    )
