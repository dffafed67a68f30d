"""Cash leaving the drawer to the warehouse, a driver or the bank, and the shift's close with its
count (see services.drawer for the postings)."""

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.ledger.services import account_lock, entry_post
from xiangcun.ledger.types import BANK_OPERATING, CASH_VARIANCE, EntryKind, station_cash_account
from xiangcun.payments.errors import CashHandoverExceedsBalanceError
from xiangcun.payments.services import cash_handover_record
from xiangcun.servicecenter.errors import (
    DrawerClosedError,
    DrawerMovementConflictError,
    DrawerNotFoundError,
    InvalidDenominationsError,
    InvalidHandoverError,
    VarianceReasonRequiredError,
)
from xiangcun.servicecenter.models import Drawer, DrawerMovement
from xiangcun.servicecenter.services._common import (
    acting_station,
    action_log,
    require_agent,
    stations_of,
)
from xiangcun.servicecenter.services.drawer import (
    cash_amount,
    drawer_expected,
    movement_record,
    open_drawer_locked,
)

# --- Hand-over and close ------------------------------------------------------------------

HANDOVER_NUMBER = re.compile(r"[0-9A-Za-z_\-]{1,40}")


def _handover_post(
    *, actor: AnyUser, drawer: Drawer, handed_to: str, amount: Decimal, number: str
) -> DrawerMovement:
    """Cash leaves the drawer: to the county office (warehouse, driver) through payments'
    cash_handover_record (Dr cash:county / Cr cash:station), or into the bank (Dr
    bank:operating / Cr cash:station, kind cash_handover); reference "handover:<number>"."""
    station = drawer.station_id
    reference = f"handover:{number}"
    existing = DrawerMovement.objects.filter(
        kind=DrawerMovement.Kind.HANDOVER, reference=reference
    ).first()
    if existing is not None:
        if existing.drawer_id != drawer.pk or existing.amount != -amount:
            raise DrawerMovementConflictError(field="reference")
        return existing
    if handed_to == Drawer.HandedTo.BANK:
        balance = account_lock(code=station_cash_account(station))
        if amount > balance:
            raise CashHandoverExceedsBalanceError(balance=str(balance))
        entry_id = entry_post(
            kind=EntryKind.CASH_HANDOVER,
            reference=reference,
            lines=[(BANK_OPERATING, amount), (station_cash_account(station), -amount)],
            memo=f"Station {station} to the bank, drawer {drawer.pk}",
        ).pk
    else:
        entry_id = cash_handover_record(
            actor=actor, station_id=station, amount=amount, handover_number=number
        )
    movement, _created = movement_record(
        actor=actor,
        drawer=drawer,
        kind=DrawerMovement.Kind.HANDOVER,
        amount=-amount,
        reference=reference,
        ledger_entry_id=entry_id,
    )
    action_log(
        actor=actor,
        station_id=station,
        code="cash_handed_over",
        amount=str(amount),
        to=handed_to,
    )
    return movement


def _handed_to_clean(value: object) -> str:
    if value not in Drawer.HandedTo.values or not value:
        raise InvalidHandoverError(field="handed_to")
    return str(value)


@transaction.atomic
def drawer_handover(
    *,
    actor: AnyUser,
    handed_to: str,
    amount: object,
    handover_number: str,
    station_id: int | None = None,
) -> DrawerMovement:
    """Hand cash from the open drawer to the driver, the warehouse or the bank during the
    shift. `handover_number` (letters, digits, - and _, at most 40) is the receipt's number:
    the same again records nothing twice."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    to = _handed_to_clean(handed_to)
    clean = cash_amount(amount, allow_zero=False)
    if not isinstance(handover_number, str) or not HANDOVER_NUMBER.fullmatch(handover_number):
        raise InvalidHandoverError(field="handover_number")
    drawer = open_drawer_locked(actor, station)
    already = DrawerMovement.objects.filter(
        kind=DrawerMovement.Kind.HANDOVER, reference=f"handover:{handover_number}"
    ).exists()
    if not already and clean > drawer_expected(drawer):
        raise InvalidHandoverError(field="amount")
    return _handover_post(
        actor=actor, drawer=drawer, handed_to=to, amount=clean, number=handover_number
    )


# Notes and coins of the renminbi, as the keys of a count.
DENOMINATIONS = {
    "100": Decimal(100),
    "50": Decimal(50),
    "20": Decimal(20),
    "10": Decimal(10),
    "5": Decimal(5),
    "1": Decimal(1),
    "0.5": Decimal("0.5"),
    "0.1": Decimal("0.1"),
}


def _denominations_clean(value: object, counted: Decimal) -> dict[str, int]:
    if value is None or value == {}:
        return {}
    if not isinstance(value, dict) or len(value) > len(DENOMINATIONS):
        raise InvalidDenominationsError(field="denominations")
    clean: dict[str, int] = {}
    for key, number in value.items():
        if key not in DENOMINATIONS or isinstance(number, bool) or not isinstance(number, int):
            raise InvalidDenominationsError(field="denominations")
        if not 0 <= number <= 100_000:
            raise InvalidDenominationsError(field="denominations")
        if number:
            clean[key] = number
    total = sum((DENOMINATIONS[key] * number for key, number in clean.items()), Decimal(0))
    if total != counted:
        raise InvalidDenominationsError(field="denominations")
    return clean


def _drawer_locked_for(actor: AnyUser, drawer_id: object) -> Drawer:
    """The drawer, locked: the agent's own, or any at a station a supervisor acts for."""
    require_agent(actor)
    if isinstance(drawer_id, bool) or not isinstance(drawer_id, int) or not 0 < drawer_id < 2**63:
        raise DrawerNotFoundError
    drawer = Drawer.objects.select_for_update().filter(pk=drawer_id).first()
    if drawer is None:
        raise DrawerNotFoundError
    if drawer.agent_id != actor.pk and stations_of(actor) is not None:
        raise DrawerNotFoundError
    return drawer


@transaction.atomic
def drawer_close(
    *,
    actor: AnyUser,
    drawer_id: int,
    counted: object,
    reason: str = "",
    denominations: dict[str, Any] | None = None,
    handed_to: str = "",
    handed_amount: object = None,
) -> Drawer:
    """Close the shift once: the notes and coins counted against what the drawer should hold.

    The variance (counted - expected) is posted to cash_variance with the reason (required when
    there is one); then what is handed over (all that was counted unless `handed_amount` says
    less) leaves the station's cash account. A second close is DrawerClosedError (409); a
    negative or absurd count InvalidCashAmountError (400)."""
    clean_counted = cash_amount(counted, field="counted")
    clean_reason = text_field(reason, field="reason", max_length=200, required=False)
    clean_denominations = _denominations_clean(denominations, clean_counted)
    to = "" if handed_to in ("", None) else _handed_to_clean(handed_to)
    handed = Decimal(0)
    if to:
        handed = (
            clean_counted
            if handed_amount is None
            else cash_amount(handed_amount, field="handed_amount")
        )
        if handed > clean_counted:
            raise InvalidHandoverError(field="handed_amount")
    elif handed_amount not in (None, "", 0):
        raise InvalidHandoverError(field="handed_to")
    drawer = _drawer_locked_for(actor, drawer_id)
    if drawer.status != Drawer.Status.OPEN:
        raise DrawerClosedError
    expected = drawer_expected(drawer)
    variance = clean_counted - expected
    if variance and not clean_reason:
        raise VarianceReasonRequiredError(field="reason")
    station = drawer.station_id
    if variance:
        reference = f"drawer:{drawer.pk}:variance"
        cash = station_cash_account(station)
        # Counted short: the missing cash is an expense; counted over: the extra is cash.
        entry = entry_post(
            kind=EntryKind.ADJUSTMENT,
            reference=reference,
            lines=[(cash, variance), (CASH_VARIANCE, -variance)],
            memo=clean_reason,
        )
        movement_record(
            actor=actor,
            drawer=drawer,
            kind=DrawerMovement.Kind.VARIANCE,
            amount=variance,
            reference=reference,
            ledger_entry_id=entry.pk,
        )
    if handed:
        _handover_post(
            actor=actor, drawer=drawer, handed_to=to, amount=handed, number=f"D{drawer.pk}C"
        )
    drawer.status = Drawer.Status.CLOSED
    drawer.closed_at = timezone.now()
    drawer.expected = expected
    drawer.counted = clean_counted
    drawer.variance = variance
    drawer.reason = clean_reason
    drawer.denominations = clean_denominations
    drawer.handed_to = to
    drawer.handed_amount = handed if to else None
    drawer.save()
    action_log(
        actor=actor,
        station_id=station,
        code="drawer_closed",
        drawer=drawer.pk,
        expected=str(expected),
        counted=str(clean_counted),
        variance=str(variance),
    )
    return drawer
