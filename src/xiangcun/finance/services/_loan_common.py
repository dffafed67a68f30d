"""What the loan services share: who may act, the moves a loan may make, money checks, and
the schedule terms a loan or a product gives."""

import datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from xiangcun.accounts.selectors import user_roles
from xiangcun.accounts.types import AnyUser, Role
from xiangcun.finance.errors import (
    InvalidLoanApplicationError,
    InvalidLoanMoveError,
    LoanNotFoundError,
    LoanPermissionDeniedError,
    OwnApplicationError,
)
from xiangcun.finance.models import Loan, LoanAction, LoanProduct
from xiangcun.finance.schedule import Schedule, ScheduleTerms, schedule_build
from xiangcun.sellers.selectors import seller_get

CENT = Decimal("0.01")
# Loan officers decide and disburse; administrators may too.
OFFICERS = frozenset({Role.LOAN_OFFICER, Role.ADMIN})
Status = Loan.Status

# Every move a loan may make (Fineract's lifecycle). Approval happens from submitted only: a
# loan waiting for more information goes back to submitted when the applicant answers.
MOVES: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset(
        {Status.MORE_INFO, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}
    ),
    Status.MORE_INFO: frozenset({Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.DISBURSED, Status.WITHDRAWN}),
    Status.DISBURSED: frozenset({Status.ACTIVE}),
    Status.ACTIVE: frozenset({Status.CLOSED, Status.WRITTEN_OFF}),
}
# Statuses in which the seller has an application open (one at a time).
OPEN_STATUSES = (Status.SUBMITTED, Status.MORE_INFO, Status.APPROVED)


def is_officer(actor: AnyUser) -> bool:
    return bool(actor.is_authenticated and user_roles(user=actor) & OFFICERS)


def require_officer(actor: AnyUser) -> int:
    if not is_officer(actor) or actor.pk is None:
        raise LoanPermissionDeniedError
    return int(actor.pk)


def move_check(loan: Loan, to: str) -> None:
    """Refuse a move the lifecycle does not have, naming where the loan is."""
    if to not in MOVES.get(loan.status, frozenset()):
        raise InvalidLoanMoveError(**{"from": loan.status, "to": to})


def loan_locked(loan_id: int) -> Loan:
    loan = Loan.objects.select_for_update().filter(pk=loan_id).first()
    if loan is None:
        raise LoanNotFoundError
    return loan


def not_own(loan: Loan, officer_id: int) -> None:
    """Nobody decides on an application they made or one for a shop they own."""
    if loan.submitted_by_id == officer_id or seller_get(seller_id=loan.seller_id).owner_id == (
        officer_id
    ):
        raise OwnApplicationError


def action_record(loan: Loan, code: str, actor_id: int | None, **params: Any) -> LoanAction:
    return LoanAction.objects.create(loan=loan, code=code, params=params, actor_id=actor_id)


def money(value: object, *, field: str) -> Decimal:
    """An amount in yuan: a finite number above zero, at most two decimals, below 10^12."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidLoanApplicationError(field=field)
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError):
        raise InvalidLoanApplicationError(field=field) from None
    # Finite and below 10^12 first: quantizing a huge number raises.
    if not amount.is_finite() or not 0 < amount < 10**12 or amount != amount.quantize(CENT):
        raise InvalidLoanApplicationError(
            _("Give an amount in yuan above zero, with at most two decimals."), field=field
        )
    return amount.quantize(CENT)


def amount_in_product(amount: Decimal, product: LoanProduct, *, field: str = "amount") -> None:
    if not product.min_amount <= amount <= product.max_amount:
        raise InvalidLoanApplicationError(
            _("This product lends from ¥%(min)s to ¥%(max)s.")
            % {"min": f"{product.min_amount:,.0f}", "max": f"{product.max_amount:,.0f}"},
            field=field,
        )


def periods_in_product(periods: object, product: LoanProduct) -> int:
    if isinstance(periods, bool) or not isinstance(periods, int):
        raise InvalidLoanApplicationError(field="periods")
    if not product.min_periods <= periods <= product.max_periods:
        raise InvalidLoanApplicationError(
            _("Choose from %(min)d to %(max)d repayments.")
            % {"min": product.min_periods, "max": product.max_periods},
            field="periods",
        )
    return periods


def product_terms(
    product: LoanProduct,
    *,
    principal: Decimal,
    periods: int,
    disbursed_on: datetime.date | None = None,
    first_due: datetime.date | None = None,
) -> ScheduleTerms:
    return ScheduleTerms(
        principal=principal,
        annual_rate=product.annual_rate,
        periods=periods,
        frequency=product.frequency,
        interest_method=product.interest_method,
        amortization=product.amortization,
        grace_principal=product.grace_principal,
        multiple=product.multiple,
        first_due=first_due,
        disbursed_on=disbursed_on,
    )


def loan_terms(loan: Loan, *, disbursed_on: datetime.date | None = None) -> ScheduleTerms | None:
    """The terms copied onto the loan at approval (None before)."""
    if loan.principal is None or loan.periods is None or loan.annual_rate is None:
        return None
    return ScheduleTerms(
        principal=loan.principal,
        annual_rate=loan.annual_rate,
        periods=loan.periods,
        frequency=loan.frequency,
        interest_method=loan.interest_method,
        amortization=loan.amortization,
        grace_principal=loan.grace_principal,
        multiple=loan.multiple,
        first_due=loan.first_due,
        disbursed_on=disbursed_on,
    )


def schedule_of(terms: ScheduleTerms) -> Schedule:
    """The schedule, or InvalidLoanTermsError naming the term no schedule can be built from."""
    return schedule_build(terms)


def fee_for(loan: Loan) -> Decimal:
    """The product's fee at disbursement: flat plus a percent of the principal, HALF_EVEN to
    the fen."""
    assert loan.principal is not None  # noqa: S101 - only disbursed loans have fees
    product = loan.product
    fee = product.fee_flat + loan.principal * product.fee_percent / 100
    return fee.quantize(CENT, ROUND_HALF_EVEN)
