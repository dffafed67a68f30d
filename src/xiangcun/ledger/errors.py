"""Errors the ledger raises, each with a stable code API clients can branch on."""

from django.utils.translation import gettext_lazy as _

from xiangcun.core.errors import ConflictError, InvalidInputError, NotFoundError


class UnbalancedEntryError(InvalidInputError):
    # Also for a single line, a zero amount, or an amount with more than two decimals.
    code = "unbalanced_entry"
    default_message = _("The amounts of a ledger entry must add up to zero.")


class UnknownAccountError(InvalidInputError):
    code = "unknown_account"
    default_message = _("This ledger account is not in the chart of accounts.")


class InvalidEntryError(InvalidInputError):
    code = "invalid_entry"
    default_message = _("Give the ledger entry a known kind and a reference.")


class EntryConflictError(ConflictError):
    # The same (kind, reference) was posted before with different lines.
    code = "entry_conflict"
    default_message = _("An entry with this reference was already posted with other amounts.")


class EntryNotFoundError(NotFoundError):
    code = "entry_not_found"
    default_message = _("This ledger entry does not exist.")


class EntryAlreadyReversedError(ConflictError):
    code = "entry_already_reversed"
    default_message = _("This ledger entry has already been reversed.")
