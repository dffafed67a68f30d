"""Refusals of the traceability app, each with a stable code for API clients."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)


class LotNotFoundError(NotFoundError):
    code = "lot_not_found"
    default_message = _("There is no such lot.")


class LotPermissionError(PermissionDeniedError):
    code = "lot_permission_denied"
    default_message = _("Only the farm, its agent or warehouse staff may record this lot.")


class RecallPermissionError(PermissionDeniedError):
    code = "recall_permission_denied"
    default_message = _("Only staff allowed to recall lots may do this.")


class InvalidLotError(InvalidInputError):
    code = "invalid_lot"
    default_message = _("Some of the lot's details are not valid.")


class InvalidInspectionError(InvalidInputError):
    code = "invalid_inspection"
    default_message = _("Some of the inspection's details are not valid.")


class InvalidCertificateError(InvalidInputError):
    code = "invalid_certificate"
    default_message = _("Some of the certificate's details are not valid.")


class InvalidGtinError(InvalidInputError):
    code = "invalid_gtin"
    default_message = _("This is not a valid GTIN barcode number.")


class LotAlreadyRecalledError(ConflictError):
    code = "lot_already_recalled"
    default_message = _("This lot has already been recalled.")


class LotNotActiveError(ConflictError):
    code = "lot_not_active"
    default_message = _("This lot has been recalled or destroyed.")


class InvalidEpcisDocumentError(InvalidInputError):
    """details: event_index, event_id (None for the document itself) and reason (English)."""

    code = "invalid_epcis_document"
    default_message = _("The EPCIS document was not accepted; nothing was stored.")


class InvalidEpcisContextError(InvalidEpcisDocumentError):
    """The @context is not valid JSON-LD 1.1 (or names a remote context we do not hold).
    details: event_index, event_id, reason (English), term (the term at fault, or None)."""

    code = "invalid_epcis_context"
    default_message = _(
        "The document's @context is not valid JSON-LD, so its events cannot be read; nothing "
        "was stored."
    )


class InvalidEpcisQueryError(InvalidInputError):
    code = "invalid_epcis_query"
    default_message = _("The EPCIS query is not valid.")


class EpcisPermissionError(PermissionDeniedError):
    code = "epcis_permission_denied"
    default_message = _(
        "Only logistics staff, managers and sellers with an approved shop may record or read "
        "EPCIS events."
    )


class LotNotCommissionedError(ConflictError):
    code = "lot_not_commissioned"
    default_message = _("This lot has no harvest record yet, so it cannot be packed or shipped.")


class LotDestroyedError(ConflictError):
    code = "lot_destroyed"
    default_message = _("This lot was destroyed; nothing more can be recorded for it.")


class InvalidLotPackError(InvalidInputError):
    code = "invalid_lot_pack"
    default_message = _("Enter how many packs of each size, as whole numbers.")


class LotOverpackedError(ConflictError):
    """The packs would take more than what remains of the harvest (details: remaining)."""

    code = "lot_overpacked"
    default_message = _("These packs hold more than what remains of the harvest.")
