"""Builders for the cash-drawer and commission tests: an agent's station, cash orders placed by
an agent and taken into the drawer, orders delivered and completed, a cash return, a loan."""

import itertools
from decimal import Decimal

from django.utils import timezone

from tests.accounts.factories import UserFactory, user_with_role
from tests.finance.factories import active_loan, loan_disbursed_in_ledger
from tests.servicecenter.factories import ResidentFactory, goods_in_stock
from xiangcun.accounts.models import User
from xiangcun.accounts.types import Role
from xiangcun.finance.models import Loan
from xiangcun.orders import services as orders_services
from xiangcun.orders.models import Order, ReturnRequest
from xiangcun.regions.models import Station
from xiangcun.servicecenter import services
from xiangcun.servicecenter.models import AssistedOrder, Drawer
from xiangcun.servicecenter.services._common import acting_station

_keys = itertools.count(1)


def station_of(agent: User) -> Station:
    return Station.objects.get(pk=acting_station(agent))


def drawer_opened(agent: User, float_amount: str = "200.00") -> Drawer:
    return services.drawer_open(actor=agent, float_amount=Decimal(float_amount))


def cash_order(
    agent: User,
    *,
    price: str = "12.50",
    quantity: int = 2,
    buyer: User | None = None,
    into_drawer: bool = True,
) -> Order:
    """An order the agent placed at their station for a resident (with a login unless given)
    and paid in cash at the counter: recorded as an assisted order, the cash confirmed (posted
    to the station's cash account) and taken into the agent's open drawer."""
    station = station_of(agent)
    buyer = buyer or UserFactory()
    variant = goods_in_stock(price=Decimal(price))
    order = orders_services.order_place(
        buyer=buyer,
        lines=[(variant.pk, quantity)],
        delivery_method="station_pickup",
        station_id=station.pk,
        address=None,
        payment_method="cash",
        idempotency_key=None,
        placed_by=agent,
    )
    AssistedOrder.objects.create(
        order=order,
        resident=ResidentFactory(user=buyer),
        agent=agent,
        station=station,
        payment=AssistedOrder.Payment.CASH,
        idempotency_key=f"test-{next(_keys)}",
        fingerprint="test",
    )
    orders_services.order_confirm_cash(actor=agent, order_id=order.pk, station_id=station.pk)
    order.refresh_from_db()
    if into_drawer:
        services.drawer_cash_in(
            actor=agent,
            station_id=station.pk,
            kind="order_cash",
            amount=order.total,
            reference=f"payment:{order.payment_number}",
        )
    return order


def delivered(order: Order) -> Order:
    """The order packed, shipped and delivered by the staff who do it."""
    packer, courier = user_with_role(Role.PACKER), user_with_role(Role.COURIER)
    for actor, status in ((packer, "packing"), (packer, "shipped"), (courier, "delivered")):
        orders_services.order_transition(actor=actor, order_id=order.pk, to_status=status)
    order.refresh_from_db()
    return order


def completed(order: Order) -> Order:
    """The order delivered, then completed (as the buyer confirming receipt)."""
    order = delivered(order)
    Order.objects.filter(pk=order.pk).update(status="completed", completed_at=timezone.now())
    order.refresh_from_db()
    return order


def cash_return_approved(order: Order, agent: User, *, quantity: int | None = None) -> str:
    """The buyer returns units of the (delivered) cash order's first line and the agent accepts:
    a cash refund now waits to be paid out at the station. Returns the refund number."""
    line = order.lines.order_by("pk").first()
    assert line is not None
    request = orders_services.return_request(
        actor=order.buyer,
        order_id=order.pk,
        lines=[(line.pk, quantity or line.quantity)],
        reason="damaged",
    )
    request = orders_services.return_decide(actor=agent, return_id=request.pk, approve=True)
    assert request.status == ReturnRequest.Status.APPROVED
    return request.refund_number


def loan_owing() -> Loan:
    """An active loan whose principal is in the ledger, owing ¥1,060 over three instalments."""
    loan = active_loan()
    loan_disbursed_in_ledger(loan)
    return loan


def parcel_handed_over_by(agent: User) -> int:
    """A paid order for pickup at the agent's station, packed at the county warehouse, brought
    to the station by the driver and handed over by the agent by its pickup code (the real
    path). Returns the parcel's id."""
    from tests.logistics.factories import (
        WarehouseStationFactory,
        packed,
        paid_order,
        staff_member,
    )
    from xiangcun.logistics import services as logistics_services
    from xiangcun.logistics.models import StaffMember

    station = station_of(agent)
    depot = WarehouseStationFactory()
    order = paid_order(UserFactory(), goods_in_stock().pk, station=station)
    parcel = packed(order, staff_member(StaffMember.Job.PACKER, depot))
    parcel = logistics_services.parcel_station_receive(
        actor=staff_member(StaffMember.Job.DRIVER, depot), parcel_id=parcel.pk
    )
    logistics_services.parcel_handover(
        actor=agent, station_id=station.pk, code=logistics_services.pickup_code_for(parcel)
    )
    return parcel.pk


def applicant_entered_by(agent: User) -> int:
    """A job applicant the agent entered at the counter (with the resident's consent)."""
    from tests.jobs.factories import PostingFactory
    from xiangcun.jobs.services import application_submit

    station = station_of(agent)
    posting = PostingFactory()
    submitted = application_submit(
        actor=agent,
        posting_id=posting.pk,
        name="张三",
        phone=f"139{next(_keys):08d}",
        village_id=posting.station.village_id or station.village_id,
        consent=True,
        station_id=station.pk,
    )
    return submitted.application.pk
