"""Errors the finance app raises, each with a stable code API clients can branch on.

A plain module of classes: each part of finance (schedules, settlement, payouts, loans,
repayments) adds its own errors here."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = ["InvalidLoanTermsError"]


class InvalidLoanTermsError(InvalidInputError):
    """A loan's terms that no schedule can be built from; `field` names the term
    (principal, annual_rate, periods, frequency, interest_method, amortization,
    grace_principal, multiple, first_due, disbursed_on)."""

    code = "invalid_loan_terms"
    default_message = _("These loan terms are not valid.")


# --- settlement and payouts (payouts) ---------------------------------------------------------

__all__ += [
    "FinancePermissionDeniedError",
    "InvalidPayoutAccountError",
    "InvalidStatementMonthError",
    "PayoutNotFoundError",
    "PayoutRunExistsError",
    "PayoutStateError",
    "SellerMoneyNotFoundError",
]


class FinancePermissionDeniedError(PermissionDeniedError):
    default_message = _("Only the programme's finance staff can do this.")


class SellerMoneyNotFoundError(NotFoundError):
    """No shop by that id that the caller may see the money of (the same answer for both, so
    other shops cannot be probed)."""

    code = "seller_not_found"
    default_message = _("There is no such shop among yours.")


class PayoutNotFoundError(NotFoundError):
    code = "payout_not_found"
    default_message = _("This payout does not exist.")


class PayoutRunExistsError(ConflictError):
    code = "payout_run_exists"
    default_message = _("Payouts have already been run today. The next run is tomorrow.")


class PayoutStateError(ConflictError):
    code = "payout_state"
    default_message = _("This payout cannot be changed in its current state.")


class InvalidPayoutAccountError(InvalidInputError):
    code = "invalid_payout_account"
    default_message = _("These payout account details are not valid.")


class InvalidStatementMonthError(InvalidInputError):
    code = "invalid_month"
    default_message = _("Give the month as YYYY-MM, for a month that has begun.")


# --- Repayments, arrears and write-offs (the repayments work) ----------------------------------
from xiangcun.core.errors import (  # noqa: E402
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)


class LoanNotFoundError(NotFoundError):
    code = "loan_not_found"
    default_message = _("This loan does not exist.")


class RepaymentPermissionDeniedError(PermissionDeniedError):
    default_message = _("You may not record or see repayments of this loan.")


class NotYourStationError(PermissionDeniedError):
    code = "not_your_station"
    default_message = _("You may take cash only at your own station.")


class InvalidRepaymentAmountError(InvalidInputError):
    code = "invalid_repayment_amount"
    default_message = _("Give an amount in yuan above zero, with at most two decimals.")


class InvalidRepaymentError(InvalidInputError):
    # A bad channel, reference, station or reason; `field` names it.
    code = "invalid_repayment"
    default_message = _("Some of the repayment's information is not valid.")


class LoanNotRepayableError(ConflictError):
    code = "loan_not_repayable"
    default_message = _("This loan takes no repayments: it is not running.")


class RepaymentReferenceConflictError(ConflictError):
    code = "repayment_reference_conflict"
    default_message = _("A different repayment was already recorded under this reference.")


class NothingToWriteOffError(ConflictError):
    code = "nothing_to_write_off"
    default_message = _("Only a running loan with principal still owed can be written off.")


# --- Loans: products, applications, decisions, disbursement (the loans work) ----------------
# LoanNotFoundError is above (repayments).


class LoanProductNotFoundError(NotFoundError):
    code = "loan_product_not_found"
    default_message = _("This loan product does not exist or is not offered.")


class LoanPermissionDeniedError(PermissionDeniedError):
    default_message = _("Only loan officers can do this.")


class OwnApplicationError(PermissionDeniedError):
    code = "own_application"
    default_message = _("You cannot decide on a loan for yourself or for a shop you own.")


class AboveApprovalLimitError(PermissionDeniedError):
    code = "above_approval_limit"
    default_message = _("This amount is above your approval limit.")


class SecondOfficerRequiredError(PermissionDeniedError):
    code = "second_officer_required"
    default_message = _("A second, different loan officer must confirm this approval.")


class OpenApplicationExistsError(ConflictError):
    code = "open_application_exists"
    default_message = _("This shop already has a loan application open.")


class InvalidLoanMoveError(ConflictError):
    code = "invalid_loan_move"
    default_message = _("This loan cannot move to that step from where it is.")


class InvalidLoanApplicationError(InvalidInputError):
    code = "invalid_loan_application"
    default_message = _("Some of the information is not valid.")
