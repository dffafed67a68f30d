"""Reads of the cash drawer: the actor's open drawer, one drawer with what it should hold, and a
station's day."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from xiangcun.accounts.types import AnyUser
from xiangcun.ledger.selectors import account_balance
from xiangcun.ledger.types import station_cash_account
from xiangcun.servicecenter.errors import DrawerNotFoundError, NoOpenDrawerError
from xiangcun.servicecenter.models import Drawer, DrawerMovement
from xiangcun.servicecenter.services._common import acting_station, require_agent, stations_of

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MovementRow:
    """One movement of cash in (+) or out (-) of a drawer."""

    id: int
    kind: str
    kind_label: str
    amount: Decimal
    reference: str
    at: datetime.datetime


@dataclass(frozen=True)
class DrawerView:
    """A drawer with what it should hold now (open) or held at close: expected = float + cash in
    - cash out."""

    id: int
    agent_id: int
    station_id: int
    status: str
    float_amount: Decimal
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    expected: Decimal
    cash_in: Decimal
    cash_out: Decimal
    counted: Decimal | None
    variance: Decimal | None
    reason: str
    handed_to: str
    handed_amount: Decimal | None
    denominations: dict[str, int]
    movements: tuple[MovementRow, ...]


@dataclass(frozen=True)
class DayReport:
    """One station's cash for one local day: every drawer opened that day, the totals of their
    movements by kind, and the station's cash account in the ledger now."""

    station_id: int
    day: datetime.date
    drawers: tuple[DrawerView, ...]
    floats: Decimal
    order_cash: Decimal
    loan_repayments: Decimal
    refunds: Decimal
    handed_over: Decimal
    variance: Decimal
    counted: Decimal
    open_drawers: int
    station_cash: Decimal


def drawer_open_for(*, actor: AnyUser, station_id: int | None = None) -> Drawer | None:
    """The actor's open drawer (at `station_id` when named, else at their station), or None."""
    station = acting_station(actor, station_id)
    return Drawer.objects.filter(
        agent_id=actor.pk, station_id=station, status=Drawer.Status.OPEN
    ).first()


def drawer_for_cash(*, actor: AnyUser, station_id: int) -> Drawer:
    """The drawer cash taken by `actor` at `station_id` goes into: their open one there.

    Raises NoOpenDrawerError (409 "no_open_drawer") when they have none, NotYourStationError
    when the station is not theirs."""
    drawer = drawer_open_for(actor=actor, station_id=station_id)
    if drawer is None:
        raise NoOpenDrawerError
    return drawer


def _view(drawer: Drawer, movements: list[DrawerMovement]) -> DrawerView:
    counted_moves = [m for m in movements if m.kind != DrawerMovement.Kind.VARIANCE]
    cash_in = sum((m.amount for m in counted_moves if m.amount > 0), ZERO)
    cash_out = ZERO - sum((m.amount for m in counted_moves if m.amount < 0), ZERO)
    # Open: what it should hold now; closed: what it should have held when counted.
    now = sum((m.amount for m in counted_moves), ZERO)
    expected = drawer.expected if drawer.expected is not None else now
    return DrawerView(
        id=drawer.pk,
        agent_id=drawer.agent_id,
        station_id=drawer.station_id,
        status=drawer.status,
        float_amount=drawer.float_amount,
        opened_at=drawer.opened_at,
        closed_at=drawer.closed_at,
        expected=expected.quantize(CENT),
        cash_in=cash_in.quantize(CENT),
        cash_out=cash_out.quantize(CENT),
        counted=drawer.counted,
        variance=drawer.variance,
        reason=drawer.reason,
        handed_to=drawer.handed_to,
        handed_amount=drawer.handed_amount,
        denominations=dict(drawer.denominations or {}),
        movements=tuple(
            MovementRow(
                id=m.pk,
                kind=m.kind,
                kind_label=str(DrawerMovement.Kind(m.kind).label),
                amount=m.amount,
                reference=m.reference,
                at=m.created_at,
            )
            for m in movements
        ),
    )


def _id_ok(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def drawer_get(*, actor: AnyUser, drawer_id: int) -> DrawerView:
    """One drawer with its movements: the agent's own, or any for the staff above them.
    DrawerNotFoundError otherwise (nothing to probe)."""
    require_agent(actor)
    if not _id_ok(drawer_id):
        raise DrawerNotFoundError
    drawer = Drawer.objects.filter(pk=drawer_id).first()
    if drawer is None or (drawer.agent_id != actor.pk and stations_of(actor) is not None):
        raise DrawerNotFoundError
    return _view(drawer, list(drawer.movements.order_by("id")))


def drawers_for(*, actor: AnyUser, limit: int = 20) -> list[DrawerView]:
    """The actor's own drawers, newest first."""
    require_agent(actor)
    limit = max(1, min(int(limit), 100))
    drawers = list(Drawer.objects.filter(agent_id=actor.pk).order_by("-opened_at", "-id")[:limit])
    return _views(drawers)


def _views(drawers: list[Drawer]) -> list[DrawerView]:
    moves: dict[int, list[DrawerMovement]] = {d.pk: [] for d in drawers}
    for movement in DrawerMovement.objects.filter(drawer__in=drawers).order_by("id"):
        moves[movement.drawer_id].append(movement)
    return [_view(drawer, moves[drawer.pk]) for drawer in drawers]


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, start + datetime.timedelta(days=1)


def station_day_report(*, actor: AnyUser, station_id: int | None, day: datetime.date) -> DayReport:
    """A station's cash for one local day (Asia/Shanghai): its agents see their own station
    (`station_id` None: theirs), the staff above them any station they name."""
    station = acting_station(actor, station_id)
    if not isinstance(day, datetime.date):
        day = timezone.localdate()
    start, end = _day_bounds(day)
    drawers = list(
        Drawer.objects.filter(station_id=station, opened_at__gte=start, opened_at__lt=end).order_by(
            "opened_at", "id"
        )
    )
    views = _views(drawers)
    totals = {
        row["kind"]: row["total"]
        for row in DrawerMovement.objects.filter(drawer__in=drawers)
        .values("kind")
        .annotate(total=Sum("amount"))
        .order_by("kind")
    }

    def total(kind: str) -> Decimal:
        return (totals.get(kind) or ZERO).quantize(CENT)

    return DayReport(
        station_id=station,
        day=day,
        drawers=tuple(views),
        floats=total(DrawerMovement.Kind.FLOAT),
        order_cash=total(DrawerMovement.Kind.ORDER_CASH),
        loan_repayments=total(DrawerMovement.Kind.LOAN_REPAYMENT),
        refunds=ZERO - total(DrawerMovement.Kind.REFUND),
        handed_over=ZERO - total(DrawerMovement.Kind.HANDOVER),
        variance=total(DrawerMovement.Kind.VARIANCE),
        counted=sum((d.counted or ZERO for d in drawers), ZERO),
        open_drawers=sum(1 for d in drawers if d.status == Drawer.Status.OPEN),
        station_cash=account_balance(code=station_cash_account(station)),
    )
