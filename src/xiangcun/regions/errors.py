"""Errors the regions app raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import ConflictError, InvalidInputError, NotFoundError


class StationNotFoundError(NotFoundError):
    # Keeps the generic `not_found` code: clients treat every missing record alike.
    default_message = _("This station does not exist.")


class TownshipNotFoundError(NotFoundError):
    default_message = _("This township does not exist.")


class VillageNotFoundError(NotFoundError):
    default_message = _("This village does not exist.")


class CountyNotConfiguredError(NotFoundError):
    code = "county_not_configured"
    default_message = _("No county has been set up yet. Run the demo loader or add one.")


class RequiredFieldError(InvalidInputError):
    code = "required"
    default_message = _("This field is required.")


class FieldTooLongError(InvalidInputError):
    code = "too_long"
    default_message = _("This is too long.")


class InvalidPostalCodeError(InvalidInputError):
    code = "invalid_postal_code"
    default_message = _("Enter a postal code of six digits, or leave it empty.")


class UnknownTownshipError(InvalidInputError):
    code = "unknown_township"
    default_message = _("Choose a township from the list.")


class UnknownVillageError(InvalidInputError):
    code = "unknown_village"
    default_message = _("Choose a village from the list.")


class VillageNotInTownshipError(InvalidInputError):
    code = "village_not_in_township"
    default_message = _("This village is not in the chosen township.")


class InvalidStationKindError(InvalidInputError):
    code = "invalid_station_kind"
    default_message = _("Choose a warehouse, a service centre or a village station.")


class StationNeedsVillageError(InvalidInputError):
    code = "station_needs_village"
    default_message = _("A village station must name the village it serves.")


class DuplicateStationCodeError(InvalidInputError):
    code = "duplicate_station_code"
    default_message = _("Another station already uses this code.")


class InvalidCoordinatesError(InvalidInputError):
    code = "invalid_coordinates"
    default_message = _("Give both latitude (-90 to 90) and longitude (-180 to 180), or neither.")


class TownshipNotInCountyError(InvalidInputError):
    code = "township_not_in_county"
    default_message = _("This township or village is not in the chosen county.")


class UnknownDivisionError(InvalidInputError):
    code = "unknown_division"
    default_message = _("Choose a province, city and district from the list.")


class CountyRequiredError(InvalidInputError):
    code = "county_required"
    default_message = _("Choose the district or county, not only the province or city.")


class DivisionMismatchError(InvalidInputError):
    code = "division_mismatch"
    default_message = _("This does not match the chosen district or county.")


class InvalidFieldError(InvalidInputError):
    code = "invalid_field"
    default_message = _("This value is not valid here.")


class FieldTooShortError(InvalidInputError):
    code = "too_short"
    default_message = _("This is too short.")


class DivisionInUseError(ConflictError):
    code = "division_in_use"
    default_message = _("A division the new list leaves out is still in use; nothing changed.")
