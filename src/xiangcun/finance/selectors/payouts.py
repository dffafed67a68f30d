"""Reads of settlement and payouts: a seller's money (who may see it), their payouts, the next
payout, and the staff's runs."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.core.language import localized
from xiangcun.finance.errors import (
    FinancePermissionDeniedError,
    PayoutNotFoundError,
    SellerMoneyNotFoundError,
)
from xiangcun.finance.models import Payout, PayoutAccount, PayoutMethod, PayoutRun
from xiangcun.finance.providers import bank_file_csv
from xiangcun.finance.providers.bank import bank_file_name
from xiangcun.finance.services.payouts import default_method, payout_order, payouts_permitted
from xiangcun.ledger.selectors import seller_money
from xiangcun.sellers.selectors import seller_can_manage, seller_get, sellers_managed_by


@dataclass(frozen=True)
class SellerChoice:
    id: int
    name: str


@dataclass(frozen=True)
class MoneySummary:
    """What the "My money" page and the balance API show."""

    seller_id: int
    seller_name: str
    available: Decimal
    pending: Decimal
    balance: Decimal
    next_payout_on: datetime.date
    next_payout_amount: Decimal
    method: str
    account_masked: str


def account_number_masked(number: str) -> str:
    """ "6222 **** **** 1234": the last four digits only."""
    if not number:
        return ""
    return f"**** {number[-4:]}" if len(number) > 4 else "****"


def money_sellers(*, user: AnyUser) -> list[SellerChoice]:
    """The shops whose money `user` may see (their own; an agent's farmers'), in id order."""
    return [SellerChoice(id=row.pk, name=localized(row)) for row in sellers_managed_by(user=user)]


def money_seller_check(*, user: AnyUser, seller_id: int) -> SellerChoice:
    """The shop, if `user` may see its money: its manager, or finance staff. Otherwise
    SellerMoneyNotFoundError (the same for a shop that does not exist)."""
    if not (payouts_permitted(user=user) or seller_can_manage(user=user, seller_id=seller_id)):
        raise SellerMoneyNotFoundError
    try:
        seller = seller_get(seller_id=seller_id)
    except Exception as exc:
        raise SellerMoneyNotFoundError from exc
    return SellerChoice(id=seller.pk, name=localized(seller))


def next_payout_day(*, today: datetime.date | None = None) -> datetime.date:
    """Payouts run once a day: today, unless today's run was made."""
    today = today or timezone.localdate()
    if PayoutRun.objects.filter(on=today).exists():
        return today + datetime.timedelta(days=1)
    return today


def payout_account_for(*, seller_id: int) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(seller_id=seller_id).first()


def money_summary(*, user: AnyUser, seller_id: int) -> MoneySummary:
    """The shop's balance in its parts and its next payout; owner check first."""
    seller = money_seller_check(user=user, seller_id=seller_id)
    money = seller_money(seller_id=seller.id)
    account = payout_account_for(seller_id=seller.id)
    method = account.method if account is not None else default_method()
    payable = method == PayoutMethod.SIMULATED or account is not None
    return MoneySummary(
        seller_id=seller.id,
        seller_name=localized(seller),
        available=money.available,
        pending=money.pending,
        balance=money.total,
        next_payout_on=next_payout_day(),
        next_payout_amount=max(money.available, Decimal("0.00")) if payable else Decimal("0.00"),
        method=method,
        account_masked=account_number_masked(account.account_number) if account else "",
    )


def payouts_for_seller(*, user: AnyUser, seller_id: int, limit: int = 20) -> list[Payout]:
    """The shop's latest payouts, newest first (owner check first). One query."""
    money_seller_check(user=user, seller_id=seller_id)
    return list(
        Payout.objects.filter(seller_id=seller_id).select_related("run").order_by("-id")[:limit]
    )


@dataclass(frozen=True)
class RunRow:
    run: PayoutRun
    count: int
    total: Decimal
    failed: int
    sent_bank: int


def payout_runs_recent(*, user: AnyUser, limit: int = 10) -> list[RunRow]:
    """Finance staff: the latest runs with their counts (one query)."""
    if not payouts_permitted(user=user):
        raise FinancePermissionDeniedError
    runs = PayoutRun.objects.annotate(
        n=Count("payouts"),
        amount=Sum("payouts__amount"),
        failed_n=Count("payouts", filter=Q(payouts__status=Payout.Status.FAILED)),
        bank_n=Count(
            "payouts",
            filter=Q(payouts__status=Payout.Status.SENT, payouts__provider=PayoutMethod.BANK),
        ),
    ).order_by("-on")[:limit]
    return [
        RunRow(
            run=run,
            count=run.n,
            total=Decimal(str(run.amount or 0)).quantize(Decimal("0.01")),
            failed=run.failed_n,
            sent_bank=run.bank_n,
        )
        for run in runs
    ]


def payouts_needing_staff(*, user: AnyUser, limit: int = 100) -> list[Payout]:
    """Failed payouts and bank payouts waiting for the bank's result, oldest first."""
    if not payouts_permitted(user=user):
        raise FinancePermissionDeniedError
    rows = Payout.objects.filter(
        Q(status=Payout.Status.FAILED) | Q(status=Payout.Status.SENT, provider=PayoutMethod.BANK)
    )
    return list(rows.select_related("run", "seller").order_by("id")[:limit])


def payouts_of_run(*, user: AnyUser, run_id: int) -> tuple[PayoutRun, list[Payout]]:
    if not payouts_permitted(user=user):
        raise FinancePermissionDeniedError
    run = PayoutRun.objects.filter(pk=run_id).first()
    if run is None:
        raise PayoutNotFoundError
    return run, list(run.payouts.select_related("seller").order_by("id"))


def bank_file_for_run(*, user: AnyUser, run_id: int) -> tuple[str, bytes]:
    """Finance staff: the run's bank payouts as the batch file for the bank (name, bytes)."""
    run, payouts = payouts_of_run(user=user, run_id=run_id)
    rows = [payout_order(payout=p) for p in payouts if p.provider == PayoutMethod.BANK]
    return bank_file_name(run.on.isoformat()), bank_file_csv(rows)


__all__ = [
    "MoneySummary",
    "RunRow",
    "SellerChoice",
    "account_number_masked",
    "bank_file_for_run",
    "money_seller_check",
    "money_sellers",
    "money_summary",
    "next_payout_day",
    "payout_account_for",
    "payout_order",
    "payout_runs_recent",
    "payouts_for_seller",
    "payouts_needing_staff",
    "payouts_of_run",
]
