"""The demo's logistics day: vans, staff and shifts, paid orders packed into parcels (some waiting
at stations with pickup codes) and farm pickups (see services.logistics_demo_load, which plans
the day's routes once this has committed)."""

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from xiangcun.accounts.selectors import user_by_phone
from xiangcun.accounts.services import user_register
from xiangcun.accounts.types import AnyUser
from xiangcun.catalog.selectors import products_for_seller
from xiangcun.inventory.selectors import available_by_variant, locations_list
from xiangcun.logistics.errors import DemoPrerequisiteError
from xiangcun.logistics.models import FarmPickup, PackingTask, Parcel, Shift, StaffMember, Vehicle
from xiangcun.logistics.services import (
    packing_complete,
    packing_task_open,
    parcel_station_receive,
    pickup_code_for,
    shift_set,
    staff_member_set,
)
from xiangcun.logistics.types import DemoPickupCode, LogisticsDemoResult
from xiangcun.orders import selectors as orders_selectors
from xiangcun.orders import services as orders_services
from xiangcun.payments.services import sandbox_decide
from xiangcun.regions.selectors import stations_list
from xiangcun.regions.types import StationSummary
from xiangcun.sellers.selectors import sellers_list

_DEMO_VEHICLES = (
    ("贵H·D1001", "冷链厢式车", 800, 40, True, "1.50"),
    ("贵H·D1002", "中型厢式货车", 1200, 60, False, "2.20"),
    ("贵H·D1003", "小型面包车", 600, 30, False, "1.60"),
    ("贵H·D1004", "备用货车", 1500, 80, False, "2.50"),
)
# (phone, job, vehicle plate or "", shift start, shift end); the demo users from accounts
# (13800000005 warehouse, ...06 packer, ...07 driver, ...08 courier, ...04 agent) and one more
# driver for the third van.
_DEMO_STAFF = (
    ("13800000007", StaffMember.Job.DRIVER, "贵H·D1001", 7 * 60 + 30, 18 * 60),
    ("13800000008", StaffMember.Job.COURIER, "贵H·D1003", 8 * 60, 18 * 60),
    ("13800000101", StaffMember.Job.DRIVER, "贵H·D1002", 7 * 60, 17 * 60 + 30),
    ("13800000006", StaffMember.Job.PACKER, "", 7 * 60, 16 * 60),
    ("13800000005", StaffMember.Job.WAREHOUSE, "", 7 * 60, 17 * 60),
    ("13800000004", StaffMember.Job.AGENT, "", 9 * 60, 17 * 60 + 30),
)
DEMO_BUYER_PHONE = "13800000001"
DEMO_AGENT_STATION = "DZ-VS-02"
DEMO_ORDERS = 12
DEMO_AT_STATION = 4
# Farms to collect from (APPROXIMATE sample positions near demo villages): seller index, kind of
# place (named after the shop), lat, lng, window, kg, crates.
_DEMO_PICKUPS = (
    (0, "蓝莓基地", "26.181", "107.771", (9 * 60, 12 * 60), 300, 20),
    (1, "茶园", "26.171", "107.815", (10 * 60, 15 * 60), 200, 15),
    (2, "蜂场", "26.281", "107.866", (13 * 60, 16 * 60), 180, 12),
)


@transaction.atomic
def demo_day(*, day: date, password: str) -> LogisticsDemoResult:
    """The demo's logistics day: four vans (one cold chain), drivers, courier, packer, warehouse
    manager and a station agent with shifts, a day of paid orders to village stations packed
    into parcels, some of them already waiting at stations with pickup codes, and farm
    pickups. Safe to run again for the same day: orders are found by their idempotency keys,
    packed ones are left as they are.

    Needs the regions, demo users, shops and stock loaded first. `password` is for the extra
    demo driver's login (a random one when empty). Routes, unassigned stops and violations are
    left empty: `logistics_demo_load` plans after this commits."""
    warehouse = next(iter(stations_list(kind="warehouse")), None)
    buyer = user_by_phone(phone=DEMO_BUYER_PHONE)
    if warehouse is None or buyer is None or not locations_list(kind="warehouse"):
        raise DemoPrerequisiteError
    stations = [s for s in stations_list(kind="village_station") if s.latitude is not None]
    if not stations:
        raise DemoPrerequisiteError
    vehicles = _demo_vehicles(warehouse_id=warehouse.id)
    agent_station = next((s for s in stations if s.code == DEMO_AGENT_STATION), stations[0])
    staff = _demo_staff(
        day=day,
        password=password,
        vehicles=vehicles,
        agent_station_id=agent_station.id,
        warehouse_id=warehouse.id,
    )
    packer = staff["13800000006"].user
    driver = staff["13800000007"].user
    sellers = list(sellers_list())
    orders, codes = _demo_orders(
        day=day,
        buyer=buyer,
        sellers=sellers,
        stations=stations,
        agent_station=agent_station,
        packer=packer,
        driver=driver,
    )
    pickups = _demo_pickups(day=day, sellers=sellers, requested_by_id=staff["13800000005"].user_id)
    return LogisticsDemoResult(
        day=day,
        vehicles=len(vehicles),
        staff=len(staff),
        orders=orders,
        parcels_at_stations=len(codes),
        farm_pickups=pickups,
        routes=0,
        unassigned=0,
        codes=codes,
    )


def _demo_vehicles(*, warehouse_id: int) -> dict[str, Vehicle]:
    """The four demo vans by plate, kept at the warehouse (found again by plate)."""
    vehicles: dict[str, Vehicle] = {}
    for plate, name, kg, crates, cold, cost in _DEMO_VEHICLES:
        vehicle, _created = Vehicle.objects.get_or_create(
            plate=plate,
            defaults={
                "name": name,
                "capacity_kg": kg,
                "capacity_crates": crates,
                "cold_chain": cold,
                "cost_per_km": Decimal(cost),
                "home_station_id": warehouse_id,
            },
        )
        vehicles[plate] = vehicle
    return vehicles


def _demo_staff(
    *,
    day: date,
    password: str,
    vehicles: dict[str, Vehicle],
    agent_station_id: int,
    warehouse_id: int,
) -> dict[str, StaffMember]:
    """The demo staff by phone, each with a shift on `day` (a driver's with their van); the
    agent works at the agent station, everyone else at the warehouse."""
    staff: dict[str, StaffMember] = {}
    for phone, job, plate, start, end in _DEMO_STAFF:
        user = user_by_phone(phone=phone) or user_register(
            phone=phone,
            password=password or secrets.token_urlsafe(16),
            name="龙建国" if phone.endswith("101") else "",
        )
        station_id = agent_station_id if job == StaffMember.Job.AGENT else warehouse_id
        member = StaffMember.objects.filter(user_id=user.pk).first()
        if member is None:
            member = staff_member_set(actor=None, user=user, job=job, station_id=station_id)
        staff[phone] = member
        if not Shift.objects.filter(staff=member, day=day).exists():
            shift_set(
                actor=None,
                staff_id=member.pk,
                day=day,
                start_min=start,
                end_min=end,
                vehicle_id=vehicles[plate].pk if plate else None,
            )
    return staff


def _demo_orders(
    *,
    day: date,
    buyer: AnyUser,
    sellers: list[Any],
    stations: list[StationSummary],
    agent_station: StationSummary,
    packer: AnyUser,
    driver: AnyUser,
) -> tuple[int, list[DemoPickupCode]]:
    """A day of orders from the demo shops' stocked goods, to the stations, paid in the
    sandbox and packed; the first DEMO_AT_STATION wait at the agent's station with a pickup
    code. Returns how many orders there are and the codes of the parcels waiting."""
    variant_ids = [
        variant.pk
        for seller in sellers
        for product in products_for_seller(seller_id=seller.pk, listed_only=True)
        for variant in product.variants.all()
        if variant.is_active
    ]
    available = available_by_variant(variant_ids=variant_ids)
    stocked = [variant_id for variant_id in variant_ids if available.get(variant_id, 0) >= 3]
    if not stocked:
        raise DemoPrerequisiteError
    codes: list[DemoPickupCode] = []
    orders = 0
    for index in range(DEMO_ORDERS):
        station = stations[index % len(stations)]
        if index < DEMO_AT_STATION:
            station = agent_station
        lines = [(stocked[(index * 3 + k) % len(stocked)], 1) for k in range(1 + index % 2)]
        key = f"logistics-demo-{day:%Y%m%d}-{index}"
        existing = orders_selectors.order_for_idempotency_key(buyer=buyer, idempotency_key=key)
        if existing is None:
            order = orders_services.order_place(
                buyer=buyer,
                lines=list(dict(lines).items()),
                delivery_method="station_pickup",
                station_id=station.id,
                address=None,
                payment_method="sandbox",
                idempotency_key=key,
            )
            sandbox_decide(number=order.payment_number, approve=True)
        else:
            order = existing
        orders += 1
        task = packing_task_open(actor=packer, order_id=order.pk)
        if task.status == PackingTask.Status.OPEN:
            parcel = packing_complete(actor=packer, task_id=task.pk, weight_g=1500 + 700 * index)
        else:
            parcel = Parcel.objects.get(task=task)
        if index < DEMO_AT_STATION:
            if parcel.status == Parcel.Status.PACKED:
                # Yesterday's van left it there: the driver hands it to the station.
                parcel = parcel_station_receive(actor=driver, parcel_id=parcel.pk)
            if parcel.status == Parcel.Status.AT_STATION:
                codes.append(
                    DemoPickupCode(
                        order_number=order.number,
                        station=station.name,
                        code=pickup_code_for(parcel),
                    )
                )
    return orders, codes


def _demo_pickups(*, day: date, sellers: list[Any], requested_by_id: int) -> int:
    """Farm pickups for the day from the first farmer shops (found again by place); how many
    there are."""
    farmers = [seller for seller in sellers if seller.kind in ("farmer", "cooperative")] or sellers
    pickups = 0
    for seller_index, place, lat, lng, window, kg, crates in _DEMO_PICKUPS:
        seller = farmers[seller_index % len(farmers)]
        place = f"{seller.name}{place}（示例取货点）"[:200]
        if FarmPickup.objects.filter(day=day, place=place).exists():
            pickups += 1
            continue
        products = products_for_seller(seller_id=seller.pk)
        variant = next((v for p in products for v in p.variants.all()), None)
        if variant is None:
            continue
        FarmPickup.objects.create(
            seller_id=seller.pk,
            requested_by_id=requested_by_id,
            variant_id=variant.pk,
            place=place,
            latitude=Decimal(lat),
            longitude=Decimal(lng),
            contact_phone="13900000000",
            day=day,
            window_start_min=window[0],
            window_end_min=window[1],
            expected_kg=kg,
            crates=crates,
        )
        pickups += 1
    return pickups
