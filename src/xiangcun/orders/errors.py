"""Errors the orders app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from xiangcun.inventory.errors import InsufficientStockError


def quantity_limit_message(*, available: int, maximum: int) -> str:
    """The one sentence the cart, the product page and the API say when a quantity is more than
    can be ordered: `available` units are left, `maximum` is the most one order may take now
    (the smaller of what is left and the per-order limit)."""
    if available <= 0:
        return gettext("Sold out for now: none left to order.")
    if available <= maximum:
        return ngettext(
            "Only %(available)d left: choose from 1 to %(maximum)d.",
            "Only %(available)d left: choose from 1 to %(maximum)d.",
            available,
        ) % {"available": available, "maximum": maximum}
    return gettext("At most %(maximum)d per order: choose from 1 to %(maximum)d.") % {
        "maximum": maximum
    }


class OrderNotFoundError(NotFoundError):
    code = "order_not_found"
    default_message = _("This order does not exist.")


class ReturnNotFoundError(NotFoundError):
    code = "return_not_found"
    default_message = _("This return does not exist.")


class IdempotencyConflictError(ConflictError):
    # The same Idempotency-Key came with a different order: a client bug, never a retry.
    code = "idempotency_conflict"
    default_message = _(
        "This request key was already used for a different order. Use a new key for a new order."
    )


class InvalidIdempotencyKeyError(InvalidInputError):
    code = "invalid_idempotency_key"
    default_message = _("The request key must be 1 to 64 letters, digits, dashes or underscores.")


class InvalidOrderLinesError(InvalidInputError):
    code = "invalid_lines"
    default_message = _("Add between 1 and 50 products to the order.")


class InvalidQuantityError(InvalidInputError):
    # details (over the per-order limit): variant_id, requested, available, maximum.
    code = "invalid_quantity"
    default_message = _("Enter a whole number of units, 1 or more.")


class _QuantityLimitSaid:
    """Said in the words of `quantity_limit_message`, with the numbers in the details."""

    def __init__(
        self, *, variant_id: int, requested: int, available: int, maximum: int, field: str
    ) -> None:
        super().__init__(  # type: ignore[call-arg]  # the error class it is mixed into
            quantity_limit_message(available=available, maximum=maximum),
            field=field,
            variant_id=variant_id,
            requested=requested,
            available=available,
            maximum=maximum,
        )


class QuantityOverLimitError(_QuantityLimitSaid, InvalidQuantityError):
    """More than one order may take of an option (code invalid_quantity, 400). Not the same as
    QuantityOverStockError: a client may retry that one later, never this one."""


class QuantityOverStockError(_QuantityLimitSaid, InsufficientStockError):
    """More than is left of an option (code insufficient_stock, 409)."""


class VariantUnavailableError(InvalidInputError):
    # details: variant_id. Unknown, not on sale, or its product is not listed.
    code = "variant_unavailable"
    default_message = _("This product option is not on sale.")


class InvalidDeliveryMethodError(InvalidInputError):
    code = "invalid_delivery_method"
    default_message = _("Choose home delivery, pickup at a village station or at the county shop.")


class StationRequiredError(InvalidInputError):
    code = "station_required"
    default_message = _("Choose the station where you will pick up the order.")


class StationUnavailableError(InvalidInputError):
    code = "station_unavailable"
    default_message = _("This station does not exist or is closed. Choose another one.")


class AddressRequiredError(InvalidInputError):
    code = "address_required"
    default_message = _("Enter the delivery address.")


class InvalidAddressError(InvalidInputError):
    code = "invalid_address"
    default_message = _("Check the delivery address.")


class InvalidAddressPointError(InvalidInputError):
    # Both numbers or neither; latitude -90..90, longitude -180..180.
    code = "invalid_address_point"
    default_message = _(
        "The location of the house could not be read. Send it again, or leave it out and the "
        "driver will go to the village."
    )


class AddressPointOutOfAreaError(InvalidInputError):
    # details: distance_km, max_km. Far from the county we deliver in: a wrong phone fix.
    code = "address_point_out_of_area"
    default_message = _(
        "The location you shared is far outside the county we deliver in. Share it again "
        "from the house, or leave it out and the driver will go to the village."
    )


class InvalidPaymentMethodError(InvalidInputError):
    code = "invalid_payment_method"
    default_message = _("Choose to pay in cash, with WeChat Pay or in the sandbox.")


class InvalidRecipientError(InvalidInputError):
    code = "invalid_recipient"
    default_message = _("Enter the name of the person who receives the order.")


class OrderPermissionDeniedError(PermissionDeniedError):
    default_message = _("You cannot change this order.")


class InvalidTransitionError(ConflictError):
    # details: from_status, to_status.
    code = "invalid_transition"
    default_message = _("The order cannot move to that step from where it is now.")


class OrderNotCancellableError(ConflictError):
    code = "order_not_cancellable"
    default_message = _("This order can no longer be cancelled: it has been paid or sent.")


class OrderNotPayableError(ConflictError):
    code = "order_not_payable"
    default_message = _("This order is not waiting for payment.")


class ReturnNotAllowedError(ConflictError):
    code = "return_not_allowed"
    default_message = _("A return can be asked for once the order has been delivered.")


class InvalidReturnLinesError(InvalidInputError):
    code = "invalid_return_lines"
    default_message = _("Choose products of this order and no more units than were bought.")


class InvalidReturnReasonError(InvalidInputError):
    code = "invalid_return_reason"
    default_message = _("Choose a reason for the return from the list.")


class ReturnAlreadyDecidedError(ConflictError):
    code = "return_already_decided"
    default_message = _("This return has already been decided.")


class CartLineNotFoundError(NotFoundError):
    code = "cart_line_not_found"
    default_message = _("This product is not in the cart.")


class CashNotCollectedError(ConflictError):
    code = "cash_not_collected"
    default_message = _("Take the cash and confirm it before handing the order over.")


class InvalidShippingServiceError(InvalidInputError):
    # The chosen service is not "<carrier>:<service>" as the quote gives it.
    code = "invalid_shipping_service"
    default_message = _("Choose a delivery service from the options shown.")


class ShippingServiceUnavailableError(InvalidInputError):
    # details: carrier, service. The service exists no more, does not reach the address, or
    # cannot carry these goods; the options shown answer which can.
    code = "shipping_service_unavailable"
    default_message = _(
        "This delivery service cannot take this order to that address. Choose one of the "
        "options shown."
    )


class SavedAddressNotFoundError(NotFoundError):
    code = "saved_address_not_found"
    default_message = _("This address is not in your address book.")


class TooManySavedAddressesError(ConflictError):
    # details: limit.
    code = "too_many_saved_addresses"
    default_message = _("Your address book is full. Delete an address you no longer use first.")
