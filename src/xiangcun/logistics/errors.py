"""What can go wrong in the warehouse, on the road and at the station counter."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    XiangcunError,
)


class LogisticsPermissionDeniedError(PermissionDeniedError):
    code = "logistics_permission_denied"
    default_message = _("Only logistics staff may do this.")


class NotYourStationError(PermissionDeniedError):
    code = "not_your_station"
    default_message = _("You can do this only at the station where you work.")


class ParcelNotFoundError(NotFoundError):
    code = "parcel_not_found"
    default_message = _("There is no such parcel.")


class RouteNotFoundError(NotFoundError):
    code = "route_not_found"
    default_message = _("There is no such route.")


class StopNotFoundError(NotFoundError):
    code = "stop_not_found"
    default_message = _("There is no such stop.")


class PackingTaskNotFoundError(NotFoundError):
    code = "packing_task_not_found"
    default_message = _("There is no such packing task.")


class PickupNotFoundError(NotFoundError):
    code = "farm_pickup_not_found"
    default_message = _("There is no such farm pickup.")


class VehicleNotFoundError(NotFoundError):
    code = "vehicle_not_found"
    default_message = _("There is no such vehicle.")


class StaffMemberNotFoundError(NotFoundError):
    code = "staff_member_not_found"
    default_message = _("There is no such staff member.")


class PickupNotCancellableError(ConflictError):
    code = "farm_pickup_not_cancellable"
    default_message = _(
        "Only a pickup still waiting to be planned can be cancelled. Call the warehouse."
    )


class WrongPickupCodeError(InvalidInputError):
    code = "wrong_pickup_code"
    default_message = _("That pickup code does not match a parcel waiting here.")


class PickupCodeLockedError(RateLimitedError):
    code = "pickup_code_locked"
    default_message = _(
        "Too many wrong pickup codes at this station. Wait %(minutes)d minutes and try again."
    )


class InvalidParcelStateError(ConflictError):
    code = "invalid_parcel_state"
    default_message = _("The parcel cannot do that now.")


class OrderNotPackableError(ConflictError):
    code = "order_not_packable"
    default_message = _("Only a paid order can be packed.")


class TaskAlreadyPackedError(ConflictError):
    code = "already_packed"
    default_message = _("This order is packed already.")


class CashFirstError(ConflictError):
    code = "cash_not_collected"
    default_message = _("Take the cash for this order before handing the parcel over.")


class InvalidIntakeError(InvalidInputError):
    code = "invalid_intake"
    default_message = _("Check the weights, units and grade.")


class InvalidPickupRequestError(InvalidInputError):
    code = "invalid_farm_pickup"
    default_message = _("Check the place, time window and weight of the pickup.")


class InvalidDeliveryProofError(InvalidInputError):
    code = "invalid_delivery_proof"
    default_message = _("Write the name of the person who took the parcel.")


class InvalidFailureReasonError(InvalidInputError):
    code = "invalid_failure_reason"
    default_message = _("Choose why the delivery failed.")


class InvalidHandoffError(InvalidInputError):
    code = "invalid_carrier_handoff"
    default_message = _("Choose the carrier and type its tracking number.")


class TrackingNumberTakenError(ConflictError):
    code = "tracking_number_taken"
    default_message = _("This tracking number is on another parcel already.")


class NothingToPlanError(ConflictError):
    code = "nothing_to_plan"
    default_message = _("There are no stops to plan for this day.")


class NoVehiclesError(ConflictError):
    code = "no_vehicles"
    default_message = _("No van with a driver on shift is available for this day.")


class DemoPrerequisiteError(ConflictError):
    code = "demo_prerequisite_missing"
    default_message = _("Load the regions, demo users, shops and stock first.")


class ParcelNotOverdueError(ConflictError):
    code = "parcel_not_overdue"
    default_message = _("This parcel has waited less than %(days)d days: keep it for its buyer.")


class LotNotPackableError(InvalidInputError):
    code = "lot_not_packable"
    default_message = _("Choose an active lot of this product from the farm that sold it.")


class LotRequiredError(ConflictError):
    """A traced product's units in the box have no harvest lot in stock (details: line)."""

    code = "lot_required"
    default_message = _(
        "No harvest lot is left in stock for %(product)s: every harvest recorded for it has "
        "been sold or is still at the farm. A traced product only leaves with its lot, so this "
        "order waits. Ask the farm to record its next harvest and pack it into stock (Record "
        "a harvest, then Pack), or receive the lot the farm packed at the warehouse; then pack "
        "this order."
    )


class PickupNotReceivableError(ConflictError):
    code = "farm_pickup_not_receivable"
    default_message = _(
        "Only a pickup that is planned or collected can be received, and only once."
    )


class RoutePlanConflictError(ConflictError):
    code = "route_plan_conflict"
    default_message = _(
        "Someone else planned this day's routes at the same moment. Look at their plan and "
        "plan again if something is missing."
    )


class PlanInputsChangedError(ConflictError):
    code = "route_plan_inputs_changed"
    default_message = _(
        "A parcel, farm pickup, van or route changed while the routes were being planned. "
        "Plan again."
    )


class WaybillNotFoundError(NotFoundError):
    code = "waybill_not_found"
    default_message = _("There is no such waybill.")


class WaybillStateError(ConflictError):
    code = "waybill_state"
    default_message = _(
        "This waybill cannot be changed now: it is made, handed over or cancelled already."
    )


class CarrierDownError(XiangcunError):
    code = "carrier_unavailable"
    status = 503
    default_message = _("The carrier cannot be reached now. Nothing was changed: try later.")


class InvalidTrackingEventError(InvalidInputError):
    code = "invalid_tracking_event"
    default_message = _("Choose what happened to the parcel.")


class CarrierExceptionNotFoundError(NotFoundError):
    code = "carrier_exception_not_found"
    default_message = _("There is no such open problem.")


class InvalidHandoverError(InvalidInputError):
    code = "invalid_carrier_handover"
    default_message = _("Choose the parcels and write the courier's name or sign.")


class InvalidPickupSlotError(InvalidInputError):
    code = "invalid_pickup_slot"
    default_message = _("Choose a carrier and a time window that ends after it starts.")


class HandoverNotFoundError(NotFoundError):
    code = "carrier_handover_not_found"
    default_message = _("There is no such hand-over list.")
