"""Errors the inventory app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)


class InsufficientStockError(ConflictError):
    # details: variant_id, requested, available.
    code = "insufficient_stock"
    default_message = _("There is not enough in stock. Lower the quantity or try later.")


class StockBelowReservedError(ConflictError):
    code = "stock_below_reserved"
    default_message = _(
        "Open orders hold more than this count. Release or fulfil them before counting lower."
    )


class InvalidQuantityError(InvalidInputError):
    code = "invalid_quantity"
    default_message = _("Enter a whole number of units greater than zero.")


class VariantNotFoundError(NotFoundError):
    code = "variant_not_found"
    default_message = _("This product option does not exist.")


class LocationNotFoundError(NotFoundError):
    code = "location_not_found"
    default_message = _("This stock location does not exist.")


class LocationInactiveError(ConflictError):
    code = "location_inactive"
    default_message = _("This stock location is closed.")


class LocationCodeTakenError(ConflictError):
    code = "location_code_taken"
    default_message = _("Another stock location already uses this code.")


class InvalidLocationError(InvalidInputError):
    code = "invalid_location"
    default_message = _("Check the kind, code and name of the location.")


class LocationNotForSellerError(InvalidInputError):
    code = "location_not_for_seller"
    default_message = _("This location belongs to another seller.")


class SameLocationError(InvalidInputError):
    code = "same_location"
    default_message = _("Choose two different locations to move stock between.")


class StockPermissionDeniedError(PermissionDeniedError):
    default_message = _("You cannot change the stock of this product here.")


class StockViewDeniedError(PermissionDeniedError):
    # Stock per location is the seller's business and the warehouse's, nobody else's.
    code = "stock_view_denied"
    default_message = _(
        "Only the shop that sells this product and warehouse staff can see its stock at each place."
    )


class ReservationNotFoundError(NotFoundError):
    code = "reservation_not_found"
    default_message = _("No stock is held under this reference.")


class ReservationExpiredError(ConflictError):
    code = "reservation_expired"
    default_message = _("The stock held for this order has been released. Place the order again.")


class ReservationExistsError(ConflictError):
    code = "reservation_exists"
    default_message = _("Stock is already held under this reference.")


class InboundNotFoundError(NotFoundError):
    code = "inbound_not_found"
    default_message = _("This shipment notice does not exist.")


class InboundPermissionDeniedError(PermissionDeniedError):
    default_message = _(
        "Only the shop that sends the goods announces them, and only warehouse staff receive them."
    )


class InvalidInboundError(InvalidInputError):
    code = "invalid_inbound"
    default_message = _("Some of the shipment's information is not valid.")


class InboundAlreadyReceivedError(ConflictError):
    code = "inbound_already_received"
    default_message = _("This line was already received with another count.")
