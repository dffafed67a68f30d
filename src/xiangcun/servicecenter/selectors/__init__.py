"""The service centre's reads, re-exported from their modules."""

from xiangcun.servicecenter.selectors.commission import (
    CommissionLineRow,
    CommissionView,
    commission_for,
)
from xiangcun.servicecenter.selectors.desk import (
    action_text,
    resident_consents,
    resident_orders,
    residents_served_today,
)
from xiangcun.servicecenter.selectors.drawer import (
    DayReport,
    DrawerView,
    MovementRow,
    drawer_for_cash,
    drawer_get,
    drawer_open_for,
    drawers_for,
    station_day_report,
)
from xiangcun.servicecenter.selectors.impact import assisted_order_residents
from xiangcun.servicecenter.selectors.orders import (
    assisted_order_get,
    assisted_order_receipt,
    assisted_orders,
)
from xiangcun.servicecenter.selectors.residents import resident_get, residents_find

__all__ = [
    "CommissionLineRow",
    "CommissionView",
    "DayReport",
    "DrawerView",
    "MovementRow",
    "action_text",
    "assisted_order_get",
    "assisted_order_receipt",
    "assisted_order_residents",
    "assisted_orders",
    "commission_for",
    "drawer_for_cash",
    "drawer_get",
    "drawer_open_for",
    "drawers_for",
    "resident_consents",
    "resident_get",
    "resident_orders",
    "residents_find",
    "residents_served_today",
    "station_day_report",
]
