"""Errors the shipping app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = [
    "CannotShipFreshError",
    "InvalidQuoteError",
    "InvalidRateError",
    "NoShippingError",
    "RateNotFoundError",
    "ShippingOptionNotFoundError",
    "ShippingPermissionDeniedError",
    "UnknownCountyError",
    "UnknownVariantError",
]


class CannotShipFreshError(ConflictError):
    """No service can carry the order's fresh, chilled or frozen goods there in time; the
    message names the product and why, `details` carries the same as parameters."""

    code = "cannot_ship_fresh"
    default_message = _("These goods cannot reach that place fresh.")


class NoShippingError(ConflictError):
    code = "no_shipping_to_destination"
    default_message = _("No carrier delivers to that place yet.")


class ShippingOptionNotFoundError(ConflictError):
    """The chosen carrier service is not (or no longer) offered for this order and place."""

    code = "shipping_option_unavailable"
    default_message = _("That delivery service is not available for this order. Choose another.")


class UnknownVariantError(InvalidInputError):
    code = "unknown_variant"
    default_message = _("One of the goods does not exist.")


class UnknownCountyError(InvalidInputError):
    code = "unknown_county"
    default_message = _("Enter the six-digit code of a county or district in mainland China.")


class InvalidQuoteError(InvalidInputError):
    code = "invalid_input"
    default_message = _("Some of the information is not valid.")


class InvalidRateError(InvalidInputError):
    code = "invalid_rate"
    default_message = _("Some of the rate's figures are not valid.")


class ShippingPermissionDeniedError(PermissionDeniedError):
    default_message = _("Only warehouse and programme managers can change shipping rates.")


class RateNotFoundError(NotFoundError):
    code = "rate_not_found"
    default_message = _("This rate does not exist.")
