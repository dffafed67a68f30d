"""Shipping's reads: the quote other apps call at checkout (`rate_quote`, `option_get`), the
fresh-goods rule inside it, packing instructions, and the rate tables for the console."""

from xiangcun.shipping.selectors._common import LINES_MAX, QUANTITY_MAX
from xiangcun.shipping.selectors.packing import (
    packing_instructions,
    packing_instructions_render,
)
from xiangcun.shipping.selectors.quote import (
    chargeable_weight_g,
    option_get,
    rate_quote,
    ships_free,
)
from xiangcun.shipping.selectors.tables import (
    CONSOLE_PERMISSION,
    carriers_list,
    rate_get,
    rates_list,
    shipping_console_allowed,
)

__all__ = [
    "CONSOLE_PERMISSION",
    "LINES_MAX",
    "QUANTITY_MAX",
    "carriers_list",
    "chargeable_weight_g",
    "option_get",
    "packing_instructions",
    "packing_instructions_render",
    "rate_get",
    "rate_quote",
    "rates_list",
    "shipping_console_allowed",
    "ships_free",
]
