"""The cash drawer of an agent's shift: opened with a float, every cash movement recorded against
it and posted through the ledger to the station's cash account, closed once with a count.

Ledger postings (debit > 0, credit < 0; the station's cash account is cash:station:<id>):
- float issued at open: Dr cash:station / Cr cash:county, kind cash_handover,
  reference "float:<drawer id>" (nothing posted for a zero float);
- order paid in cash: posted by orders.order_confirm_cash (Dr cash:station / Cr buyer payments
  clearing, kind cash_collected, reference "payment:<payment number>"); the drawer movement
  records that reference and entry;
- loan repayment in cash: posted by finance.loan_repay(channel="cash");
- refund paid out in cash: posted by payments' cash refund;
- hand-over: Dr cash:county (warehouse, driver) or bank:operating (bank) / Cr cash:station,
  kind cash_handover;
- variance at close: counted short, Dr cash_variance / Cr cash:station; counted over, the
  reverse; kind adjustment, reference "drawer:<id>:variance", the reason in the memo.

What the drawer should hold ("expected") = float + cash in - cash out = the sum of its
movements (variance excluded)."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.core.validators import text_field
from xiangcun.finance.services import loan_repay
from xiangcun.ledger.selectors import entry_ids_by_reference
from xiangcun.ledger.services import entry_post
from xiangcun.ledger.types import (
    CASH_COUNTY,
    EntryKind,
    station_cash_account,
)
from xiangcun.orders.errors import OrderNotFoundError
from xiangcun.orders.selectors import order_get
from xiangcun.payments.selectors import refund_get
from xiangcun.payments.services import refund_confirm_cash
from xiangcun.servicecenter.errors import (
    DrawerAlreadyOpenError,
    DrawerMovementConflictError,
    InvalidCashAmountError,
    NoOpenDrawerError,
    NotAnAgentError,
    RefundNotPayableHereError,
)
from xiangcun.servicecenter.models import AssistedOrder, Drawer, DrawerMovement
from xiangcun.servicecenter.services._common import (
    acting_station,
    action_log,
    require_agent,
)

CENT = Decimal("0.01")
# No shift at a village counter handles a million yuan: anything above is a typing slip.
CASH_LIMIT = Decimal(1_000_000)

# Movements another app posted to the ledger, that drawer_cash_in records, with their sign and
# the ledger kind of the posting.
_RECORDED_KINDS = {
    DrawerMovement.Kind.ORDER_CASH: (1, EntryKind.CASH_COLLECTED),
    DrawerMovement.Kind.LOAN_REPAYMENT: (1, EntryKind.REPAYMENT),
    DrawerMovement.Kind.REFUND: (-1, EntryKind.REFUND),
}

# The assisted-action code each movement kind is logged under.
_ACTION_CODES: dict[str, str] = {
    DrawerMovement.Kind.ORDER_CASH: "cash_taken",
    DrawerMovement.Kind.LOAN_REPAYMENT: "loan_repayment_taken",
    DrawerMovement.Kind.REFUND: "refund_paid",
    DrawerMovement.Kind.HANDOVER: "cash_handed_over",
}


def cash_amount(value: object, *, field: str = "amount", allow_zero: bool = True) -> Decimal:
    """A cash amount from a Decimal, int or decimal string: finite, not negative, at most two
    decimals and at most CASH_LIMIT (rounding: none; more decimals are refused)."""
    if isinstance(value, bool | float):
        raise InvalidCashAmountError(field=field)
    if isinstance(value, str):
        if len(value) > 20:
            raise InvalidCashAmountError(field=field)
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidCashAmountError(field=field) from None
    if not isinstance(value, Decimal | int):
        raise InvalidCashAmountError(field=field)
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or amount > CASH_LIMIT:
        raise InvalidCashAmountError(field=field)
    if amount != amount.quantize(CENT) or (amount == 0 and not allow_zero):
        raise InvalidCashAmountError(field=field)
    return amount.quantize(CENT)


def _signed_amount(value: object) -> Decimal:
    """A non-zero cash amount that may be negative (cash out), bounded like cash_amount."""
    if isinstance(value, str) and value.strip().startswith("-"):
        return -cash_amount(value.strip()[1:], allow_zero=False)
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and value < 0:
        return -cash_amount(-value, allow_zero=False)
    return cash_amount(value, allow_zero=False)


def actor_id(actor: AnyUser) -> int:
    """The acting user's id (require_agent has refused anyone without one)."""
    if actor.pk is None:
        raise NotAnAgentError
    return int(actor.pk)


def drawer_expected(drawer: Drawer) -> Decimal:
    """Float + cash in - cash out: the sum of the drawer's movements, its variance excluded."""
    total = (
        drawer.movements.exclude(kind=DrawerMovement.Kind.VARIANCE)
        .aggregate(total=Sum("amount"))
        .get("total")
    )
    return (total or Decimal(0)).quantize(CENT)


def open_drawer_locked(actor: AnyUser, station_id: int) -> Drawer:
    drawer = (
        Drawer.objects.select_for_update()
        .filter(agent_id=actor.pk, station_id=station_id, status=Drawer.Status.OPEN)
        .first()
    )
    if drawer is None:
        raise NoOpenDrawerError
    return drawer


@transaction.atomic
def drawer_open(*, actor: AnyUser, float_amount: object, station_id: int | None = None) -> Drawer:
    """Open the actor's drawer for a shift with `float_amount` of change from the county office.

    One open drawer per agent (a second is DrawerAlreadyOpenError, 409), backed by a partial
    unique constraint so two opens at once leave one drawer."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    amount = cash_amount(float_amount, field="float")
    if Drawer.objects.filter(agent_id=actor.pk, status=Drawer.Status.OPEN).exists():
        raise DrawerAlreadyOpenError
    try:
        with transaction.atomic():
            drawer = Drawer.objects.create(
                agent_id=actor_id(actor),
                station_id=station,
                float_amount=amount,
                opened_at=timezone.now(),
            )
    except IntegrityError:
        # Another open by the same agent committed first.
        raise DrawerAlreadyOpenError from None
    reference = f"float:{drawer.pk}"
    entry_id = None
    if amount > 0:
        entry_id = entry_post(
            kind=EntryKind.CASH_HANDOVER,
            reference=reference,
            lines=[(station_cash_account(station), amount), (CASH_COUNTY, -amount)],
            memo=f"Float for drawer {drawer.pk} at station {station}",
        ).pk
    DrawerMovement.objects.create(
        drawer=drawer,
        kind=DrawerMovement.Kind.FLOAT,
        amount=amount,
        reference=reference,
        ledger_entry_id=entry_id,
        actor_id=actor_id(actor),
    )
    action_log(actor=actor, station_id=station, code="drawer_opened", float=str(amount))
    return drawer


def movement_record(
    *,
    actor: AnyUser,
    drawer: Drawer,
    kind: str,
    amount: Decimal,
    reference: str,
    ledger_entry_id: int | None,
) -> tuple[DrawerMovement, bool]:
    existing = DrawerMovement.objects.filter(kind=kind, reference=reference).first()
    if existing is not None:
        if existing.amount != amount or existing.drawer_id != drawer.pk:
            raise DrawerMovementConflictError(field="reference")
        return existing, False
    try:
        with transaction.atomic():
            movement = DrawerMovement.objects.create(
                drawer=drawer,
                kind=kind,
                amount=amount,
                reference=reference,
                ledger_entry_id=ledger_entry_id,
                actor_id=actor_id(actor),
            )
        return movement, True
    except IntegrityError:
        existing = DrawerMovement.objects.filter(kind=kind, reference=reference).first()
        if existing is None or existing.amount != amount or existing.drawer_id != drawer.pk:
            raise DrawerMovementConflictError(field="reference") from None
        return existing, False


@transaction.atomic
def drawer_cash_in(
    *,
    actor: AnyUser,
    station_id: int,
    kind: str,
    amount: object,
    reference: str,
    ledger_entry_id: int | None = None,
) -> DrawerMovement:
    """Record in the actor's open drawer at `station_id` cash another app already posted to the
    station's cash account: kind "order_cash" (reference "payment:<payment number>", as
    order_confirm_cash posts it), "loan_repayment" or "refund". `amount` is signed: + into the
    drawer; its sign must match the kind. Idempotent on (kind, reference): the same again
    returns the first movement; other details are DrawerMovementConflictError (409).

    NoOpenDrawerError (409) when the actor has no open drawer there."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    if kind not in _RECORDED_KINDS:
        raise InvalidCashAmountError(field="kind")
    sign, ledger_kind = _RECORDED_KINDS[DrawerMovement.Kind(kind)]
    signed = _signed_amount(amount)
    if (signed > 0) != (sign > 0):
        raise InvalidCashAmountError(field="amount")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 80:
        raise DrawerMovementConflictError(field="reference")
    drawer = open_drawer_locked(actor, station)
    if ledger_entry_id is None:
        ledger_entry_id = entry_ids_by_reference(kind=ledger_kind, references=[reference]).get(
            reference
        )
    movement, created = movement_record(
        actor=actor,
        drawer=drawer,
        kind=kind,
        amount=signed,
        reference=reference,
        ledger_entry_id=ledger_entry_id,
    )
    if created:
        action_log(
            actor=actor,
            station_id=station,
            code=_ACTION_CODES[movement.kind],
            amount=str(movement.amount),
            reference=reference,
        )
    return movement


# --- Cash other apps post, taken or paid through the drawer ----------------------------------


@transaction.atomic
def drawer_loan_repayment(
    *,
    actor: AnyUser,
    loan_id: int,
    amount: object,
    reference: str,
    station_id: int | None = None,
) -> DrawerMovement:
    """A borrower repays a loan in cash at the counter: finance.loan_repay(channel="cash")
    posts it (Dr cash:station ..., reference "repayment:<reference>") and the drawer records
    it. `reference` is the client's key (at most 64 characters): the same again takes nothing
    twice. NoOpenDrawerError without an open drawer."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    clean = cash_amount(amount, allow_zero=False)
    open_drawer_locked(actor, station)
    repayment = loan_repay(
        actor=actor,
        loan_id=loan_id,
        amount=clean,
        channel="cash",
        reference=reference,
        station_id=station,
    )
    return drawer_cash_in(
        actor=actor,
        station_id=station,
        kind=DrawerMovement.Kind.LOAN_REPAYMENT,
        amount=repayment.amount,
        reference=f"repayment:{repayment.reference}",
    )


def _refund_payable_here(actor: AnyUser, order_id: int, station: int) -> None:
    """A cash refund is paid out at the order's own station (its pickup station, or the
    station whose agent placed it)."""
    if AssistedOrder.objects.filter(order_id=order_id, station_id=station).exists():
        return
    try:
        order = order_get(order_id=order_id, for_user=actor).order
    except OrderNotFoundError:
        raise RefundNotPayableHereError from None
    if order.station_id != station:
        raise RefundNotPayableHereError


@transaction.atomic
def drawer_refund_pay(
    *, actor: AnyUser, refund_number: str, station_id: int | None = None
) -> DrawerMovement:
    """Pay a pending cash refund out of the drawer (a returned cash order): payments'
    refund_confirm_cash posts it (Dr buyer payments clearing / Cr cash:station, kind refund,
    reference "refund:<number>") and the drawer records the cash out. Paying again returns the
    first movement."""
    require_agent(actor)
    station = acting_station(actor, station_id)
    number = text_field(
        refund_number,
        field="refund",
        max_length=64,
        non_text_as_empty=True,
        error=RefundNotPayableHereError,
    )
    open_drawer_locked(actor, station)
    refund = refund_get(refund_number=number)
    intent = refund.intent
    if intent.provider != "cash" or not intent.reference.startswith("order:"):
        raise RefundNotPayableHereError
    order_id = intent.reference.removeprefix("order:")
    if not order_id.isdigit():
        raise RefundNotPayableHereError
    _refund_payable_here(actor, int(order_id), station)
    refund = refund_confirm_cash(actor=actor, refund_number=number, station_id=station)
    if refund.station_id != station:
        raise RefundNotPayableHereError
    return drawer_cash_in(
        actor=actor,
        station_id=station,
        kind=DrawerMovement.Kind.REFUND,
        amount=-refund.amount,
        reference=f"refund:{refund.number}",
    )
