"""The service centre's refusals, each with a stable code API clients can branch on.

Each part of the app adds its own below its heading; shared ones first.
"""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

# --- Shared ---------------------------------------------------------------------------------


class NotAnAgentError(PermissionDeniedError):
    code = "not_an_agent"
    default_message = _("Only service-centre agents and the staff above them may do this.")


class NotYourStationError(PermissionDeniedError):
    code = "not_your_station"
    default_message = _("You work at another station.")


class StationRequiredError(ConflictError):
    # Staff above the agents span the county: they must say which station they act for.
    code = "station_required"
    default_message = _("Choose the station you are acting for.")


class NoConsentError(PermissionDeniedError):
    code = "no_consent"
    default_message = _(
        "This resident has not agreed that this station may act for them. Record their consent "
        "first."
    )


class ResidentNotFoundError(NotFoundError):
    code = "resident_not_found"
    default_message = _("No such resident.")


# --- Residents and assisted orders ------------------------------------------------------------


class ConsentRequiredError(InvalidInputError):
    code = "consent_required"
    default_message = _(
        "Ask the resident whether they agree that this station acts for them, and tick the box."
    )


class InvalidSearchError(InvalidInputError):
    code = "invalid_search"
    default_message = _("Search by a mobile number, a name (and village) or an ID card number.")


class InvalidPaymentMethodError(InvalidInputError):
    code = "invalid_payment_method"
    default_message = _("Choose cash now, cash on pickup or WeChat Pay.")


class InvalidIdempotencyKeyError(InvalidInputError):
    code = "invalid_idempotency_key"
    default_message = _(
        "Send an Idempotency-Key header of 1 to 64 letters, digits or the signs - _ : ."
    )


class IdempotencyConflictError(ConflictError):
    # The console sent this key before with another order: a bug or a reused key, never a retry.
    code = "idempotency_conflict"
    default_message = _("This key was already used for a different order.")


class PriceChangedError(ConflictError):
    # details: lines = [{"variant", "expected", "price"}], every line whose price moved.
    code = "price_changed"
    default_message = _(
        "Some prices changed since the order was taken. Tell the resident the new prices and "
        "take the order again."
    )


class AssistedOrderNotFoundError(NotFoundError):
    code = "assisted_order_not_found"
    default_message = _("No such assisted order at your station.")


# --- Cash drawer and commission ---------------------------------------------------------------


class NoOpenDrawerError(ConflictError):
    # Cash is taken only into an open drawer, so every yuan belongs to a shift.
    code = "no_open_drawer"
    default_message = _("Open your cash drawer before taking cash.")


class DrawerAlreadyOpenError(ConflictError):
    code = "drawer_already_open"
    default_message = _("You already have an open cash drawer. Close it first.")


class DrawerClosedError(ConflictError):
    code = "drawer_closed"
    default_message = _("This cash drawer is already closed; a closed drawer cannot be reopened.")


class DrawerNotFoundError(NotFoundError):
    code = "drawer_not_found"
    default_message = _("No such cash drawer.")


class InvalidCashAmountError(InvalidInputError):
    code = "invalid_cash_amount"
    default_message = _(
        "Enter an amount in yuan with at most two decimals, not negative and not above 1,000,000."
    )


class DrawerMovementConflictError(ConflictError):
    # The same reference was recorded before with another amount or in another drawer.
    code = "drawer_movement_conflict"
    default_message = _("This cash movement was already recorded with other details.")


class VarianceReasonRequiredError(InvalidInputError):
    code = "variance_reason_required"
    default_message = _("The count differs from what the drawer should hold: say why.")


class InvalidHandoverError(InvalidInputError):
    code = "invalid_handover"
    default_message = _(
        "Say who took the cash (warehouse, bank or driver) and an amount no larger than what "
        "was counted."
    )


class InvalidDenominationsError(InvalidInputError):
    code = "invalid_denominations"
    default_message = _("The notes and coins do not add up to the amount counted.")


class RefundNotPayableHereError(ConflictError):
    code = "refund_not_payable_here"
    default_message = _("This refund is not paid out in cash at this station.")


class CommissionPermissionDeniedError(PermissionDeniedError):
    code = "permission_denied"
    default_message = _("Only finance staff may do this.")


class AgentNotFoundError(NotFoundError):
    code = "agent_not_found"
    default_message = _("No such agent.")


# --- Counter console (offline) ----------------------------------------------------------------


class CounterLoginRequiredError(PermissionDeniedError):
    # The console's queue keeps the order and sends it again once the agent has logged in.
    code = "not_authenticated"
    status = 401
    default_message = _("Log in again: the orders on this screen wait until you do.")


class CounterOrderUnreadableError(InvalidInputError):
    # Only a broken or tampered queue entry gets here: the console always sends this shape.
    code = "invalid_order"
    default_message = _("This order could not be read. Take it again.")
