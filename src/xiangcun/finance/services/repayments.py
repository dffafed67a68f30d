"""Repayments of loans: cash at a station's counter, a deduction from a payout, WeChat Pay.

Every repayment is allocated in Fineract's "penalties, fees, interest, principal order",
oldest instalment first, and posted once to the ledger (kind `repayment`, reference
`repayment:<reference>`):

    Dr  cash:station:<id>          (cash)         | seller_available:<seller>  (payout)
        | buyer_payments_clearing  (WeChat Pay: payments posted Dr provider_receivable:wechat /
                                    Cr clearing when the payment succeeded; this clears it)
    Cr  penalty_income  (penalties)     Cr  loan_fee_income  (fees)
    Cr  interest_income (interest)      Cr  loan_receivable:<loan>  (principal)
    Cr  loan_credit:<loan>  (anything paid beyond what the loan owes: held as credit)

Interest, fees and penalties are income when they are paid (cash basis): nothing is posted when
an instalment falls due or a late fee is charged. On a written-off loan the principal part of a
recovery is credited to loan_loss_expense (its receivable was written down already).

The loan row is locked (select_for_update) before the schedule is read, so racing repayments
queue and the second sees what the first allocated; the repayment's unique reference and the
ledger's (kind, reference) make a retried repayment a no-op.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.core.errors import XiangcunError
from xiangcun.core.validators import text_field
from xiangcun.finance.errors import (
    InvalidRepaymentAmountError,
    InvalidRepaymentError,
    LoanNotFoundError,
    LoanNotRepayableError,
    NotYourStationError,
    RepaymentPermissionDeniedError,
    RepaymentReferenceConflictError,
)
from xiangcun.finance.models import Instalment, Loan, LoanAction, Repayment, RepaymentAllocation
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import (
    BUYER_PAYMENTS_CLEARING,
    INTEREST_INCOME,
    LOAN_FEE_INCOME,
    LOAN_LOSS_EXPENSE,
    PENALTY_INCOME,
    EntryKind,
    loan_credit_account,
    loan_receivable_account,
    seller_available_account,
    station_cash_account,
)
from xiangcun.logistics.services import stations_acted_at
from xiangcun.payments.services import payment_create
from xiangcun.payments.types import PaymentResult
from xiangcun.regions.errors import StationNotFoundError
from xiangcun.regions.selectors import station_get

if TYPE_CHECKING:
    from xiangcun.payments.models import PaymentIntent

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest single repayment taken (CNY): far above any loan the programme makes.
DEFAULT_REPAYMENT_MAX = Decimal("1000000.00")
REFERENCE_MAX_LENGTH = 64
# Loans that take repayments: running ones, and written-off ones (a recovery).
REPAYABLE = (Loan.Status.DISBURSED, Loan.Status.ACTIVE, Loan.Status.WRITTEN_OFF)
# Who may take cash for any loan at any station; agents only at their own station.
CASH_STAFF = frozenset({Role.AGENT, Role.LOAN_OFFICER, Role.ADMIN})
OFFICERS = frozenset({Role.LOAN_OFFICER, Role.ADMIN})
PARTS = ("penalty", "fee", "interest", "principal")


def repayment_max() -> Decimal:
    return Decimal(str(getattr(settings, "FINANCE_REPAYMENT_MAX", DEFAULT_REPAYMENT_MAX)))


def amount_clean(value: object) -> Decimal:
    """A repayment amount: a Decimal (or int, or decimal text) above zero, at most two
    decimals, at most FINANCE_REPAYMENT_MAX; else InvalidRepaymentAmountError."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidRepaymentAmountError(field="amount")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise InvalidRepaymentAmountError(field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount > repayment_max():
        raise InvalidRepaymentAmountError(field="amount")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(CENT):
        raise InvalidRepaymentAmountError(field="amount")
    return amount.quantize(CENT)


# --- Allocation: pure arithmetic on the schedule ------------------------------------------------


@dataclass
class Owed:
    """What one instalment still owes of each part."""

    instalment_id: int
    number: int
    penalty: Decimal
    fee: Decimal
    interest: Decimal
    principal: Decimal

    @property
    def total(self) -> Decimal:
        return self.penalty + self.fee + self.interest + self.principal


@dataclass
class Allocation:
    """How an amount splits over the instalments: per instalment id the four parts, and what
    is left over (credit)."""

    parts: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    credit: Decimal = ZERO

    def total(self, part: str) -> Decimal:
        return sum((split[part] for split in self.parts.values()), ZERO)


def owed_of(instalment: Instalment) -> Owed:
    return Owed(
        instalment_id=instalment.pk,
        number=instalment.number,
        penalty=instalment.penalty - instalment.penalty_paid,
        fee=instalment.fee - instalment.fee_paid,
        interest=instalment.interest - instalment.interest_paid,
        principal=instalment.principal - instalment.principal_paid,
    )


def allocate(amount: Decimal, owed: list[Owed]) -> Allocation:
    """Split `amount` over the instalments, oldest (lowest number) first, and within each in
    Fineract's penalties, fees, interest, principal order; the rest is credit."""
    result = Allocation()
    left = amount
    for row in sorted(owed, key=lambda r: r.number):
        if left <= 0:
            break
        split: dict[str, Decimal] = {}
        for part in PARTS:
            take = min(left, getattr(row, part))
            split[part] = take if take > 0 else ZERO
            left -= split[part]
        if any(split.values()):
            result.parts[row.instalment_id] = split
    result.credit = left
    return result


# --- Who may ------------------------------------------------------------------------------------


def _is_officer(actor: AnyUser) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    return bool(getattr(actor, "is_superuser", False) or user_roles(user=actor) & OFFICERS)


def loan_visible_to(*, user: AnyUser, loan: Loan) -> bool:
    """The seller's owner sees their loan; loan officers, administrators and service-centre
    agents (who take cash for it) see every loan."""
    if not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_superuser", False) or user_roles(user=user) & CASH_STAFF:
        return True
    return bool(loan.seller.owner_id == user.pk)


def may_take_cash(*, user: AnyUser) -> bool:
    """Whether `user` takes loan repayments in cash (at their station, for an agent)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False) or user_roles(user=user) & CASH_STAFF)


def _cash_check(actor: AnyUser | None, station_id: int | None) -> int:
    """Cash is taken by an agent of that station, a loan officer or an administrator."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise RepaymentPermissionDeniedError
    if not (getattr(actor, "is_superuser", False) or user_roles(user=actor) & CASH_STAFF):
        raise RepaymentPermissionDeniedError
    if station_id is None:
        raise InvalidRepaymentError(
            _("Choose the station where the cash was paid."), field="station"
        )
    try:
        station_get(station_id=station_id)
    except StationNotFoundError:
        raise InvalidRepaymentError(field="station") from None
    stations = stations_acted_at(user=actor, roles=CASH_STAFF)
    if stations is not None and station_id not in stations:
        raise NotYourStationError
    return station_id


# --- Posting a repayment ------------------------------------------------------------------------


def _reference_clean(reference: object) -> str:
    return text_field(
        reference,
        field="reference",
        max_length=REFERENCE_MAX_LENGTH,
        non_text_as_empty=True,
        error=InvalidRepaymentError,
    )


def _loan_locked(loan_id: int) -> Loan:
    loan = Loan.objects.select_for_update().filter(pk=loan_id).first()
    if loan is None:
        raise LoanNotFoundError
    return loan


def _same_or_conflict(existing: Repayment, *, loan_id: int, amount: Decimal, channel: str) -> None:
    if existing.loan_id != loan_id or existing.amount != amount or existing.channel != channel:
        raise RepaymentReferenceConflictError


def _debit_account(repayment: Repayment, loan: Loan) -> str:
    if repayment.channel == Repayment.Channel.CASH:
        assert repayment.station_id is not None  # noqa: S101  (checked by _cash_check)
        return station_cash_account(repayment.station_id)
    if repayment.channel == Repayment.Channel.PAYOUT:
        return seller_available_account(loan.seller_id)
    return BUYER_PAYMENTS_CLEARING


def _ledger_lines(repayment: Repayment, loan: Loan) -> list[tuple[str, Decimal]]:
    principal_account = (
        LOAN_LOSS_EXPENSE
        if loan.status == Loan.Status.WRITTEN_OFF
        else loan_receivable_account(loan.pk)
    )
    credits = [
        (PENALTY_INCOME, repayment.penalty),
        (LOAN_FEE_INCOME, repayment.fee),
        (INTEREST_INCOME, repayment.interest),
        (principal_account, repayment.principal),
        (loan_credit_account(loan.pk), repayment.credit),
    ]
    lines = [(_debit_account(repayment, loan), repayment.amount)]
    lines += [(code, -amount) for code, amount in credits if amount > 0]
    return lines


def _allocation_apply(repayment: Repayment, loan: Loan, instalments: list[Instalment]) -> None:
    """Allocate the repayment (its loan locked), update the instalments, post the ledger
    entry, and close the loan when nothing is owed any more."""
    allocation = allocate(repayment.amount, [owed_of(row) for row in instalments])
    now = timezone.now()
    by_id = {row.pk: row for row in instalments}
    rows = []
    for instalment_id, split in allocation.parts.items():
        instalment = by_id[instalment_id]
        for part in PARTS:
            paid = f"{part}_paid"
            setattr(instalment, paid, getattr(instalment, paid) + split[part])
        if owed_of(instalment).total == 0:
            instalment.paid_at = now
        instalment.save(update_fields=[f"{part}_paid" for part in PARTS] + ["paid_at"])
        rows.append(RepaymentAllocation(repayment=repayment, instalment=instalment, **split))
    RepaymentAllocation.objects.bulk_create(rows)
    for part in PARTS:
        setattr(repayment, part, allocation.total(part))
    repayment.credit = allocation.credit
    repayment.status = Repayment.Status.POSTED
    repayment.posted_at = now
    repayment.save(
        update_fields=[*PARTS, "credit", "status", "posted_at", "updated_at"],
    )
    entry_post(
        kind=EntryKind.REPAYMENT,
        reference=f"repayment:{repayment.reference}",
        lines=_ledger_lines(repayment, loan),
        memo=f"loan {loan.number} {repayment.channel}",
    )
    LoanAction.objects.create(
        loan=loan,
        code="repaid",
        params={
            "repayment": repayment.pk,
            "amount": str(repayment.amount),
            "channel": repayment.channel,
            "credit": str(repayment.credit),
        },
        actor=repayment.recorded_by,
    )
    if loan.status != Loan.Status.CLOSED and all(owed_of(row).total == 0 for row in instalments):
        _loan_close(loan, actor=repayment.recorded_by)


def _loan_close(loan: Loan, *, actor: AnyUser | None) -> None:
    loan.status = Loan.Status.CLOSED
    loan.closed_at = timezone.now()
    loan.save(update_fields=["status", "closed_at", "updated_at"])
    LoanAction.objects.create(
        loan=loan, code="closed", params={}, actor=actor if actor and actor.pk else None
    )


def _schedule(loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan).order_by("number"))


@transaction.atomic
def _repay_locked(
    *,
    loan_id: int,
    amount: Decimal,
    channel: str,
    reference: str,
    station_id: int | None,
    recorded_by: AnyUser | None,
    on: datetime.date,
) -> Repayment:
    loan = _loan_locked(loan_id)
    existing = Repayment.objects.filter(reference=reference).first()
    if existing is not None:
        _same_or_conflict(existing, loan_id=loan.pk, amount=amount, channel=channel)
        return existing
    if loan.status not in REPAYABLE:
        raise LoanNotRepayableError
    repayment = Repayment(
        loan=loan,
        reference=reference,
        channel=channel,
        status=Repayment.Status.PENDING,
        amount=amount,
        on=on,
        station_id=station_id,
        recorded_by=recorded_by if recorded_by is not None and recorded_by.pk else None,
    )
    try:
        with transaction.atomic():
            repayment.save()
    except IntegrityError:
        # Another loan's repayment took this reference first (this loan's would have queued
        # behind the lock and been found above).
        raise RepaymentReferenceConflictError from None
    _allocation_apply(repayment, loan, _schedule(loan))
    return repayment


def loan_repay(
    *,
    actor: AnyUser,
    loan_id: int,
    amount: object,
    channel: str,
    reference: str,
    station_id: int | None = None,
    on: datetime.date | None = None,
) -> Repayment:
    """Record money received on a loan and allocate it (see the module's docstring).

    `channel` is "cash" (taken at `station_id` by an agent of that station, a loan officer or
    an administrator) or "payout" (finance staff; the payout run calls
    `loan_deduct_from_payout`). WeChat Pay starts with `repayment_online_start`. The same
    `reference` again answers the first repayment; under another loan or amount it raises
    RepaymentReferenceConflictError.
    """
    clean_amount = amount_clean(amount)
    clean_reference = _reference_clean(reference)
    if channel == Repayment.Channel.CASH:
        station_id = _cash_check(actor, station_id)
    elif channel == Repayment.Channel.PAYOUT:
        if not _is_officer(actor):
            raise RepaymentPermissionDeniedError
        station_id = None
    else:
        raise InvalidRepaymentError(field="channel")
    return _repay_locked(
        loan_id=loan_id,
        amount=clean_amount,
        channel=channel,
        reference=clean_reference,
        station_id=station_id,
        recorded_by=actor,
        on=on or timezone.localdate(),
    )


# --- Deduction from a payout --------------------------------------------------------------------


def _payout_reference(reference: str, loan_id: int) -> str:
    text = f"{reference}:loan:{loan_id}"
    if len(text) <= REFERENCE_MAX_LENGTH:
        return text
    digest = hashlib.sha256(text.encode()).hexdigest()[:40]
    return f"payout:{digest}:loan:{loan_id}"[:REFERENCE_MAX_LENGTH]


def _due_on(loan: Loan, on: datetime.date) -> Decimal:
    return sum(
        (owed_of(row).total for row in _schedule(loan) if row.due_date <= on),
        ZERO,
    )


@transaction.atomic
def loan_deduct_from_payout(
    *, seller_id: int, available: Decimal, reference: str, on: datetime.date
) -> Decimal:
    """Take the seller's due instalments (due on or before `on`, overdue first) out of a
    payout of `available` yuan, posting a repayment from the seller's available balance for
    each loan (channel payout, reference `<reference>:loan:<id>`); returns the amount taken.

    Called inside the payout run's transaction; the same `reference` again takes nothing more.
    """
    if not isinstance(available, Decimal) or not available.is_finite() or available <= 0:
        return ZERO
    left = available.quantize(CENT)
    taken = ZERO
    loan_ids = list(
        Loan.objects.filter(
            seller_id=seller_id, status__in=(Loan.Status.DISBURSED, Loan.Status.ACTIVE)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for loan_id in loan_ids:
        loan_reference = _payout_reference(reference, loan_id)
        existing = Repayment.objects.filter(reference=loan_reference).first()
        if existing is not None:
            taken += existing.amount
            left -= existing.amount
            continue
        loan = _loan_locked(loan_id)
        due = min(_due_on(loan, on), left)
        if due <= 0:
            continue
        repayment = _repay_locked(
            loan_id=loan_id,
            amount=due,
            channel=Repayment.Channel.PAYOUT,
            reference=loan_reference,
            station_id=None,
            recorded_by=None,
            on=on,
        )
        taken += repayment.amount
        left -= repayment.amount
    return taken


# --- WeChat Pay ---------------------------------------------------------------------------------


def _online_provider() -> str:
    return str(getattr(settings, "FINANCE_ONLINE_PROVIDER", "wechat"))


@transaction.atomic
def _online_open(*, actor: AnyUser, loan_id: int, amount: Decimal) -> Repayment:
    loan = _loan_locked(loan_id)
    if not actor.is_authenticated or loan.seller.owner_id != actor.pk:
        raise RepaymentPermissionDeniedError
    if loan.status not in (Loan.Status.DISBURSED, Loan.Status.ACTIVE):
        raise LoanNotRepayableError
    count = Repayment.objects.filter(loan=loan).count() + 1
    reference = f"loan:{loan.pk}:{count}"
    while Repayment.objects.filter(reference=reference).exists():
        count += 1
        reference = f"loan:{loan.pk}:{count}"
    return Repayment.objects.create(
        loan=loan,
        reference=reference,
        channel=Repayment.Channel.WECHAT,
        status=Repayment.Status.PENDING,
        amount=amount,
        on=timezone.localdate(),
        recorded_by=actor,
    )


def repayment_online_start(
    *,
    actor: AnyUser,
    loan_id: int,
    amount: object,
    channel: str = "",
    payer_openid: str = "",
    client_ip: str = "",
    return_url: str = "",
) -> tuple[Repayment, dict[str, object], str]:
    """The borrower starts paying `amount` by WeChat Pay (the sandbox in the demo): a pending
    repayment `loan:<id>:<n>` is recorded and committed, then payments' intent is opened and
    prepared (the provider is called outside any transaction). Answers the repayment, what the
    phone needs to pay (`client_data`) and the payment number. The money is allocated when
    payments tells us it succeeded (`repayment_payment_succeeded`)."""
    clean_amount = amount_clean(amount)
    repayment = _online_open(actor=actor, loan_id=loan_id, amount=clean_amount)
    payer = {"payer_openid": payer_openid, "client_ip": client_ip, "return_url": return_url}
    provider = _online_provider()
    try:
        intent = _payment_open(repayment, provider=provider, channel=channel, **payer)
    except XiangcunError:
        # Nothing was paid: the repayment is marked failed, never left waiting for ever.
        Repayment.objects.filter(pk=repayment.pk).update(status=Repayment.Status.FAILED)
        raise
    Repayment.objects.filter(pk=repayment.pk).update(payment_number=intent.number)
    repayment.payment_number = intent.number
    return repayment, dict(intent.client_data or {}), intent.number


def _payment_open(
    repayment: Repayment,
    *,
    provider: str,
    channel: str,
    payer_openid: str = "",
    client_ip: str = "",
    return_url: str = "",
) -> "PaymentIntent":
    return payment_create(
        provider=provider,
        reference=repayment.reference,
        amount=repayment.amount,
        description=str(_("Loan repayment")),
        # The channel (native, h5, jsapi) is WeChat Pay's; the sandbox has none.
        channel=channel if provider == "wechat" else "",
        payer_openid=payer_openid,
        client_ip=client_ip,
        return_url=return_url,
    )


def repayment_payment_succeeded(result: PaymentResult) -> None:
    """Registered with payments: a payment for `loan:<id>:<n>` succeeded (inside payments'
    transaction). The pending repayment is allocated and posted once; payments of anything
    else are ignored."""
    if not result.reference.startswith("loan:"):
        return
    repayment = Repayment.objects.filter(reference=result.reference).first()
    if repayment is None:
        return
    loan = _loan_locked(repayment.loan_id)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    if repayment.status != Repayment.Status.PENDING:
        return
    # A loan closed meanwhile takes the money as credit: it is held, never lost.
    repayment.amount = result.amount
    repayment.payment_number = result.number
    repayment.on = timezone.localdate(result.paid_at)
    repayment.save(update_fields=["amount", "payment_number", "on", "updated_at"])
    _allocation_apply(repayment, loan, _schedule(loan))
