"""Every write of the inventory app: locations, receiving, counting, reservations (`stock`),
transfers and a farm's intake at the warehouse (`transfer`), the harvest lots stock carries
(`lots`) and shipments announced to the county warehouse (`inbound`); other apps import them
from here."""

from xiangcun.inventory.services.demo import inventory_demo_farm_stock_move
from xiangcun.inventory.services.inbound import inbound_create, inbound_receive
from xiangcun.inventory.services.lots import sale_lots
from xiangcun.inventory.services.stock import (
    COUNTER_KINDS,
    DEFAULT_RESERVATION_TTL_SECONDS,
    NOTE_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    inventory_demo_load,
    location_create,
    location_for_seller,
    reservation_consume,
    reservation_release,
    reservations_expire,
    stock_adjust,
    stock_receive,
    stock_reserve,
    stock_return,
    stock_threshold_set,
)
from xiangcun.inventory.services.transfer import IntakeStock, stock_intake, stock_transfer

__all__ = [
    "COUNTER_KINDS",
    "DEFAULT_RESERVATION_TTL_SECONDS",
    "NOTE_MAX_LENGTH",
    "REFERENCE_MAX_LENGTH",
    "IntakeStock",
    "inbound_create",
    "inbound_receive",
    "inventory_demo_farm_stock_move",
    "inventory_demo_load",
    "location_create",
    "location_for_seller",
    "reservation_consume",
    "reservation_release",
    "reservations_expire",
    "sale_lots",
    "stock_adjust",
    "stock_intake",
    "stock_receive",
    "stock_reserve",
    "stock_return",
    "stock_threshold_set",
    "stock_transfer",
]
