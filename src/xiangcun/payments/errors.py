"""Errors the payments app raises, each with a stable code API clients can branch on."""

from typing import ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    XiangcunError,
)


class PaymentNotFoundError(NotFoundError):
    code = "payment_not_found"
    default_message = _("This payment does not exist.")


class RefundNotFoundError(NotFoundError):
    code = "refund_not_found"
    default_message = _("This refund does not exist.")


class UnknownProviderError(InvalidInputError):
    code = "unknown_provider"
    default_message = _("This way of paying is not available.")


class ProviderNotConfiguredError(ConflictError):
    # WeChat Pay without a merchant id, say.
    code = "provider_not_configured"
    default_message = _("This way of paying is not switched on. Choose another way to pay.")


class InvalidChannelError(InvalidInputError):
    code = "invalid_channel"
    default_message = _("This payment channel does not fit the way of paying.")


class InvalidAmountError(InvalidInputError):
    code = "invalid_amount"
    default_message = _("Enter an amount in yuan greater than zero, with at most two decimals.")


class InvalidPaymentDataError(InvalidInputError):
    code = "invalid_payment"
    default_message = _("Some of the payment information is not valid.")


class PaymentNumberTakenError(ConflictError):
    code = "payment_number_taken"
    default_message = _("Another payment already uses this number.")


class PaymentNotPendingError(ConflictError):
    # details: status.
    code = "payment_not_pending"
    default_message = _("This payment is no longer waiting to be paid.")


class ReferenceAlreadyPaidError(ConflictError):
    code = "already_paid"
    default_message = _("This has already been paid for.")


class PaymentExpiredError(ConflictError):
    code = "payment_expired"
    default_message = _("The time to pay has run out. Place the order again.")


class WrongProviderError(ConflictError):
    code = "wrong_provider"
    default_message = _("This payment is made another way.")


class AmountMismatchError(ConflictError):
    # The provider reports a different amount than we asked for: never mark such a payment paid.
    code = "amount_mismatch"
    default_message = _("The amount paid does not match the amount due.")


class PaymentNotRefundableError(ConflictError):
    code = "payment_not_refundable"
    default_message = _("Only a payment that has been made can be refunded.")


class RefundExceedsPaymentError(ConflictError):
    # details: refundable.
    code = "refund_exceeds_payment"
    default_message = _("The refund is larger than what is left of the payment.")


class RefundNumberConflictError(ConflictError):
    code = "refund_number_conflict"
    default_message = _("This refund number is already used for a different refund.")


class CashHandoverExceedsBalanceError(ConflictError):
    # details: balance.
    code = "cash_handover_exceeds_balance"
    default_message = _("The station does not hold this much cash.")


class RefundNotPendingError(ConflictError):
    code = "refund_not_pending"
    default_message = _("This refund has already been settled.")


class CashPermissionDeniedError(PermissionDeniedError):
    default_message = _("Only station, delivery or office staff can confirm cash.")


class InvalidNotificationError(InvalidInputError):
    # A forged, replayed, stale or unreadable provider notification.
    code = "invalid_notification"
    default_message = _("The payment notification could not be verified.")


class ProviderError(XiangcunError):
    """The payment provider could not be reached or refused the request."""

    code = "payment_provider_error"
    status: ClassVar[int] = 502
    default_message: ClassVar[str | Promise] = _(
        "The payment service did not answer. Please try again in a moment."
    )
