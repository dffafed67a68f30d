"""The impact app's refusals, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import InvalidInputError, NotFoundError, PermissionDeniedError


class NotAnImpactViewerError(PermissionDeniedError):
    code = "not_an_impact_viewer"
    default_message = _("Only the programme manager and administrators may see these figures.")


class BadPeriodError(InvalidInputError):
    code = "bad_period"
    default_message = _("Give the period as two dates, YYYY-MM-DD, the first not after the second.")


class UnknownTownshipError(NotFoundError):
    code = "unknown_township"
    default_message = _("There is no township with this code in the county.")


class UnknownVillageError(NotFoundError):
    code = "unknown_village"
    default_message = _("There is no village with this code in the county.")


# --- Query layer (selectors/scope.py) -----------------------------------------------------------


class UnknownCategoryError(NotFoundError):
    code = "unknown_category"
    default_message = _("There is no product type with this name.")


# --- Exports and reports (views/exports.py, services/reports.py) ------------------------------


class UnknownExportTableError(NotFoundError):
    code = "unknown_export_table"
    default_message = _("There is no such table to download.")


class BadReportMonthError(InvalidInputError):
    code = "bad_report_month"
    default_message = _("Give the month as YYYY-MM, not later than this month.")


class ReportNotFoundError(NotFoundError):
    code = "report_not_found"
    default_message = _("There is no such report.")


class ReportNotReadyError(NotFoundError):
    code = "report_not_ready"
    default_message = _("This report is not ready yet.")


class UnknownMetricError(InvalidInputError):
    code = "unknown_metric"
    default_message = _("There is no such figure to draw over time.")


class UnknownGrainError(InvalidInputError):
    code = "unknown_grain"
    default_message = _("Give the step of a series as day, month or year.")
