"""Loans from application to disbursement: a seller (or an agent for a farmer's shop) applies,
the application is scored at once, an officer approves (two officers above the first one's
limit), asks for more or declines, the applicant may withdraw, and an officer disburses.

Disbursement is an officer's action in two steps, each idempotent: the schedule is fixed
(instalment rows, status disbursed), then the money is booked (Dr loan receivable / Cr the
seller's available balance, and the product's fee Dr seller available / Cr fee income) and
the loan is active. A retried or racing disbursement finishes what is missing and books
nothing twice (ledger entries are unique per kind and reference).
"""

import datetime
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.finance.errors import (
    AboveApprovalLimitError,
    InvalidLoanApplicationError,
    LoanPermissionDeniedError,
    LoanProductNotFoundError,
    OpenApplicationExistsError,
    SecondOfficerRequiredError,
)
from xiangcun.finance.models import Instalment, Loan, LoanProduct, OfficerLimit
from xiangcun.finance.services._loan_common import (
    OPEN_STATUSES,
    Status,
    action_record,
    amount_in_product,
    fee_for,
    loan_locked,
    loan_terms,
    money,
    move_check,
    not_own,
    periods_in_product,
    product_terms,
    require_officer,
    schedule_of,
)
from xiangcun.finance.services.credit import credit_assess
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import (
    LOAN_FEE_INCOME,
    EntryKind,
    loan_receivable_account,
    seller_available_account,
)
from xiangcun.sellers.selectors import approved_seller_ids_managed_by, seller_get

_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class Applied:
    """The application and whether this call made it (False: a retry found the first)."""

    loan: Loan
    created: bool


def _product(product_id: object) -> LoanProduct:
    if isinstance(product_id, bool) or not isinstance(product_id, int):
        raise LoanProductNotFoundError(field="product")
    product = LoanProduct.objects.filter(pk=product_id, is_active=True).first()
    if product is None:
        raise LoanProductNotFoundError(field="product")
    return product


def _applicant_check(actor: AnyUser, seller_id: int) -> int:
    if not actor.is_authenticated or actor.pk is None:
        raise LoanPermissionDeniedError(_("Log in to apply for a loan."))
    if seller_id not in approved_seller_ids_managed_by(user=actor):
        raise LoanPermissionDeniedError(
            _("You can apply only for your own shop, or as an agent for a farmer's shop.")
        )
    return int(actor.pk)


def _loan_number() -> str:
    return f"LN{timezone.localdate():%y%m%d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def loan_apply(
    *,
    actor: AnyUser,
    seller_id: int,
    product_id: int,
    amount: object,
    periods: int,
    purpose: str = "",
    idempotency_key: str = "",
) -> Applied:
    """Apply for a loan for a shop; the application is scored at once. The same key sent
    again answers the loan already made; a second open application is refused."""
    actor_id = _applicant_check(actor, seller_id)
    key = (idempotency_key or "").strip() or None
    if key is not None and not _KEY.match(key):
        raise InvalidLoanApplicationError(field="idempotency_key")
    stored_key = f"{actor_id}:{key}" if key else None
    if stored_key and (found := Loan.objects.filter(idempotency_key=stored_key).first()):
        return Applied(found, created=False)
    product = _product(product_id)
    principal = money(amount, field="amount")
    amount_in_product(principal, product)
    periods = periods_in_product(periods, product)
    purpose = text_field(purpose, field="purpose", max_length=200, required=False)
    schedule_of(product_terms(product, principal=principal, periods=periods))
    if Loan.objects.filter(seller_id=seller_id, status__in=OPEN_STATUSES).exists():
        raise OpenApplicationExistsError
    loan = Loan(
        number=_loan_number(),
        seller_id=seller_id,
        product=product,
        submitted_by_id=actor_id,
        requested_amount=principal,
        requested_periods=periods,
        purpose=purpose,
        idempotency_key=stored_key,
    )
    try:
        with transaction.atomic():  # a racing second application loses on the constraint
            loan.save()
    except IntegrityError:
        if stored_key and (found := Loan.objects.filter(idempotency_key=stored_key).first()):
            return Applied(found, created=False)
        raise OpenApplicationExistsError from None
    on_behalf = seller_get(seller_id=seller_id).owner_id != actor_id
    action_record(
        loan,
        "submitted",
        actor_id,
        amount=str(principal),
        periods=periods,
        product=product.code,
        on_behalf=on_behalf,
    )
    credit_assess(loan=loan)
    return Applied(loan, created=True)


def _limit_of(officer_id: int) -> Decimal:
    row = OfficerLimit.objects.filter(user_id=officer_id).first()
    return row.max_amount if row is not None else Decimal(0)


def _terms_copy(loan: Loan, product: LoanProduct, principal: Decimal, periods: int) -> None:
    loan.product = product
    loan.principal = principal
    loan.periods = periods
    loan.frequency = product.frequency
    loan.annual_rate = product.annual_rate
    loan.interest_method = product.interest_method
    loan.amortization = product.amortization
    loan.grace_principal = product.grace_principal
    loan.multiple = product.multiple


def _terms_clear(loan: Loan) -> None:
    loan.principal = loan.periods = loan.annual_rate = None
    loan.frequency = loan.interest_method = loan.amortization = ""
    loan.grace_principal = loan.multiple = 0
    loan.approved_by = None


def _confirm(loan: Loan, officer_id: int, principal: Decimal) -> Loan:
    """The second officer confirms the first one's approval above that one's limit."""
    if loan.approved_by_id == officer_id:
        raise SecondOfficerRequiredError
    if principal != loan.principal:
        raise InvalidLoanApplicationError(
            _("Confirm the amount the first officer approved (¥%(amount)s), or decline.")
            % {"amount": f"{loan.principal:,.2f}"},
            field="amount",
        )
    if principal > _limit_of(officer_id):
        raise AboveApprovalLimitError
    loan.second_approved_by_id = officer_id
    loan.status = Status.APPROVED
    loan.approved_at = timezone.now()
    loan.save()
    action_record(loan, "approval_confirmed", officer_id, amount=str(principal))
    return loan


@transaction.atomic
def loan_approve(
    *,
    actor: AnyUser,
    loan_id: int,
    amount: object,
    product_id: int | None = None,
    periods: int | None = None,
) -> Loan:
    """Approve with an amount and product; the product's terms are copied to the loan. Above
    the officer's limit the approval waits for a second, different officer whose own limit
    covers the amount (the loan stays submitted with `approved_by` set until then)."""
    officer_id = require_officer(actor)
    loan = loan_locked(loan_id)
    not_own(loan, officer_id)
    move_check(loan, Status.APPROVED)
    principal = money(amount, field="amount")
    if loan.approved_by_id is not None:
        return _confirm(loan, officer_id, principal)
    product = _product(product_id) if product_id is not None else loan.product
    amount_in_product(principal, product)
    periods = periods_in_product(
        periods if periods is not None else loan.requested_periods, product
    )
    schedule_of(product_terms(product, principal=principal, periods=periods))
    _terms_copy(loan, product, principal, periods)
    loan.approved_by_id = officer_id
    limit = _limit_of(officer_id)
    if principal > limit:
        loan.save()
        action_record(
            loan, "approval_proposed", officer_id, amount=str(principal), limit=str(limit)
        )
        return loan
    loan.status = Status.APPROVED
    loan.approved_at = timezone.now()
    loan.save()
    action_record(
        loan, "approved", officer_id, amount=str(principal), periods=periods, product=product.code
    )
    return loan


def awaiting_second_officer(loan: Loan) -> bool:
    """An approval above the first officer's limit, waiting for a second officer."""
    return loan.status == Status.SUBMITTED and loan.approved_by_id is not None


@transaction.atomic
def loan_ask_more(*, actor: AnyUser, loan_id: int, note: str) -> Loan:
    """Ask the applicant for more information; they see the note and answer."""
    officer_id = require_officer(actor)
    note = text_field(note, field="note", max_length=300, error=InvalidLoanApplicationError)
    loan = loan_locked(loan_id)
    not_own(loan, officer_id)
    move_check(loan, Status.MORE_INFO)
    _terms_clear(loan)
    loan.status = Status.MORE_INFO
    loan.decision_note = note
    loan.save()
    action_record(loan, "more_info", officer_id, note=note)
    return loan


def _applicant_of(actor: AnyUser, loan: Loan) -> int:
    if not actor.is_authenticated or actor.pk is None:
        raise LoanPermissionDeniedError
    allowed = loan.submitted_by_id == actor.pk or loan.seller_id in (
        approved_seller_ids_managed_by(user=actor)
    )
    if not allowed:
        raise LoanPermissionDeniedError(_("Only the applicant can do this."))
    return int(actor.pk)


@transaction.atomic
def loan_answer(*, actor: AnyUser, loan_id: int, note: str) -> Loan:
    """The applicant answers the officer's question; the application is submitted again and
    scored anew."""
    note = text_field(note, field="note", max_length=500, error=InvalidLoanApplicationError)
    loan = loan_locked(loan_id)
    actor_id = _applicant_of(actor, loan)
    move_check(loan, Status.SUBMITTED)
    loan.status = Status.SUBMITTED
    loan.applicant_note = note
    loan.save()
    action_record(loan, "answered", actor_id, note=note)
    credit_assess(loan=loan)
    return loan


@transaction.atomic
def loan_decline(*, actor: AnyUser, loan_id: int, reason: str) -> Loan:
    """Decline with a reason the applicant reads."""
    officer_id = require_officer(actor)
    reason = text_field(reason, field="reason", max_length=300, error=InvalidLoanApplicationError)
    loan = loan_locked(loan_id)
    not_own(loan, officer_id)
    move_check(loan, Status.REJECTED)
    loan.status = Status.REJECTED
    loan.decision_note = reason
    loan.closed_at = timezone.now()
    loan.save()
    action_record(loan, "declined", officer_id, reason=reason)
    return loan


@transaction.atomic
def loan_withdraw(*, actor: AnyUser, loan_id: int) -> Loan:
    """The applicant withdraws before the money is paid."""
    loan = loan_locked(loan_id)
    actor_id = _applicant_of(actor, loan)
    move_check(loan, Status.WITHDRAWN)
    loan.status = Status.WITHDRAWN
    loan.closed_at = timezone.now()
    loan.save()
    action_record(loan, "withdrawn", actor_id)
    return loan


@transaction.atomic
def _schedule_fix(loan_id: int, officer_id: int, on: datetime.date) -> Loan:
    """Step one: approved → disbursed, with the instalment rows from the schedule."""
    loan = loan_locked(loan_id)
    if loan.disbursed_at is not None:
        return loan  # done already: a retry or the other of two racing calls
    not_own(loan, officer_id)
    move_check(loan, Status.DISBURSED)
    terms = loan_terms(loan, disbursed_on=on)
    assert terms is not None  # noqa: S101 - an approved loan has its terms
    schedule = schedule_of(terms)
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=row.n,
            due_date=row.due,
            principal=row.principal,
            interest=row.interest,
        )
        for row in schedule.rows
    )
    # first_due stays as approved (None: one period after disbursement); storing the first
    # row's date would move later dates (Jan 31 → Feb 28 → Mar 28 instead of Mar 31).
    loan.status = Status.DISBURSED
    loan.disbursed_at = timezone.now()
    loan.save()
    action_record(
        loan,
        "disbursed",
        officer_id,
        amount=str(loan.principal),
        to=loan.disburse_to,
        on=on.isoformat(),
    )
    return loan


@transaction.atomic
def _money_book(loan_id: int, officer_id: int) -> Loan:
    """Step two: the money on the seller's balance, the fee taken; disbursed → active."""
    loan = loan_locked(loan_id)
    if loan.status != Status.DISBURSED:
        return loan  # active already (or moved on since)
    assert loan.principal is not None  # noqa: S101
    seller = seller_available_account(loan.seller_id)
    entry_post(
        kind=EntryKind.DISBURSEMENT,
        reference=f"disburse:{loan.pk}",
        lines=[(loan_receivable_account(loan.pk), loan.principal), (seller, -loan.principal)],
        memo=f"Loan {loan.number}",
    )
    fee = fee_for(loan)
    if fee > 0:
        entry_post(
            kind=EntryKind.LOAN_CHARGE,
            reference=f"loanfee:{loan.pk}",
            lines=[(seller, fee), (LOAN_FEE_INCOME, -fee)],
            memo=f"Loan {loan.number} fee",
        )
    loan.status = Status.ACTIVE
    loan.save()
    action_record(loan, "activated", officer_id, fee=str(fee))
    return loan


def loan_disburse(*, actor: AnyUser, loan_id: int, on: datetime.date | None = None) -> Loan:
    """Disburse an approved loan (officers): the schedule from `on` (default today; the first
    instalment falls due one period later unless the loan names a first due date), then the
    money to the seller's balance (for `disburse_to=payout` the next payout run pays it out).
    Idempotent: calling again, or two calls racing, books the money once."""
    officer_id = require_officer(actor)
    on = on or timezone.localdate()
    _schedule_fix(loan_id, officer_id, on)
    return _money_book(loan_id, officer_id)
