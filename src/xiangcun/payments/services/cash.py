"""Cash a station hands over to the county office."""

from decimal import Decimal

from django.db import transaction

from xiangcun.ledger.selectors import entries_for_reference
from xiangcun.ledger.services import account_lock, entry_post
from xiangcun.ledger.types import CASH_COUNTY, EntryKind, station_cash_account
from xiangcun.payments.errors import CashHandoverExceedsBalanceError, InvalidPaymentDataError
from xiangcun.payments.services._common import REFUND_NUMBER, Actor, _amount, _cash_staff_check
from xiangcun.regions.selectors import station_get


@transaction.atomic
def cash_handover_record(
    *, actor: Actor, station_id: int, amount: Decimal, handover_number: str
) -> int:
    """A station handed `amount` of cash to the county office: Dr cash:county / Cr
    cash:station:<id>, reference `handover:<handover_number>` (idempotent on the number).
    Returns the ledger entry's id."""
    _cash_staff_check(actor)
    station_get(station_id=station_id)
    amount = _amount(amount)
    if not isinstance(handover_number, str) or not REFUND_NUMBER.fullmatch(handover_number):
        raise InvalidPaymentDataError(field="handover_number")
    reference = f"handover:{handover_number}"
    lines = [(CASH_COUNTY, amount), (station_cash_account(station_id), -amount)]
    # The station's cash account stays locked to the end, so two hand-overs of one station
    # cannot both pass the balance check.
    balance = account_lock(code=station_cash_account(station_id))
    retried = entries_for_reference(reference=reference, kind=EntryKind.CASH_HANDOVER)
    if not retried and amount > balance:
        raise CashHandoverExceedsBalanceError(balance=str(balance))
    entry = entry_post(
        kind=EntryKind.CASH_HANDOVER,
        reference=reference,
        lines=lines,
        memo=f"Station {station_id} to county office",
    )
    return entry.pk
