"""The service centre's refusals, each with a stable code API clients can branch on.

Each part of the app adds its own below its heading; shared ones first.
"""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import ConflictError, NotFoundError, PermissionDeniedError

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

# --- Cash drawer and commission ---------------------------------------------------------------
