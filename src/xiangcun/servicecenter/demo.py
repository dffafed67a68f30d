"""The service centre's demo: residents at agent 13800000004's station who consented there (杨阿婆
has no phone, as many do), the commission rules, the agent's drawer open with a float, and one
assisted order already delivered and completed, so the desk is not empty.

Safe to run again: residents are found before they are registered, the order is placed under a
fixed Idempotency-Key (the same key answers the same order), and an open drawer is kept."""

from decimal import Decimal
from typing import Any

from xiangcun.accounts.selectors import user_by_phone, user_roles
from xiangcun.accounts.types import Role
from xiangcun.catalog.selectors import (
    product_active_variants,
    product_ids_search,
    products_cards,
    variant_availability,
    variant_on_sale,
    variants_for_order,
)
from xiangcun.orders.selectors import variants_ordered_most
from xiangcun.orders.services import order_transition
from xiangcun.orders.types import OrderStatus
from xiangcun.regions.selectors import station_get, villages_for_township

DEMO_AGENT_PHONE = "13800000004"
DEMO_WAREHOUSE_PHONE = "13800000005"
DEMO_FLOAT = Decimal("200.00")
DEMO_ORDER_KEY = "demo-assisted-1"


# A SAMPLE ID card number of Danzhai county (valid check digit; no real person's). It is passed
# to the service like a typed one, which keeps only its keyed hash and masked form.
DEMO_ID_NUMBER = "522636194807160023"


def _goods(station_id: int, limit: int = 2) -> list[int]:
    """Goods the station usually orders (else the catalogue's first page), on sale and with
    stock, for the demo order."""
    candidates = variants_ordered_most(station_id=station_id, limit=50)
    if len(candidates) < limit:
        for product in products_cards(product_ids=product_ids_search(page_size=20).items):
            candidates.extend(variant.pk for variant in product_active_variants(product))
    variants = variants_for_order(variant_ids=candidates)
    stock = variant_availability(variant_ids=candidates)
    found: list[int] = []
    for variant_id in candidates:
        variant = variants.get(variant_id)
        if variant is None or not variant_on_sale(variant) or variant_id in found:
            continue
        if stock.get(variant_id, 0) >= 5:
            found.append(variant_id)
        if len(found) == limit:
            break
    return found


def servicecenter_demo_load() -> dict[str, int]:
    """Load the service centre's demo; answers what it made (0s when run again)."""
    # Imported here: services/__init__ re-exports this function.
    from xiangcun.servicecenter import services
    from xiangcun.servicecenter.selectors.drawer import drawer_open_for
    from xiangcun.servicecenter.selectors.residents import residents_find
    from xiangcun.servicecenter.services._common import acting_station

    made = {"residents": 0, "rules": 0, "drawers": 0, "orders": 0, "commission_lines": 0}
    agent = user_by_phone(phone=DEMO_AGENT_PHONE)
    if agent is None or Role.AGENT not in user_roles(user=agent):
        return made
    station_id = acting_station(agent)
    station = station_get(station_id=station_id)
    villages = villages_for_township(township_code=station.township_code)
    if not villages:
        return made
    home = next((v for v in villages if v.code == station.village_code), villages[0])
    neighbour = next((v for v in villages if v.id != home.id), home)

    people: list[dict[str, Any]] = [
        # No phone and no ID card at hand: found by name and village.
        {"name": "杨阿婆", "village_id": home.id, "phone": "", "id_number": ""},
        {"name": "王德福", "village_id": neighbour.id, "phone": "", "id_number": DEMO_ID_NUMBER},
        {"name": "潘秀兰", "village_id": home.id, "phone": "13908550101", "id_number": ""},
    ]
    residents: dict[str, Any] = {}
    for person in people:
        query = person["id_number"] or person["phone"] or person["name"]
        rows = residents_find(actor=agent, q=query, station_id=station_id, limit=1)
        if rows:
            residents[person["name"]] = rows[0].id
            continue
        resident = services.resident_register_assisted(
            actor=agent, consent=True, station_id=station_id, **person
        )
        residents[person["name"]] = resident.pk
        made["residents"] += 1

    rules_load = getattr(services, "commission_rules_demo_load", None)
    if rules_load is not None:
        made["rules"] = rules_load()

    if drawer_open_for(actor=agent, station_id=station_id) is None:
        services.drawer_open(actor=agent, float_amount=DEMO_FLOAT, station_id=station_id)
        made["drawers"] += 1

    goods = _goods(station_id)
    if goods:
        placed = services.assisted_order_place(
            actor=agent,
            resident_id=residents["杨阿婆"],
            lines=[(variant_id, 1) for variant_id in goods],
            payment_method="cash",
            idempotency_key=DEMO_ORDER_KEY,
            station_id=station_id,
        )
        if placed.created:
            made["orders"] += 1
        _delivered(placed.order)
        # Part of the commission sweep's work (a periodic task): the agent sees it at once.
        accrue = getattr(services, "commission_accrue", None)
        if accrue is not None:
            made["commission_lines"] = accrue()
    return made


def _delivered(order: Any) -> None:
    """Take the demo order through packing and shipping to the station, delivered and done."""
    warehouse = user_by_phone(phone=DEMO_WAREHOUSE_PHONE)
    if warehouse is None:
        return
    steps = [
        (OrderStatus.PAID, OrderStatus.PACKING, warehouse),
        (OrderStatus.PACKING, OrderStatus.SHIPPED, warehouse),
        (OrderStatus.SHIPPED, OrderStatus.DELIVERED, None),
        (OrderStatus.DELIVERED, OrderStatus.COMPLETED, None),
    ]
    status = order.status
    for from_status, to_status, actor in steps:
        if status == from_status:
            status = order_transition(actor=actor, order_id=order.pk, to_status=to_status).status
